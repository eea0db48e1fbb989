import FathomCore
import Foundation

/// A solid shape in its own object frame. Rays are intersected in that frame, so a moving object
/// only changes the transform, never the shape.
public enum Primitive: Sendable {
    /// The z = 0 plane of the object frame, normal +z, limited to |x| ≤ half.x, |y| ≤ half.y
    /// (nil: unbounded).
    case plane(half: SIMD2<Double>?)
    /// An axis-aligned box centred on the origin.
    case box(half: SIMD3<Double>)
    case sphere(radius: Double)

    /// Whether the shape encloses a volume (planes do not): only solids can interpenetrate.
    public var isSolid: Bool {
        if case .plane = self { false } else { true }
    }

    /// Radius of the smallest origin-centred sphere holding the shape (infinite for an unbounded plane).
    public var boundingRadius: Double {
        switch self {
        case .plane(let half): half.map { ($0 * $0).sum().squareRoot() } ?? .infinity
        case .box(let half): length(half)
        case .sphere(let radius): radius
        }
    }

    /// Signed distance from `p` (object frame) to the surface, negative inside; nil for a plane,
    /// which has no inside.
    func signedDistance(_ p: SIMD3<Double>) -> Double? {
        switch self {
        case .plane: return nil
        case .box(let half):
            let q = SIMD3(abs(p.x), abs(p.y), abs(p.z)) - half
            return length(SIMD3(max(q.x, 0), max(q.y, 0), max(q.z, 0))) + min(max(q.x, q.y, q.z), 0)
        case .sphere(let radius): return length(p) - radius
        }
    }

    /// Points spread over the surface (object frame), for contact tests; none for a plane.
    var surfacePoints: [SIMD3<Double>] {
        switch self {
        case .plane: return []
        case .box(let half):
            // A 7 × 7 grid on each face.
            let steps = (0 ..< 7).map { Double($0) / 3 - 1 }
            return (0 ..< 3).flatMap { axis in
                [-1.0, 1].flatMap { side in
                    steps.flatMap { a in
                        steps.map { b in
                            var unit = SIMD3<Double>.zero
                            unit[axis] = side
                            unit[(axis + 1) % 3] = a
                            unit[(axis + 2) % 3] = b
                            return unit * half
                        }
                    }
                }
            }
        case .sphere(let radius):
            // A Fibonacci lattice: near-uniform and deterministic.
            let count = 300
            return (0 ..< count).map { i in
                let z = 1 - (2 * Double(i) + 1) / Double(count)
                let angle = Double(i) * 2.399963229728653
                let ring = (1 - z * z).squareRoot()
                return radius * SIMD3(ring * cos(angle), ring * sin(angle), z)
            }
        }
    }

    /// Nearest hit of the ray `origin + s · direction` with s > `minimum`: the ray parameter and
    /// the unit surface normal, both in the object frame.
    func intersect(origin o: SIMD3<Double>, direction d: SIMD3<Double>, minimum: Double) -> (s: Double, normal: SIMD3<Double>)? {
        switch self {
        case .plane(let half):
            guard d.z != 0 else { return nil }
            let s = -o.z / d.z
            guard s > minimum else { return nil }
            if let half {
                let p = o + s * d
                guard abs(p.x) <= half.x, abs(p.y) <= half.y else { return nil }
            }
            return (s, [0, 0, d.z < 0 ? 1 : -1])
        case .box(let half):
            var near = -Double.infinity
            var far = Double.infinity
            var nearAxis = 0
            for axis in 0 ..< 3 {
                if d[axis] == 0 {
                    if abs(o[axis]) > half[axis] { return nil }
                    continue
                }
                var s0 = (-half[axis] - o[axis]) / d[axis]
                var s1 = (half[axis] - o[axis]) / d[axis]
                if s0 > s1 { swap(&s0, &s1) }
                if s0 > near { near = s0; nearAxis = axis }
                far = min(far, s1)
                if near > far { return nil }
            }
            guard near > minimum else { return nil }
            var normal = SIMD3<Double>.zero
            normal[nearAxis] = d[nearAxis] > 0 ? -1 : 1
            return (near, normal)
        case .sphere(let radius):
            let a = dot(d, d)
            let b = dot(o, d)
            let c = dot(o, o) - radius * radius
            let discriminant = b * b - a * c
            guard discriminant >= 0 else { return nil }
            let s = (-b - discriminant.squareRoot()) / a
            guard s > minimum else { return nil }
            return (s, (o + s * d) / radius)
        }
    }
}
