import FathomCore

/// A rigid object: a shape, its texture, and how it moves.
public struct SceneObject: Sendable {
    /// Its id in the per-pixel object map (0 for the first, static background objects first).
    public var id: Int
    public var primitive: Primitive
    public var texture: SolidTexture
    public var motion: RigidMotion
    /// Time (seconds) from which the object is no longer rendered, nil for never: an impossible
    /// event (`SceneEvent.vanish`), since nothing covers it.
    public var vanishTime: Double?

    public init(id: Int, _ primitive: Primitive, _ texture: SolidTexture, motion: RigidMotion) {
        self.id = id
        self.primitive = primitive
        self.texture = texture
        self.motion = motion
    }

    public func isPresent(at time: Double) -> Bool {
        vanishTime.map { time < $0 } ?? true
    }
}

/// Constant linear and angular velocity from a starting pose: `worldFromObject(t)` at time t seconds.
public struct RigidMotion: Sendable {
    public var start: RigidTransform
    /// World units per second.
    public var velocity: SIMD3<Double>
    /// Rotation about `spinAxis` (object frame), radians per second.
    public var spinAxis: SIMD3<Double>
    public var spinRate: Double
    /// An instantaneous displacement (world units) from `time` seconds on, nil for none: an
    /// impossible event (`SceneEvent.teleport`), the object never crosses the space between.
    public var teleport: (time: Double, offset: SIMD3<Double>)?

    public init(start: RigidTransform, velocity: SIMD3<Double> = .zero, spinAxis: SIMD3<Double> = [0, 1, 0], spinRate: Double = 0) {
        self.start = start
        self.velocity = velocity
        self.spinAxis = spinAxis
        self.spinRate = spinRate
    }

    /// An object that never moves.
    public static func fixed(_ pose: RigidTransform) -> RigidMotion {
        RigidMotion(start: pose)
    }

    public var isStatic: Bool { velocity == .zero && spinRate == 0 && teleport == nil }

    public func worldFromObject(at time: Double) -> RigidTransform {
        let spin = RigidTransform(rotation: .rotation(axis: spinAxis, angle: spinRate * time), translation: .zero)
        var pose = start * spin
        pose.translation += velocity * time
        if let teleport, time >= teleport.time { pose.translation += teleport.offset }
        return pose
    }
}
