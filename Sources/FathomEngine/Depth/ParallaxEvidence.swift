import FathomCore
import FathomVision

/// What the views of one frame say about the inverse depth ρ = 1/z of each of its pixels,
/// accumulated view by view (motion stereo by triangulating chained flow).
///
/// For pixel x of frame t with correspondence x′ in frame s, and s_from_t = (R, τ): the point at
/// inverse depth ρ projects to π(R d + τ ρ), d the ray of x. Linearised about the point at infinity
/// π(R d), the observed parallax r = x′ − π(R d) is c ρ, with c = f (τ_xy − q τ_z) / (R d)_z the
/// image motion per unit inverse depth (q the normalised coordinates of x′). Each view gives two
/// equations in one unknown, solved by weighted least squares in ρ (so points at infinity, ρ = 0,
/// are ordinary), and two checks:
/// - the component of r across c is the distance of x′ from its epipolar line, which no depth can
///   explain: beyond noise it means the surface moves on its own (or the cameras are wrong);
/// - the component along c gives that view's own ρ, which must agree with the views before it.
/// Disagreeing views are counted, not averaged in, so one moving or mismatched view cannot drag
/// the estimate.
struct ParallaxEvidence {
    let width: Int
    let height: Int
    /// Where this frame has texture to match, and in which directions.
    let texture: StructureTensor
    /// Σ |c|²/σ² and Σ c·r/σ² over agreeing views: ρ = weightedParallax / information, σ_ρ = 1/√information.
    var information: [Float]
    var weightedParallax: [Float]
    /// Σ |c|²/σ² over conflicting views (off their epipolar line, or disagreeing with the views
    /// before them): the information the pixel would have if it were static.
    var conflict: [Float]

    init(texture: StructureTensor) {
        width = texture.width
        height = texture.height
        self.texture = texture
        information = [Float](repeating: 0, count: width * height)
        weightedParallax = information
        conflict = information
    }

    /// Adds one view: `u`, `v` map this frame's pixels into the other frame (NaN: no
    /// correspondence), `otherFromThis` is the relative camera pose. A correspondence's variance
    /// along a direction e is `flowVariance` + `matchVariance` / eᵀ G e (G the structure tensor):
    /// chained flow noise plus the limit the texture puts on matching in that direction.
    /// `tolerance` is the epipolar distance allowed for camera error, pixels.
    mutating func add(u: [Float], v: [Float], otherFromThis pose: RigidTransform, intrinsics k: PinholeIntrinsics,
                      flowVariance: Float, matchVariance: Float, tolerance: Float) {
        let (w, h) = (width, height)
        let rotation = pose.rotation
        let (r0, r1, r2) = (SIMD3<Float>(rotation.rows.0), SIMD3<Float>(rotation.rows.1), SIMD3<Float>(rotation.rows.2))
        let tau = SIMD3<Float>(pose.translation)
        let (fx, fy, cx, cy) = (Float(k.fx), Float(k.fy), Float(k.cx), Float(k.cy))
        let gate: Float = 3
        u.withUnsafeBufferPointer { pu in
        v.withUnsafeBufferPointer { pv in
        texture.xx.withUnsafeBufferPointer { gxx in
        texture.xy.withUnsafeBufferPointer { gxy in
        texture.yy.withUnsafeBufferPointer { gyy in
        information.withUnsafeMutableBufferPointer { infoBuffer in
        weightedParallax.withUnsafeMutableBufferPointer { parallaxBuffer in
        conflict.withUnsafeMutableBufferPointer { conflictBuffer in
            let (info, parallax, conflicting) = (SharedBuffer(infoBuffer), SharedBuffer(parallaxBuffer), SharedBuffer(conflictBuffer))
            parallelRows(h, minimumWork: w * 8) { i in
                let dy = (Float(i) + 0.5 - cy) / fy
                for j in 0 ..< w {
                    let p = i * w + j
                    let du = pu[p], dv = pv[p]
                    guard du.isFinite, dv.isFinite else { continue }
                    let dx = (Float(j) + 0.5 - cx) / fx
                    let d = SIMD3<Float>(dx, dy, 1)
                    let a = SIMD3((r0 * d).sum(), (r1 * d).sum(), (r2 * d).sum())
                    guard a.z > 0.05 else { continue }
                    let xu = Float(j) + 0.5 + du, xv = Float(i) + 0.5 + dv
                    let qx = (xu - cx) / fx, qy = (xv - cy) / fy
                    let c = SIMD2(fx * (tau.x - qx * tau.z), fy * (tau.y - qy * tau.z)) / a.z
                    let r = SIMD2(xu - (fx * a.x / a.z + cx), xv - (fy * a.y / a.z + cy))
                    let c2 = (c * c).sum()
                    // Texture along the epipolar line (e = c/|c|) and across it; isotropic without parallax.
                    let energy = gxx[p] + gyy[p]
                    let alongEnergy = c2 > 1e-12 ? (c.x * c.x * gxx[p] + 2 * c.x * c.y * gxy[p] + c.y * c.y * gyy[p]) / c2 : energy / 2
                    let acrossEnergy = energy - alongEnergy
                    guard alongEnergy > 1e-6, acrossEnergy > 1e-6 else { continue }
                    let alongVariance = flowVariance + matchVariance / alongEnergy
                    let acrossVariance = flowVariance + matchVariance / acrossEnergy
                    let viewInformation = c2 / alongVariance
                    // Distance from the epipolar line (all of r when there is no parallax direction).
                    let across = c2 > 1e-12 ? abs(r.x * c.y - r.y * c.x) / c2.squareRoot() : (r * r).sum().squareRoot()
                    if across > gate * acrossVariance.squareRoot() + tolerance {
                        conflicting[p] += viewInformation
                        continue
                    }
                    let along = (c * r).sum()
                    if info[p] > 0, c2 > 1e-12 {
                        let rho = along / c2
                        let mean = parallax[p] / info[p]
                        let variance = 1 / viewInformation + 1 / info[p]
                        if (rho - mean) * (rho - mean) > gate * gate * variance {
                            conflicting[p] += viewInformation
                            continue
                        }
                    }
                    info[p] += viewInformation
                    parallax[p] += along / alongVariance
                }
            }
        } } } } } } } }
    }
}
