import FathomCore

/// Frame t's pixels seen from another frame's camera, in the single precision of the inner loops.
/// The ray of pixel (i, j) is d = K⁻¹ (j + ½, i + ½, 1); the point on it at inverse depth ρ, d/ρ,
/// is in the other camera the homogeneous point R d + τ ρ (any positive multiple projects the same),
/// whose z divided by ρ is its depth there. ρ = 0 is the point at infinity, R d.
struct RelativeCamera {
    let r0: SIMD3<Float>
    let r1: SIMD3<Float>
    let r2: SIMD3<Float>
    let tau: SIMD3<Float>
    let fx: Float
    let fy: Float
    let cx: Float
    let cy: Float
    /// 1/fx, 1/fy: the inner loops multiply rather than divide.
    let inverseFx: Float
    let inverseFy: Float

    init(otherFromThis pose: RigidTransform, intrinsics k: PinholeIntrinsics) {
        r0 = SIMD3<Float>(pose.rotation.rows.0)
        r1 = SIMD3<Float>(pose.rotation.rows.1)
        r2 = SIMD3<Float>(pose.rotation.rows.2)
        tau = SIMD3<Float>(pose.translation)
        (fx, fy, cx, cy) = (Float(k.fx), Float(k.fy), Float(k.cx), Float(k.cy))
        (inverseFx, inverseFy) = (Float(1 / k.fx), Float(1 / k.fy))
    }

    @inline(__always)
    func ray(row i: Int, column j: Int) -> SIMD3<Float> {
        SIMD3((Float(j) + 0.5 - cx) * inverseFx, (Float(i) + 0.5 - cy) * inverseFy, 1)
    }

    /// R d + τ ρ.
    @inline(__always)
    func point(_ d: SIMD3<Float>, inverseDepth rho: Float) -> SIMD3<Float> {
        SIMD3((r0 * d).sum(), (r1 * d).sum(), (r2 * d).sum()) + tau * rho
    }

    /// Pixel-index coordinates (column, row: pixel centres at integers) of a point in front of the camera.
    @inline(__always)
    func index(_ x: SIMD3<Float>) -> SIMD2<Float> {
        let inverseZ = 1 / x.z
        return SIMD2(fx * x.x * inverseZ + cx - 0.5, fy * x.y * inverseZ + cy - 0.5)
    }

    /// ∂(pixel)/∂ρ at point x = R d + τ ρ: how far, and which way, the pixel moves per unit of
    /// inverse depth. Its direction is the epipolar line's.
    @inline(__always)
    func parallax(_ x: SIMD3<Float>) -> SIMD2<Float> {
        SIMD2(fx * (tau.x * x.z - x.x * tau.z), fy * (tau.y * x.z - x.y * tau.z)) / (x.z * x.z)
    }
}
