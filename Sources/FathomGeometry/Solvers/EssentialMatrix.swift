import FathomCore

/// The essential matrix E of two calibrated views, x₂ᵀ E x₁ = 0 for normalised image points
/// x = K⁻¹(u, v, 1)ᵀ, with E = [t]× R for the motion camera2FromCamera1 = (R, t).
public enum EssentialMatrix {
    /// Hartley's normalised eight-point algorithm on ≥ 8 correspondences, projected onto the
    /// essential manifold (singular values 1, 1, 0). Nil for degenerate input.
    public static func eightPoint(_ x1: [SIMD2<Double>], _ x2: [SIMD2<Double>]) -> Matrix3? {
        FundamentalMatrix.linearEightPoint(x1, x2).flatMap { try? projectToEssential($0) }
    }

    /// The essential matrix nearest `m`: its SVD with the singular values replaced by (1, 1, 0).
    static func projectToEssential(_ m: Matrix3) throws(FathomError) -> Matrix3 {
        let (u, _, vt) = try LAPACK.svd(m.flat, rows: 3, columns: 3)
        return Matrix3(flat: u) * Matrix3(rows: SIMD3(1, 0, 0), SIMD3(0, 1, 0), .zero) * Matrix3(flat: vt)
    }

    /// First-order geometric (Sampson) distance squared of a correspondence to the epipolar
    /// constraint, in normalised image units; multiply by f² for pixels².
    public static func sampsonSquared(_ e: Matrix3, _ x1: SIMD2<Double>, _ x2: SIMD2<Double>) -> Double {
        let p = SIMD3(x1.x, x1.y, 1)
        let q = SIMD3(x2.x, x2.y, 1)
        let ep = e * p
        let etq = e.transposed * q
        let c = dot(q, ep)
        let denominator = ep.x * ep.x + ep.y * ep.y + etq.x * etq.x + etq.y * etq.y
        return denominator > 0 ? c * c / denominator : .infinity
    }

    /// The four motions camera2FromCamera1 consistent with E (two rotations × two translation signs,
    /// translation of unit length); cheirality picks the one true motion.
    public static func motions(of e: Matrix3) -> [RigidTransform] {
        guard let (u, _, vt) = try? LAPACK.svd(e.flat, rows: 3, columns: 3) else { return [] }
        var uMatrix = Matrix3(flat: u)
        var vtMatrix = Matrix3(flat: vt)
        if determinant(uMatrix) < 0 { uMatrix = -1 * uMatrix }
        if determinant(vtMatrix) < 0 { vtMatrix = -1 * vtMatrix }
        let w = Matrix3(rows: SIMD3(0, -1, 0), SIMD3(1, 0, 0), SIMD3(0, 0, 1))
        let r1 = uMatrix * w * vtMatrix
        let r2 = uMatrix * w.transposed * vtMatrix
        let t = SIMD3(u[2], u[5], u[8])
        return [RigidTransform(rotation: r1, translation: t), RigidTransform(rotation: r1, translation: -t),
                RigidTransform(rotation: r2, translation: t), RigidTransform(rotation: r2, translation: -t)]
    }

    /// E of a known motion camera2FromCamera1.
    public static func of(_ motion: RigidTransform) -> Matrix3 {
        Rotation.skew(motion.translation) * motion.rotation
    }
}
