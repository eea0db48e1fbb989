import FathomCore
import Foundation

/// Rotations as the optimisers and solvers need them: the exponential and logarithm maps between
/// rotation vectors (axis × angle, radians) and matrices, and the rotation nearest a noisy matrix.
public enum Rotation {
    /// exp([w]×): the rotation by |w| radians about w; exact near zero (no division by the angle).
    public static func exp(_ w: SIMD3<Double>) -> Matrix3 {
        let theta2 = dot(w, w)
        let theta = theta2.squareRoot()
        // Taylor series below 1e-4 rad keep sin(θ)/θ and (1 − cos θ)/θ² accurate to double precision.
        let a = theta < 1e-4 ? 1 - theta2 / 6 : sin(theta) / theta
        let b = theta < 1e-4 ? 0.5 - theta2 / 24 : (1 - cos(theta)) / theta2
        let k = skew(w)
        let k2 = k * k
        return Matrix3(rows: SIMD3(1, 0, 0) + a * k.rows.0 + b * k2.rows.0,
                       SIMD3(0, 1, 0) + a * k.rows.1 + b * k2.rows.1,
                       SIMD3(0, 0, 1) + a * k.rows.2 + b * k2.rows.2)
    }

    /// The rotation vector of a rotation matrix, angle in [0, π].
    public static func log(_ r: Matrix3) -> SIMD3<Double> {
        let axis = SIMD3(r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]) / 2
        let sine = length(axis)
        let cosine = (r[0, 0] + r[1, 1] + r[2, 2] - 1) / 2
        let angle = atan2(sine, cosine)
        if sine > 1e-7 { return axis * (angle / sine) }
        if cosine > 0 { return axis }  // near identity: the antisymmetric part is the vector
        // Near π: the axis is the column of (R + I) with the largest norm.
        let columns = (0 ..< 3).map { c in SIMD3(r[0, c], r[1, c], r[2, c]) + SIMD3((0 ..< 3).map { $0 == c ? 1.0 : 0 }) }
        let best = columns.max { length($0) < length($1) }!
        return normalize(best) * angle
    }

    /// The cross-product matrix: skew(a) * b = a × b.
    public static func skew(_ a: SIMD3<Double>) -> Matrix3 {
        Matrix3(rows: SIMD3(0, -a.z, a.y), SIMD3(a.z, 0, -a.x), SIMD3(-a.y, a.x, 0))
    }

    /// The rotation closest to `m` in the Frobenius norm (U Vᵀ of its SVD, reflection removed).
    public static func nearest(to m: Matrix3) throws(FathomError) -> Matrix3 {
        let (u, _, vt) = try LAPACK.svd(m.flat, rows: 3, columns: 3)
        let uMatrix = Matrix3(flat: u)
        let vtMatrix = Matrix3(flat: vt)
        let flip = determinant(uMatrix) * determinant(vtMatrix) < 0 ? -1.0 : 1
        return uMatrix * Matrix3(rows: [1, 0, 0], [0, 1, 0], [0, 0, flip]) * vtMatrix
    }

    /// Angle of a rotation matrix in degrees.
    public static func angleDegrees(_ r: Matrix3) -> Double {
        length(log(r)) * 180 / .pi
    }
}

extension Matrix3 {
    /// From 9 row-major values.
    public init(flat v: [Double]) {
        self.init(rows: SIMD3(v[0], v[1], v[2]), SIMD3(v[3], v[4], v[5]), SIMD3(v[6], v[7], v[8]))
    }

    /// The 9 values, row-major.
    public var flat: [Double] {
        [rows.0.x, rows.0.y, rows.0.z, rows.1.x, rows.1.y, rows.1.z, rows.2.x, rows.2.y, rows.2.z]
    }

    public static func * (s: Double, m: Matrix3) -> Matrix3 {
        Matrix3(rows: s * m.rows.0, s * m.rows.1, s * m.rows.2)
    }

    public static func + (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(rows: a.rows.0 + b.rows.0, a.rows.1 + b.rows.1, a.rows.2 + b.rows.2)
    }

    public static func - (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(rows: a.rows.0 - b.rows.0, a.rows.1 - b.rows.1, a.rows.2 - b.rows.2)
    }

    /// Frobenius norm.
    public var norm: Double {
        (dot(rows.0, rows.0) + dot(rows.1, rows.1) + dot(rows.2, rows.2)).squareRoot()
    }

    /// Inverse of an invertible matrix (adjugate over determinant).
    public var inverse: Matrix3 {
        let (a, b, c) = rows
        let d = dot(a, cross(b, c))
        let adjugateTransposed = Matrix3(rows: cross(b, c), cross(c, a), cross(a, b))
        return (1 / d) * adjugateTransposed.transposed
    }
}
