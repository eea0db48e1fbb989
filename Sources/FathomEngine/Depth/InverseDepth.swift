/// One frame's inverse depth ρ = 1/z with its information (1/σ²), concluded from the parallax
/// evidence and then refined photometrically; it becomes depth and confidence in `DepthFrame`.
struct InverseDepth {
    let width: Int
    let height: Int
    /// NaN where nothing was measured.
    var rho: [Float]
    var information: [Float]
    /// Agreeing share of the views' information, in [0, 1].
    var consistency: [Float]
    var moving: [Bool]

    /// The weighted least-squares ρ of the agreeing views, where it is at least
    /// `minimumParallaxRatio` standard deviations above 0 (else the pixel is too far, or its
    /// parallax too small, to tell, and refinement must not invent a depth). A pixel is moving
    /// (and gets no ρ) when `givenMoving` says so, when its conflicting views carry more
    /// information than its agreeing ones, or when ρ is confidently negative: a static point
    /// cannot be behind the cameras, but a surface moving with the camera triangulates there.
    init(_ evidence: ParallaxEvidence, givenMoving: [Bool]?, minimumParallaxRatio: Float) {
        width = evidence.width
        height = evidence.height
        let n = width * height
        rho = [Float](repeating: .nan, count: n)
        information = [Float](repeating: 0, count: n)
        consistency = information
        moving = givenMoving ?? [Bool](repeating: false, count: n)
        for p in 0 ..< n {
            let (agreeing, conflicting) = (evidence.information[p], evidence.conflict[p])
            guard agreeing > 0 || conflicting > 0 else { continue }
            let estimate = agreeing > 0 ? evidence.weightedParallax[p] / agreeing : 0
            if conflicting > agreeing || estimate * agreeing.squareRoot() < -minimumParallaxRatio {
                moving[p] = true
            }
            guard !moving[p], estimate * agreeing.squareRoot() >= minimumParallaxRatio else { continue }
            rho[p] = estimate
            information[p] = agreeing
            consistency[p] = agreeing / (agreeing + conflicting)
        }
    }
}
