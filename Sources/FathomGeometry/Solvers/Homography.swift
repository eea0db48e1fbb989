import FathomCore

/// The plane-induced or rotation-induced map between two views, x₂ ∝ H x₁ in homogeneous
/// coordinates (pixels or normalised coordinates alike).
public enum Homography {
    /// Normalised direct linear transform on ≥ 4 correspondences, scaled to Frobenius norm 1.
    /// Nil for degenerate input (three of four points collinear).
    public static func directLinearTransform(_ x1: [SIMD2<Double>], _ x2: [SIMD2<Double>]) -> Matrix3? {
        precondition(x1.count == x2.count, "directLinearTransform: \(x1.count) vs \(x2.count) points")
        guard x1.count >= 4 else { return nil }
        let n1 = PointNormalization(x1)
        let n2 = PointNormalization(x2)
        var normal = NormalEquations(columns: 9)
        for (p, q) in zip(x1, x2) {
            let a = n1.apply(p)
            let b = n2.apply(q)
            normal.add(row(-a.x, -a.y, -1, 0, 0, 0, b.x * a.x, b.x * a.y, b.x))
            normal.add(row(0, 0, 0, -a.x, -a.y, -1, b.y * a.x, b.y * a.y, b.y))
        }
        guard let h = normal.smallestVectors(1)?.first else { return nil }
        let result = n2.matrix.inverse * Matrix3(flat: h) * n1.matrix
        let norm = result.norm
        guard norm > 0, norm.isFinite, abs(determinant(result)) > 1e-12 * norm * norm * norm else { return nil }
        return (1 / norm) * result
    }

    /// Where H maps `p`; nil at infinity.
    public static func transfer(_ h: Matrix3, _ p: SIMD2<Double>) -> SIMD2<Double>? {
        let q = h * SIMD3(p.x, p.y, 1)
        guard abs(q.z) > 1e-12 else { return nil }
        return SIMD2(q.x / q.z, q.y / q.z)
    }

    /// Symmetric transfer error squared, halved: (‖x₂ − H x₁‖² + ‖x₁ − H⁻¹ x₂‖²) / 2.
    public static func symmetricTransferSquared(_ h: Matrix3, inverse: Matrix3, _ x1: SIMD2<Double>, _ x2: SIMD2<Double>) -> Double {
        guard let forward = transfer(h, x1), let backward = transfer(inverse, x2) else { return .infinity }
        let a = forward - x2
        let b = backward - x1
        return ((a * a).sum() + (b * b).sum()) / 2
    }
}
