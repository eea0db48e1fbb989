import FathomCore

/// A solid shape in its own object frame. Rays are intersected in that frame, so a moving object
/// only changes the transform, never the shape.
public enum Primitive: Sendable {
    /// The z = 0 plane of the object frame, normal +z, limited to |x| ≤ half.x, |y| ≤ half.y
    /// (nil: unbounded).
    case plane(half: SIMD2<Double>?)
    /// An axis-aligned box centred on the origin.
    case box(half: SIMD3<Double>)
    case sphere(radius: Double)

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
