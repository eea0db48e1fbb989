import FathomCore
import FathomVision

/// Photometric refinement of triangulated inverse depth directly against the widest views.
///
/// Chained flow drifts a little with every link, and its smoothing blurs depth edges. Here each
/// pixel's inverse depth ρ is moved along its epipolar line in frames t ± span by Gauss–Newton on
/// the intensity difference over a 5 × 5 window (Lucas–Kanade with one unknown: the image motion
/// per unit ρ is the parallax direction c, so the Jacobian is ∇I · c). Each view has its own
/// brightness offset, eliminated per window: the cost is zero-mean SSD, unaffected by exposure
/// shifts. Views are weighted by how well they match, so a view where the pixel is occluded does
/// not pull it. The window sums are box filters of per-pixel terms, so a pass costs one image
/// sample per pixel and view, not one per window pixel.
///
/// Returns each pixel's photometric agreement in [0, 1], 1 − SSD / (2 × window variance), an
/// NCC-like score of the best view: low where the depth does not explain what the views see.
struct EpipolarRefinement {
    struct View {
        let image: GrayImage
        let otherFromThis: RigidTransform
    }

    let intrinsics: PinholeIntrinsics
    let iterations: Int
    /// Standard deviation of intensity noise: turns the photometric normal equations into
    /// information about ρ, comparable with the triangulation's.
    let imageNoise: Float

    static let radius = 2

    func refine(_ estimate: inout InverseDepth, image: GrayImage, views: [View]) -> [Float] {
        let (w, h) = (estimate.width, estimate.height)
        let n = w * h
        let (gradientX, gradientY) = image.gradients()
        let variance = localVariance(image)
        let prior = estimate.rho
        let priorInformation = estimate.information
        var rho = prior
        /// Window pixels per unit of intensity variance: the scale of photometric information.
        let pixelsPerVariance = Float((2 * Self.radius + 1) * (2 * Self.radius + 1)) / (imageNoise * imageNoise)
        var posterior = priorInformation
        var agreement = [Float](repeating: 0, count: n)
        for _ in 0 ..< iterations {
            var normal = [Float](repeating: 0, count: n)
            var gradient = normal
            var bestResidual = [Float](repeating: .infinity, count: n)
            var bestSupport = normal
            var reach = normal
            for view in views {
                let (terms, motion) = linearise(rho, image: image, gradientX: gradientX, gradientY: gradientY, view: view)
                for p in 0 ..< n { reach[p] = max(reach[p], motion[p]) }
                let sums = terms.map { BoxFilter.mean($0, width: w, height: h, radius: Self.radius) }
                let (count, jj, j1, jr, r1, rr) = (sums[0], sums[1], sums[2], sums[3], sums[4], sums[5])
                for p in 0 ..< n where count[p] > 0.5 {
                    // Eliminate the view's brightness offset: centred second moments over the window.
                    let a = jj[p] - j1[p] * j1[p] / count[p]
                    let b = jr[p] - j1[p] * r1[p] / count[p]
                    let residual = max(rr[p] - r1[p] * r1[p] / count[p], 0) / count[p]
                    let weight = 1 / (residual + 1)
                    normal[p] += weight * a
                    gradient[p] += weight * b
                    if residual < bestResidual[p] {
                        bestResidual[p] = residual
                        bestSupport[p] = count[p]
                    }
                }
            }
            for p in 0 ..< n where !rho[p].isNaN && reach[p] > 0 {
                // Minimise prior + photometric cost: the triangulated ρ keeps ill-conditioned
                // pixels (little texture along the epipolar line, repeated patterns) in place.
                let photometric = pixelsPerVariance * normal[p]
                let information = priorInformation[p] + photometric
                let target = (priorInformation[p] * prior[p] + photometric * rho[p] - pixelsPerVariance * gradient[p]) / information
                // At most one pixel of image motion per pass: beyond that the linearisation is not to be trusted.
                let limit = 1 / reach[p]
                rho[p] += min(max(target - rho[p], -limit), limit)
                posterior[p] = information
                agreement[p] = bestSupport[p] > 0 ? max(0, 1 - bestResidual[p] / (2 * variance[p] + 1)) : 0
            }
        }
        estimate.rho = rho
        estimate.information = posterior
        return agreement
    }

    /// Per-pixel terms of the Gauss–Newton normal equations in one view, in the order the window
    /// sums are used: valid, J², J, J r, r, r² (r = I_view(x′) − I(x), J = ∇I · ∂x′/∂ρ); and the
    /// length of ∂x′/∂ρ, pixels of image motion per unit of ρ.
    private func linearise(_ rho: [Float], image: GrayImage, gradientX: GrayImage, gradientY: GrayImage, view: View)
        -> (terms: [[Float]], motion: [Float]) {
        let (w, h) = (image.width, image.height)
        let (fx, fy, cx, cy) = (Float(intrinsics.fx), Float(intrinsics.fy), Float(intrinsics.cx), Float(intrinsics.cy))
        let r = view.otherFromThis.rotation
        let (r0, r1, r2) = (SIMD3<Float>(r.rows.0), SIMD3<Float>(r.rows.1), SIMD3<Float>(r.rows.2))
        let tau = SIMD3<Float>(view.otherFromThis.translation)
        var planes = [Float](repeating: 0, count: 6 * w * h)
        var motionLength = [Float](repeating: 0, count: w * h)
        rho.withUnsafeBufferPointer { rho in
        image.pixels.withUnsafeBufferPointer { i0 in
        view.image.pixels.withUnsafeBufferPointer { i1 in
        gradientX.pixels.withUnsafeBufferPointer { gx in
        gradientY.pixels.withUnsafeBufferPointer { gy in
        motionLength.withUnsafeMutableBufferPointer { lengths in
        planes.withUnsafeMutableBufferPointer { out in
            let (terms, length) = (SharedBuffer(out), SharedBuffer(lengths))
            let n = w * h
            parallelRows(h, minimumWork: w * 16) { i in
                let dy = (Float(i) + 0.5 - cy) / fy
                for j in 0 ..< w {
                    let p = i * w + j
                    guard !rho[p].isNaN else { continue }
                    let d = SIMD3<Float>((Float(j) + 0.5 - cx) / fx, dy, 1)
                    let x = SIMD3((r0 * d).sum(), (r1 * d).sum(), (r2 * d).sum()) + tau * rho[p]
                    guard x.z > 1e-6 else { continue }
                    let u = fx * x.x / x.z + cx - 0.5, v = fy * x.y / x.z + cy - 0.5
                    guard u >= 0, v >= 0, u <= Float(w - 1), v <= Float(h - 1) else { continue }
                    let z2 = x.z * x.z
                    let motion = SIMD2(fx * (tau.x * x.z - x.x * tau.z) / z2, fy * (tau.y * x.z - x.y * tau.z) / z2)
                    let jacobian = gx[p] * motion.x + gy[p] * motion.y
                    let residual = sampleBilinear(i1, width: w, height: h, x: u, y: v) - i0[p]
                    length[p] = (motion * motion).sum().squareRoot()
                    terms[p] = 1
                    terms[n + p] = jacobian * jacobian
                    terms[2 * n + p] = jacobian
                    terms[3 * n + p] = jacobian * residual
                    terms[4 * n + p] = residual
                    terms[5 * n + p] = residual * residual
                }
            }
        } } } } } } }
        return ((0 ..< 6).map { Array(planes[$0 * w * h ..< ($0 + 1) * w * h]) }, motionLength)
    }

    /// Intensity variance over each pixel's window: what a zero-mean SSD of unrelated patches is.
    private func localVariance(_ image: GrayImage) -> [Float] {
        let (w, h) = (image.width, image.height)
        let mean = BoxFilter.mean(image.pixels, width: w, height: h, radius: Self.radius)
        let square = BoxFilter.mean(image.pixels.map { $0 * $0 }, width: w, height: h, radius: Self.radius)
        return zip(square, mean).map { max($0 - $1 * $1, 0) }
    }
}
