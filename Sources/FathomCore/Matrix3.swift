import Foundation

/// A 3 × 3 matrix of doubles, row-major: rotations, intrinsics, essential matrices.
public struct Matrix3: Sendable, Equatable {
    public var rows: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)

    @inlinable
    public init(rows r0: SIMD3<Double>, _ r1: SIMD3<Double>, _ r2: SIMD3<Double>) {
        rows = (r0, r1, r2)
    }

    public static let identity = Matrix3(rows: [1, 0, 0], [0, 1, 0], [0, 0, 1])

    public static func == (a: Matrix3, b: Matrix3) -> Bool {
        a.rows.0 == b.rows.0 && a.rows.1 == b.rows.1 && a.rows.2 == b.rows.2
    }

    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        switch row {
        case 0: rows.0[column]
        case 1: rows.1[column]
        default: rows.2[column]
        }
    }

    @inlinable @inline(__always)
    public var transposed: Matrix3 {
        Matrix3(rows: SIMD3(rows.0.x, rows.1.x, rows.2.x), SIMD3(rows.0.y, rows.1.y, rows.2.y), SIMD3(rows.0.z, rows.1.z, rows.2.z))
    }

    @inlinable @inline(__always)
    public static func * (m: Matrix3, v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((m.rows.0 * v).sum(), (m.rows.1 * v).sum(), (m.rows.2 * v).sum())
    }

    @inlinable
    public static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        let t = b.transposed
        return Matrix3(rows: SIMD3((a.rows.0 * t.rows.0).sum(), (a.rows.0 * t.rows.1).sum(), (a.rows.0 * t.rows.2).sum()),
                       SIMD3((a.rows.1 * t.rows.0).sum(), (a.rows.1 * t.rows.1).sum(), (a.rows.1 * t.rows.2).sum()),
                       SIMD3((a.rows.2 * t.rows.0).sum(), (a.rows.2 * t.rows.1).sum(), (a.rows.2 * t.rows.2).sum()))
    }

    /// Rotation by `angle` radians about the unit vector `axis` (Rodrigues' formula).
    public static func rotation(axis: SIMD3<Double>, angle: Double) -> Matrix3 {
        let a = axis / (axis * axis).sum().squareRoot()
        let (c, s) = (cos(angle), sin(angle))
        let k = 1 - c
        return Matrix3(rows: [c + a.x * a.x * k, a.x * a.y * k - a.z * s, a.x * a.z * k + a.y * s],
                       [a.y * a.x * k + a.z * s, c + a.y * a.y * k, a.y * a.z * k - a.x * s],
                       [a.z * a.x * k - a.y * s, a.z * a.y * k + a.x * s, c + a.z * a.z * k])
    }

    /// The rotation whose rows are the camera axes (x right, y down, z forward) of a camera at
    /// `eye` looking at `target`, with `up` giving the world's up direction: a `cameraFromWorld`
    /// rotation in OpenCV's convention.
    public static func lookAt(eye: SIMD3<Double>, target: SIMD3<Double>, up: SIMD3<Double>) -> Matrix3 {
        let forward = normalize(target - eye)
        let right = normalize(cross(forward, up))
        let down = cross(forward, right)
        return Matrix3(rows: right, down, forward)
    }
}

@inlinable public func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

@inlinable public func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
    (a * b).sum()
}

@inlinable public func length(_ v: SIMD3<Double>) -> Double {
    dot(v, v).squareRoot()
}

@inlinable public func normalize(_ v: SIMD3<Double>) -> SIMD3<Double> {
    v / length(v)
}
