import FathomCore

/// The fundamental matrix F of two uncalibrated views, x₂ᵀ F x₁ = 0 in pixels. Needs no focal
/// length, which makes it the model to test for parallax before the intrinsics are known.
public enum FundamentalMatrix {
    /// Hartley's normalised eight-point algorithm with the rank-2 constraint enforced.
    public static func eightPoint(_ x1: [SIMD2<Double>], _ x2: [SIMD2<Double>]) -> Matrix3? {
        guard let f = linearEightPoint(x1, x2), let (u, s, vt) = try? LAPACK.svd(f.flat, rows: 3, columns: 3) else { return nil }
        return Matrix3(flat: u) * Matrix3(rows: SIMD3(s[0], 0, 0), SIMD3(0, s[1], 0), .zero) * Matrix3(flat: vt)
    }

    /// The least-squares solution of x₂ᵀ M x₁ = 0 on normalised points, denormalised, with no
    /// constraint on its singular values (shared by the essential and fundamental solvers).
    static func linearEightPoint(_ x1: [SIMD2<Double>], _ x2: [SIMD2<Double>]) -> Matrix3? {
        precondition(x1.count == x2.count, "eightPoint: \(x1.count) vs \(x2.count) points")
        guard x1.count >= 8 else { return nil }
        let n1 = PointNormalization(x1)
        let n2 = PointNormalization(x2)
        var normal = NormalEquations(columns: 9)
        for (p, q) in zip(x1, x2) {
            let a = n1.apply(p)
            let b = n2.apply(q)
            normal.add(row(b.x * a.x, b.x * a.y, b.x, b.y * a.x, b.y * a.y, b.y, a.x, a.y, 1))
        }
        guard let m = normal.smallestVectors(1)?.first else { return nil }
        return n2.matrix.transposed * Matrix3(flat: m) * n1.matrix
    }
}
