import FathomCore
import Foundation

/// A plausible clip and its twin with one impossible event, alike in everything else: the
/// population on which the consistency score is measured (`fathom-bench consistency`).
///
/// The plausible twin is the scene without interpenetrating solids; the impossible one injects the
/// event into it. For a pass-through both twins move the object along a straight path in a random
/// direction; the plausible twin's path is moved sideways, so the object passes beside the other
/// solid instead of through it. Everything is chosen from the seed, so the same arguments give the
/// same pair.
public struct EventPair: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case teleport
        case vanish
        case passThrough = "pass_through"
    }

    public let kind: Kind
    public let event: SceneEvent
    public let plausible: Scene
    public let impossible: Scene

    /// Share of the image an object must cover where the event happens, so the event is seen.
    static let minimumCoverage = 0.006

    /// A pair of `kind` built on `scene` with choices drawn from `seed`; nil when no object of the
    /// scene can carry the event in view (after a few attempts).
    public init?(_ kind: Kind, scene base: Scene, seed: UInt64) {
        let scene = base.removingInterpenetrations()
        let solids = scene.objects.indices.filter { scene.objects[$0].primitive.isSolid }
        guard base.frameCount >= 6, solids.count >= (kind == .passThrough ? 2 : 1) else { return nil }
        var random = SplitMix(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(Kind.allCases.firstIndex(of: kind)!))
        for _ in 0 ..< 32 {
            let frame = scene.frameCount / 3 + random.index(below: scene.frameCount / 3)
            let object = solids[random.index(below: solids.count)]
            let plausible: Scene, event: SceneEvent
            switch kind {
            case .teleport:
                // Sideways in the view: the direction in which a displacement shows most.
                let right = scene.worldFromCamera(frame: frame).rotation * SIMD3<Double>(1, 0, 0)
                let sideways = normalize(SIMD3(right.x, 0, right.z)) * (random.unit() < 0.5 ? -1 : 1)
                event = .teleport(object: object, frame: frame, offset: sideways * (0.6 + 0.6 * random.unit()))
                plausible = scene
            case .vanish:
                event = .vanish(object: object, frame: frame)
                plausible = scene
            case .passThrough:
                let others = solids.filter { $0 != object }
                let other = others[random.index(below: others.count)]
                // Any direction along the ground, at walking pace: across the view, along it, or between.
                let angle = 2 * Double.pi * random.unit()
                let direction = SIMD3(cos(angle), 0, sin(angle))
                event = .passThrough(object: object, through: other, frame: frame, velocity: direction * (0.4 + 0.4 * random.unit()))
                // The same path moved sideways, so the object passes beside the other with room to
                // spare, on the side nearer the camera.
                let centre = scene.worldFromObject(other, frame: frame).translation
                let eye = scene.worldFromCamera(frame: frame).translation
                var side = SIMD3(-direction.z, 0, direction.x)
                if dot(side, eye - centre) < 0 { side = -side }
                let clearance = scene.objects[object].primitive.boundingRadius + scene.objects[other].primitive.boundingRadius + 0.15
                let crossing = scene.with(event)
                plausible = crossing.routing(object, through: crossing.worldFromObject(object, frame: frame).translation + clearance * side,
                                             atFrame: frame, velocity: crossing.objects[object].motion.velocity)
            }
            let impossible = plausible.with(event)
            if Self.isValid(event, plausible: plausible, impossible: impossible) {
                self.kind = kind
                self.event = event
                self.plausible = plausible
                self.impossible = impossible
                return
            }
        }
        return nil
    }

    /// The plausible twin has no overlapping solids; the impossible one only the event's own; the
    /// objects involved are in view where the event happens, and for a pass-through, so is the
    /// cut between the two surfaces: an interpenetration hidden from the camera is no event in the video.
    private static func isValid(_ event: SceneEvent, plausible: Scene, impossible: Scene) -> Bool {
        let frames = 0 ..< plausible.frameCount
        guard frames.allSatisfy({ plausible.overlappingSolids(frame: $0, margin: 0.05).isEmpty }) else { return false }
        let k = event.frame
        switch event {
        case .teleport(let object, _, _):
            return frames.allSatisfy { impossible.overlappingSolids(frame: $0, margin: 0.05).isEmpty }
                && plausible.coverage(of: object, frame: k - 1) >= minimumCoverage && impossible.coverage(of: object, frame: k) >= minimumCoverage
        case .vanish(let object, _):
            return plausible.coverage(of: object, frame: k - 1) >= minimumCoverage
        case .passThrough(let object, let other, _, _):
            let intended = frames.allSatisfy { frame in
                impossible.overlappingSolids(frame: frame).allSatisfy { Set([$0.0, $0.1]) == Set([object, other]) }
            }
            let meets = impossible.overlappingSolids(frame: k).contains { Set([$0.0, $0.1]) == Set([object, other]) }
            // Seen near the crossing: both solids, and where their surfaces cut each other.
            let window = max(k - 3, 0) ... min(k + 3, frames.upperBound - 1)
            let seen = window.contains { frame in
                impossible.visibleContact(object, other, frame: frame) >= max(4, impossible.width / 20)
                    && [object, other].allSatisfy { impossible.coverage(of: $0, frame: frame) >= minimumCoverage }
            }
            return intended && meets && seen
        }
    }
}
