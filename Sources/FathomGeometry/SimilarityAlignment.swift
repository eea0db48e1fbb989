import FathomCore

/// A similarity transform p' = scale · R p + t: what relates two reconstructions of the same scene
/// that are each correct up to a choice of world frame and scale.
public struct SimilarityTransform: Sendable, Equatable {
    public var scale: Double
    public var rotation: Matrix3
    public var translation: SIMD3<Double>

    public static func * (a: SimilarityTransform, p: SIMD3<Double>) -> SIMD3<Double> {
        a.scale * (a.rotation * p) + a.translation
    }
}

/// Least-squares similarity (Sim(3)) or rigid (SE(3)) alignment of corresponding point sets, in
/// closed form (Umeyama, "Least-squares estimation of transformation parameters between two point
/// patterns", TPAMI 1991).
public enum SimilarityAlignment {
    /// The transform T minimising Σ‖target_i − T(source_i)‖²; `withScale` false fixes scale = 1.
    /// Needs at least three points not all on one line.
    public static func align(source: [SIMD3<Double>], target: [SIMD3<Double>], withScale: Bool = true) throws(FathomError) -> SimilarityTransform {
        precondition(source.count == target.count, "align: \(source.count) source points, \(target.count) target points")
        guard source.count >= 3 else {
            throw FathomError("geometry.degenerate", "alignment needs at least 3 corresponding points, got \(source.count)")
        }
        let n = Double(source.count)
        let meanSource = source.reduce(.zero, +) / n
        let meanTarget = target.reduce(.zero, +) / n
        var covariance = [Double](repeating: 0, count: 9)  // Σ (target − μt)(source − μs)ᵀ / n
        var sourceVariance = 0.0
        for (p, q) in zip(source, target) {
            let a = p - meanSource
            let b = q - meanTarget
            for r in 0 ..< 3 { for c in 0 ..< 3 { covariance[r * 3 + c] += b[r] * a[c] / n } }
            sourceVariance += dot(a, a) / n
        }
        guard sourceVariance > 0 else {
            throw FathomError("geometry.degenerate", "alignment source points are all identical")
        }
        let (u, s, vt) = try LAPACK.svd(covariance, rows: 3, columns: 3)
        let uMatrix = Matrix3(flat: u)
        let vtMatrix = Matrix3(flat: vt)
        // Flip the last axis when U Vᵀ would be a reflection.
        let reflect = determinant(uMatrix) * determinant(vtMatrix) < 0
        let d = SIMD3<Double>(1, 1, reflect ? -1 : 1)
        let rotation = uMatrix * Matrix3(rows: SIMD3(d.x, 0, 0), SIMD3(0, d.y, 0), SIMD3(0, 0, d.z)) * vtMatrix
        let scale = withScale ? (s[0] * d.x + s[1] * d.y + s[2] * d.z) / sourceVariance : 1
        return SimilarityTransform(scale: scale, rotation: rotation, translation: meanTarget - scale * (rotation * meanSource))
    }
}

public func determinant(_ m: Matrix3) -> Double {
    dot(m.rows.0, cross(m.rows.1, m.rows.2))
}
