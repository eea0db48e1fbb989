/// Settings of dense depth (`DepthEstimator`). Part of `EngineOptions`, so a change here changes a
/// job's config hash.
public struct DepthOptions: Sendable, Equatable {
    /// Pyramid level depth is estimated at (0: full resolution, 1: half, …), then upsampled guided by
    /// the full frame. The fast flow preset computes flow at level 1, so level 1 loses little
    /// detail and costs a quarter of level 0.
    public var workingLevel: Int
    /// Frame gaps a pixel is triangulated over, powers of two: the neighbours of frame t are
    /// t ± shortestSpan, …, longestSpan (doubling), reached by chaining consecutive flows. Parallax
    /// grows with the gap while chained flow error grows only as its square root; the shortest
    /// gaps add little information and the most flow bias relative to their parallax.
    public var shortestSpan: Int
    public var longestSpan: Int
    /// Standard deviation of one consecutive flow vector, in working pixels; over a chain of k
    /// frames it grows as √k. Sets how the views are weighted and what counts as disagreement.
    public var flowNoise: Float
    /// Standard deviation of image intensity (0–255) from sensor noise, quantisation and
    /// compression, or nil to estimate it per clip (`ImageNoise`): with the local texture it bounds
    /// how precisely a pixel can be matched, so uniform regions (sky, blank walls) are not mistaken
    /// for measured ones.
    public var imageNoise: Float?
    /// Camera error allowed on top of flow noise, in working pixels, before a correspondence off
    /// its epipolar line counts as evidence of independent motion.
    public var poseTolerance: Float
    /// Relative error of depth below which frames are not held to agree when their depth maps are
    /// checked against each other: covers biases the noise model does not (flow smoothing, camera
    /// error). Larger tolerates more; independently moving surfaces must drift further to be caught.
    public var relativeFloor: Float
    /// Depth is reported only where inverse depth exceeds this many standard deviations: below it
    /// the pixel is too far (sky, horizon) or the parallax too small to measure. 3σ, the usual
    /// significance level: 4σ left a tenth of weakly textured walls without depth.
    public var minimumParallaxRatio: Float
    /// Gauss–Newton passes of photometric refinement against the widest views (0: triangulation only).
    public var refinementIterations: Int
    /// Holes (connected unknown regions) of at most this share of the frame are filled from the
    /// surrounding surface where it looks like them (missed matches in weak texture, thin
    /// occlusions); larger unknown regions stay unknown.
    public var maximumHoleFraction: Float

    public init(workingLevel: Int = 1, shortestSpan: Int = 2, longestSpan: Int = 8, flowNoise: Float = 0.25, imageNoise: Float? = nil,
                poseTolerance: Float = 0.5, relativeFloor: Float = 0.03, minimumParallaxRatio: Float = 3, refinementIterations: Int = 1,
                maximumHoleFraction: Float = 0.01) {
        precondition(workingLevel >= 0 && shortestSpan >= 1 && shortestSpan <= longestSpan
                     && shortestSpan & (shortestSpan - 1) == 0 && longestSpan & (longestSpan - 1) == 0,
                     "working level \(workingLevel) must be ≥ 0 and spans \(shortestSpan)…\(longestSpan) powers of two")
        self.workingLevel = workingLevel
        self.shortestSpan = shortestSpan
        self.longestSpan = longestSpan
        self.flowNoise = flowNoise
        self.imageNoise = imageNoise
        self.poseTolerance = poseTolerance
        self.relativeFloor = relativeFloor
        self.minimumParallaxRatio = minimumParallaxRatio
        self.refinementIterations = refinementIterations
        self.maximumHoleFraction = maximumHoleFraction
    }
}
