
/// What the views of one frame say about the inverse depth ρ = 1/z of each of its pixels,
/// accumulated view by view (motion stereo by triangulating chained flow).
///
/// For pixel x of frame t with correspondence x′ in frame s, and s_from_t = (R, τ): the point at
/// inverse depth ρ on the ray d of x is R d + τ ρ in camera s, and it projects to x′ exactly when
/// c ρ = r, with c = f (τ_xy − q τ_z) / (R d)_z the image motion per unit of ρ (q the normalised
/// coordinates of x′) and r = x′ − π(R d) the parallax relative to the point at infinity. Each
/// view gives these two equations in one unknown, solved by weighted least squares in ρ (so
/// points at infinity, ρ = 0, are ordinary), and two checks:
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
    /// correspondence), `camera` is the other frame's. A correspondence's variance
    /// along a direction e is `flowVariance` + `matchVariance` / eᵀ G e (G the structure tensor):
    /// chained flow noise plus the limit the texture puts on matching in that direction.
    /// `tolerance` is the epipolar distance allowed for camera error, pixels.
    mutating func add(u: [Float], v: [Float], camera: RelativeCamera, flowVariance: Float, matchVariance: Float, tolerance: Float) {
        let (w, h) = (width, height)
        let gate: Float = 3
        u.withUnsafeBufferPointer { pu in
        v.withUnsafeBufferPointer { pv in
        texture.xx.withUnsafeBufferPointer { gxx in
        texture.xy.withUnsafeBufferPointer { gxy in
        texture.yy.withUnsafeBufferPointer { gyy in
        information.withUnsafeMutableBufferPointer { info in
        weightedParallax.withUnsafeMutableBufferPointer { parallax in
        conflict.withUnsafeMutableBufferPointer { conflicting in
            for i in 0 ..< h {
                for j in 0 ..< w {
                    let p = i * w + j
                    guard pu[p].isFinite, pv[p].isFinite else { continue }
                    let a = camera.point(camera.ray(row: i, column: j), inverseDepth: 0)
                    guard a.z > 0.05 else { continue }
                    let inverseZ = 1 / a.z
                    // Observed pixel, its normalised coordinates q, and its parallax r from the point at infinity.
                    let observed = SIMD2(Float(j) + pu[p], Float(i) + pv[p])
                    let q = SIMD2((observed.x + 0.5 - camera.cx) * camera.inverseFx, (observed.y + 0.5 - camera.cy) * camera.inverseFy)
                    let c = SIMD2(camera.fx * (camera.tau.x - q.x * camera.tau.z), camera.fy * (camera.tau.y - q.y * camera.tau.z)) * inverseZ
                    let r = observed - SIMD2(camera.fx * a.x * inverseZ + camera.cx - 0.5, camera.fy * a.y * inverseZ + camera.cy - 0.5)
                    let c2 = (c * c).sum()
                    // No parallax direction (rotation only, or at the epipole): nothing to triangulate.
                    guard c2 > 1e-12 else { continue }
                    let inverseC2 = 1 / c2
                    // Texture along the epipolar line (e = c/|c|) and across it.
                    let alongEnergy = (c.x * c.x * gxx[p] + 2 * c.x * c.y * gxy[p] + c.y * c.y * gyy[p]) * inverseC2
                    let acrossEnergy = gxx[p] + gyy[p] - alongEnergy
                    guard alongEnergy > 1e-6 else { continue }
                    let alongVariance = flowVariance + matchVariance / alongEnergy
                    let viewInformation = c2 / alongVariance
                    // Distance from the epipolar line; uncheckable where nothing varies across it.
                    if acrossEnergy > 1e-6 {
                        let across = abs(r.x * c.y - r.y * c.x) * inverseC2.squareRoot()
                        let acrossVariance = flowVariance + matchVariance / acrossEnergy
                        if across > tolerance && (across - tolerance) * (across - tolerance) > gate * gate * acrossVariance {
                            conflicting[p] += viewInformation
                            continue
                        }
                    }
                    let along = (c * r).sum()
                    if info[p] > 0 {
                        // This view's ρ against the estimate so far, within both their variances.
                        let offset = along * inverseC2 * info[p] - parallax[p]
                        if offset * offset * viewInformation > gate * gate * info[p] * (info[p] + viewInformation) {
                            conflicting[p] += viewInformation
                            continue
                        }
                    }
                    info[p] += viewInformation
                    parallax[p] += along * inverseC2 * viewInformation
                }
            }
        } } } } } } } }
    }
}
