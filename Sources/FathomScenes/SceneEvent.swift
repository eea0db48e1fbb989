import FathomCore

/// An impossible event injected into a scene: what a generated video may show and a physical
/// camera never records. Events start at a frame: frames before it are the original scene's.
public enum SceneEvent: Sendable, Equatable {
    /// From `frame` on, `object` is displaced by `offset` (world units) without crossing the space between.
    case teleport(object: Int, frame: Int, offset: SIMD3<Double>)
    /// From `frame` on, `object` is no longer rendered, though nothing covers it.
    case vanish(object: Int, frame: Int)
    /// `object` moves with `velocity` (keeping its spin and its height) so that at `frame` its
    /// centre is right above or below the centre of `through`: the two solids interpenetrate.
    case passThrough(object: Int, through: Int, frame: Int, velocity: SIMD3<Double>)

    /// The object the event changes.
    public var object: Int {
        switch self {
        case .teleport(let object, _, _), .vanish(let object, _), .passThrough(let object, _, _, _): object
        }
    }

    /// The first frame that differs from the original scene (for a pass-through: the frame of the crossing).
    public var frame: Int {
        switch self {
        case .teleport(_, let frame, _), .vanish(_, let frame), .passThrough(_, _, let frame, _): frame
        }
    }
}

extension Scene {
    /// This scene with `event` injected.
    public func with(_ event: SceneEvent) -> Scene {
        var scene = self
        // Halfway between frames, so the frame of the event is the first one changed.
        let time = self.time(ofFrame: event.frame) - 0.5 / fps
        switch event {
        case .teleport(let object, _, let offset):
            scene.objects[object].motion.teleport = (time, offset)
        case .vanish(let object, _):
            scene.objects[object].vanishTime = time
        case .passThrough(let object, let through, let frame, let velocity):
            var point = worldFromObject(through, frame: frame).translation
            point.y = worldFromObject(object, frame: frame).translation.y
            scene = routing(object, through: point, atFrame: frame, velocity: velocity)
        }
        return scene
    }

    /// This scene with `object` moving at constant `velocity` (keeping its orientation and spin)
    /// so that its centre is at `point` at `frame`. A plain motion, possible or not depending on
    /// what else is at `point`.
    public func routing(_ object: Int, through point: SIMD3<Double>, atFrame frame: Int, velocity: SIMD3<Double>) -> Scene {
        var scene = self
        scene.objects[object].motion.velocity = velocity
        scene.objects[object].motion.start.translation = .zero
        let offset = point - scene.worldFromObject(object, frame: frame).translation
        scene.objects[object].motion.start.translation = offset
        return scene
    }
}
