import FathomVision

/// Photometric refinement of triangulated inverse depth directly against the widest views.
///
/// Chained flow drifts a little with every link, and its smoothing blurs depth edges. Here each
/// pixel's inverse depth ρ is moved along its epipolar line in frames t ± span by a Gauss–Newton
/// step on the intensity difference over a 5 × 5 window (Lucas–Kanade with one unknown: the image
/// motion per unit ρ is the parallax direction c, so the Jacobian is ∇I · c). Each view has its
/// own brightness offset, eliminated per window: the cost is zero-mean SSD, unaffected by exposure
/// shifts. Views are weighted by how well they match, so a view where the pixel is occluded does
/// not pull it, and the triangulated ρ is the prior, so pixels with little texture along their
/// epipolar line (or a repeating one) stay where triangulation put them. The window sums are box
/// filters of per-pixel terms: a pass costs one image sample per pixel and view.
///
/// Returns each pixel's photometric agreement in [0, 1], 1 − SSD / (2 × window variance): an
/// NCC-like score of the best view, low where the depth does not explain what the views see.
struct EpipolarRefinement {
    struct View {
        let image: GrayImage
        let camera: RelativeCamera
    }

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
        let (prior, priorInformation) = (estimate.rho, estimate.information)
        /// Window pixels per unit of intensity variance: the scale of photometric information.
        let pixelsPerVariance = Float((2 * Self.radius + 1) * (2 * Self.radius + 1)) / (imageNoise * imageNoise)
        // Without a pass there is no photometric evidence either way.
        var agreement = [Float](repeating: iterations > 0 ? 0 : 1, count: n)
        for _ in 0 ..< iterations {
            var normal = [Float](repeating: 0, count: n)
            var gradient = normal
            var reach = normal
            var bestResidual = [Float](repeating: .infinity, count: n)
            for view in views {
                let terms = linearise(estimate.rho, image: image, gradientX: gradientX, gradientY: gradientY, view: view, reach: &reach)
                let sums = (0 ..< 6).map { BoxFilter.mean(terms[$0 * n ..< ($0 + 1) * n], width: w, height: h, radius: Self.radius) }
                accumulate(sums, normal: &normal, gradient: &gradient, bestResidual: &bestResidual)
            }
            for p in 0 ..< n where !estimate.rho[p].isNaN && reach[p] > 0 {
                // Minimise prior + photometric cost.
                let photometric = pixelsPerVariance * normal[p]
                let information = priorInformation[p] + photometric
                let target = (priorInformation[p] * prior[p] + photometric * estimate.rho[p] - pixelsPerVariance * gradient[p]) / information
                // At most one pixel of image motion per pass: beyond that the linearisation is not to be trusted.
                let limit = 1 / reach[p]
                estimate.rho[p] += min(max(target - estimate.rho[p], -limit), limit)
                estimate.information[p] = information
                agreement[p] = bestResidual[p].isFinite ? max(0, 1 - bestResidual[p] / (2 * variance[p] + 1)) : 0
            }
        }
        return agreement
    }

    /// Adds one view's window sums (`linearise`'s planes, box-filtered) to the normal equations,
    /// its brightness offset eliminated and its weight falling with its residual.
    private func accumulate(_ sums: [[Float]], normal: inout [Float], gradient: inout [Float], bestResidual: inout [Float]) {
        sums[0].withUnsafeBufferPointer { count in
        sums[1].withUnsafeBufferPointer { jj in
        sums[2].withUnsafeBufferPointer { j1 in
        sums[3].withUnsafeBufferPointer { jr in
        sums[4].withUnsafeBufferPointer { r1 in
        sums[5].withUnsafeBufferPointer { rr in
        normal.withUnsafeMutableBufferPointer { normal in
        gradient.withUnsafeMutableBufferPointer { gradient in
        bestResidual.withUnsafeMutableBufferPointer { bestResidual in
            for p in 0 ..< count.count where count[p] > 0.5 {
                // Centred second moments over the window: the brightness offset eliminated.
                let a = jj[p] - j1[p] * j1[p] / count[p]
                let b = jr[p] - j1[p] * r1[p] / count[p]
                let residual = max(rr[p] - r1[p] * r1[p] / count[p], 0) / count[p]
                let weight = 1 / (residual + 1)
                normal[p] += weight * a
                gradient[p] += weight * b
                bestResidual[p] = min(bestResidual[p], residual)
            }
        } } } } } } } } }
    }

    /// Per-pixel terms of the Gauss–Newton normal equations in one view, six planes one after the
    /// other in the order the window sums are used: valid, J², J, J r, r, r² (r = I_view(x′) − I(x),
    /// J = ∇I · ∂x′/∂ρ). `reach`
    /// keeps the largest |∂x′/∂ρ| over the views: pixels of image motion per unit of ρ.
    private func linearise(_ rho: [Float], image: GrayImage, gradientX: GrayImage, gradientY: GrayImage, view: View,
                           reach: inout [Float]) -> [Float] {
        let (w, h) = (image.width, image.height)
        let n = w * h
        let camera = view.camera
        var planes = [Float](repeating: 0, count: 6 * n)
        rho.withUnsafeBufferPointer { rho in
        image.pixels.withUnsafeBufferPointer { i0 in
        view.image.pixels.withUnsafeBufferPointer { i1 in
        gradientX.pixels.withUnsafeBufferPointer { gx in
        gradientY.pixels.withUnsafeBufferPointer { gy in
        reach.withUnsafeMutableBufferPointer { reach in
        planes.withUnsafeMutableBufferPointer { planes in
            for i in 0 ..< h {
                for j in 0 ..< w {
                    let p = i * w + j
                    guard !rho[p].isNaN else { continue }
                    let x = camera.point(camera.ray(row: i, column: j), inverseDepth: rho[p])
                    guard x.z > 1e-6 else { continue }
                    let at = camera.index(x)
                    guard at.x >= 0, at.y >= 0, at.x <= Float(w - 1), at.y <= Float(h - 1) else { continue }
                    let motion = camera.parallax(x)
                    let jacobian = gx[p] * motion.x + gy[p] * motion.y
                    let residual = sampleBilinear(i1, width: w, height: h, x: at.x, y: at.y) - i0[p]
                    reach[p] = max(reach[p], (motion * motion).sum().squareRoot())
                    planes[p] = 1
                    planes[n + p] = jacobian * jacobian
                    planes[2 * n + p] = jacobian
                    planes[3 * n + p] = jacobian * residual
                    planes[4 * n + p] = residual
                    planes[5 * n + p] = residual * residual
                }
            }
        } } } } } } }
        return planes
    }

    /// Intensity variance over each pixel's window: what a zero-mean SSD of unrelated patches is.
    private func localVariance(_ image: GrayImage) -> [Float] {
        let (w, h) = (image.width, image.height)
        let mean = BoxFilter.mean(image.pixels[...], width: w, height: h, radius: Self.radius)
        let square = BoxFilter.mean(image.pixels.map { $0 * $0 }[...], width: w, height: h, radius: Self.radius)
        return zip(square, mean).map { max($0 - $1 * $1, 0) }
    }
}
