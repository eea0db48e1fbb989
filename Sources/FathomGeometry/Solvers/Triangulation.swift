import FathomCore
import Foundation

/// A 3D point from its observations in cameras of known pose, and the figures that say whether
/// to trust it.
public struct TriangulatedPoint: Sendable, Equatable {
    public var position: SIMD3<Double>
    /// Widest angle between its viewing rays, degrees: small angles give unreliable depth.
    public var maxRayAngleDegrees: Double
    /// Smallest z of the point in the observing cameras: ≤ 0 means behind a camera.
    public var minDepth: Double
    /// Largest reprojection error over the observations, in normalised image units.
    public var maxError: Double

    /// Cheirality, angle and reprojection checks together (`maxError` in normalised units).
    public func passes(minAngleDegrees: Double, maxError limit: Double) -> Bool {
        minDepth > 0 && maxRayAngleDegrees >= minAngleDegrees && maxError <= limit
    }
}

/// Multi-view triangulation of normalised image points x = K⁻¹(u, v, 1)ᵀ.
public enum Triangulation {
    /// The point nearest all viewing rays (linear least squares, a 3 × 3 solve: no allocation), then
    /// Gauss–Newton on the reprojection error. `view(k)` gives camera k's cameraFromWorld and its
    /// observation, for k in 0 ..< count (≥ 2). Nil when the rays are (nearly) parallel.
    public static func point(count: Int, refinements: Int = 3,
                             _ view: (Int) -> (cameraFromWorld: RigidTransform, x: SIMD2<Double>)) -> TriangulatedPoint? {
        precondition(count >= 2, "triangulation needs two views, got \(count)")
        // Σ (I − d dᵀ) X = Σ (I − d dᵀ) c over rays with centre c and unit direction d.
        var a = Matrix3(rows: .zero, .zero, .zero)
        var b = SIMD3<Double>.zero
        for k in 0 ..< count {
            let (pose, x) = view(k)
            let rt = pose.rotation.transposed
            let centre = -(rt * pose.translation)
            let d = normalize(rt * SIMD3(x.x, x.y, 1))
            let projector = Matrix3.identity - Matrix3(rows: d.x * d, d.y * d, d.z * d)
            a = a + projector
            b += projector * centre
        }
        let det = determinant(a)
        guard det.isFinite, abs(det) > 1e-14 * pow(Double(count), 3) else { return nil }
        var p = a.inverse * b
        for _ in 0 ..< refinements {
            var jtj = Matrix3(rows: .zero, .zero, .zero)
            var jtr = SIMD3<Double>.zero
            for k in 0 ..< count {
                let (pose, x) = view(k)
                let c = pose * p
                guard c.z > 1e-12 else { continue }
                let r = SIMD2(c.x / c.z - x.x, c.y / c.z - x.y)
                let du = (SIMD3(1, 0, -c.x / c.z) / c.z)
                let dv = (SIMD3(0, 1, -c.y / c.z) / c.z)
                let ju = pose.rotation.transposed * du  // ∂r/∂p = ∂r/∂c · R
                let jv = pose.rotation.transposed * dv
                jtj = jtj + Matrix3(rows: ju.x * ju + jv.x * jv, ju.y * ju + jv.y * jv, ju.z * ju + jv.z * jv)
                jtr += ju * r.x + jv * r.y
            }
            let d = determinant(jtj)
            guard d.isFinite, abs(d) > 1e-30 else { break }
            p -= jtj.inverse * jtr
        }
        return evaluate(p, count: count, view)
    }

    /// Angle, depth and reprojection figures of a known point in the given views.
    public static func evaluate(_ p: SIMD3<Double>, count: Int,
                                _ view: (Int) -> (cameraFromWorld: RigidTransform, x: SIMD2<Double>)) -> TriangulatedPoint {
        var minDepth = Double.infinity
        var maxError = 0.0
        func ray(_ k: Int) -> SIMD3<Double> {
            let pose = view(k).cameraFromWorld
            return normalize(p + pose.rotation.transposed * pose.translation)
        }
        // Widest pair of rays in two sweeps (farthest from the first, then farthest from that):
        // exact for rays in a plane, within a few percent otherwise, and O(k) instead of O(k²).
        let first = ray(0)
        var extreme = first
        var lowest = 1.0
        for k in 0 ..< count {
            let (pose, x) = view(k)
            let c = pose * p
            minDepth = min(minDepth, c.z)
            let e = SIMD2(c.x / c.z - x.x, c.y / c.z - x.y)
            maxError = max(maxError, (e * e).sum().squareRoot())
            let r = ray(k)
            if dot(r, first) < lowest {
                lowest = dot(r, first)
                extreme = r
            }
        }
        var maxAngleCosine = 1.0
        for k in 0 ..< count { maxAngleCosine = min(maxAngleCosine, dot(ray(k), extreme)) }
        return TriangulatedPoint(position: p, maxRayAngleDegrees: acos(max(-1, min(1, maxAngleCosine))) * 180 / .pi,
                                 minDepth: minDepth, maxError: maxError.isNaN ? .infinity : maxError)
    }
}
