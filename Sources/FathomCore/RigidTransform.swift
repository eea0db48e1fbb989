/// A rotation and a translation: maps points of one frame into another, p_to = R p_from + t.
///
/// Name every value by direction (`worldFromCamera`, `cameraFromWorld`, `worldFromObject`) so the
/// composition reads right to left: `cameraFromWorld * worldFromObject` is `cameraFromObject`.
public struct RigidTransform: Sendable, Equatable {
    public var rotation: Matrix3
    public var translation: SIMD3<Double>

    @inlinable
    public init(rotation: Matrix3, translation: SIMD3<Double>) {
        self.rotation = rotation
        self.translation = translation
    }

    public static let identity = RigidTransform(rotation: .identity, translation: .zero)

    @inlinable
    public var inverse: RigidTransform {
        let rt = rotation.transposed
        return RigidTransform(rotation: rt, translation: -(rt * translation))
    }

    @inlinable
    public static func * (a: RigidTransform, b: RigidTransform) -> RigidTransform {
        RigidTransform(rotation: a.rotation * b.rotation, translation: a.rotation * b.translation + a.translation)
    }

    /// Transforms a point.
    @inlinable @inline(__always)
    public static func * (a: RigidTransform, p: SIMD3<Double>) -> SIMD3<Double> {
        a.rotation * p + a.translation
    }

    /// Row-major 4 × 4 homogeneous matrix, as `camera/world_from_camera` stores it.
    public var matrix4x4: [Double] {
        (0 ..< 3).flatMap { r in [rotation[r, 0], rotation[r, 1], rotation[r, 2], translation[r]] } + [0, 0, 0, 1]
    }
}
