/// One frame's depth at some resolution, while it is being built: depth (NaN unknown), confidence
/// (0 exactly where depth is NaN) and the moving mask.
struct DepthFrame {
    let width: Int
    let height: Int
    var depth: [Float]
    var confidence: [UInt8]
    var moving: [Bool]

    /// Depth 1/ρ where ρ is still at least `minimumParallaxRatio` standard deviations above 0 after
    /// refinement. Confidence grows with that ratio, the agreeing share of the views and the
    /// photometric `agreement` in [0, 1].
    init(_ estimate: InverseDepth, agreement: [Float], minimumParallaxRatio: Float) {
        width = estimate.width
        height = estimate.height
        let n = width * height
        depth = [Float](repeating: .nan, count: n)
        confidence = [UInt8](repeating: 0, count: n)
        moving = estimate.moving
        for p in 0 ..< n where !estimate.rho[p].isNaN {
            let ratio = estimate.rho[p] * estimate.information[p].squareRoot()
            guard ratio >= minimumParallaxRatio else { continue }
            depth[p] = 1 / estimate.rho[p]
            let certainty = (1 - minimumParallaxRatio / ratio) * estimate.consistency[p] * agreement[p]
            confidence[p] = UInt8(max(1, min(255, (255 * certainty).rounded())))
        }
    }

    init(width: Int, height: Int, depth: [Float], confidence: [UInt8], moving: [Bool]) {
        self.width = width
        self.height = height
        self.depth = depth
        self.confidence = confidence
        self.moving = moving
    }
}
