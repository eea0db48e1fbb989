/// Settings of dense depth (`DepthEstimator`). Part of `EngineOptions`, so a change here changes a
/// job's config hash.
public struct DepthOptions: Sendable, Equatable {
    /// Pyramid level depth is estimated at (0: full resolution, 1: half, …), then upsampled guided by
    /// the full frame. The fast flow preset computes flow at level 1, so level 1 loses little
    /// detail and costs a quarter of level 0.
    public var workingLevel: Int
    /// Longest frame gap a pixel is matched over, a power of two: the neighbours of frame t are
    /// t ± 1, 2, 4, …, longestSpan, reached by chaining consecutive flows.
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
    /// the pixel is too far (sky, horizon) or the parallax too small to measure.
    public var minimumParallaxRatio: Float
    /// Gauss–Newton passes of photometric refinement against the widest views (0: triangulation only).
    public var refinementIterations: Int
    /// Holes of at most this many working pixels (missed matches inside a surface) are filled from
    /// their surroundings; larger unknown regions stay unknown.
    public var maximumHoleArea: Int

    public init(workingLevel: Int = 1, longestSpan: Int = 8, flowNoise: Float = 0.25, imageNoise: Float? = nil, poseTolerance: Float = 0.5, relativeFloor: Float = 0.03,
                minimumParallaxRatio: Float = 4, refinementIterations: Int = 1, maximumHoleArea: Int = 48) {
        precondition(workingLevel >= 0 && longestSpan >= 1 && longestSpan & (longestSpan - 1) == 0,
                     "working level \(workingLevel) must be ≥ 0 and longest span \(longestSpan) a power of two")
        self.workingLevel = workingLevel
        self.longestSpan = longestSpan
        self.flowNoise = flowNoise
        self.imageNoise = imageNoise
        self.poseTolerance = poseTolerance
        self.relativeFloor = relativeFloor
        self.minimumParallaxRatio = minimumParallaxRatio
        self.refinementIterations = refinementIterations
        self.maximumHoleArea = maximumHoleArea
    }
}
