/// Settings of camera estimation. Pixel thresholds are in the tracks' pixels; defaults suit tracks
/// whose reprojection error is a few tenths of a pixel (0.2–0.6 px RMS on the synthetic scenes,
/// lossless or H.264).
public struct CameraEstimatorOptions: Sendable, Equatable {
    /// RANSAC inlier threshold (Sampson, transfer and reprojection errors), pixels. While the map is
    /// built, observations that miss their point by more than this are set aside as well.
    public var inlierThresholdPixels: Double
    /// Huber threshold of bundle adjustment, pixels: about twice the tracks' error, so the
    /// observations that fit weigh fully and slipping ones cannot pull the focal length.
    public var huberPixels: Double
    /// A track whose best static 3D point misses many of its observations by more than this is
    /// labelled moving (the label the depth stage and 3D tracks use).
    public var movingThresholdPixels: Double
    /// Median track displacement (pixels) below which the camera counts as not moving.
    public var staticPixels: Double
    /// Median residual of a homography (pixels) above which a frame pair shows parallax.
    public var parallaxPixels: Double
    /// New 3D points need viewing rays at least this far apart, degrees.
    public var minTriangulationAngleDegrees: Double
    /// The map is built from every `keyframeSpacing`-th frame (evenly spread, so longer clips get
    /// more keyframes and neighbouring keyframes keep sharing tracks); the others are registered
    /// against it.
    public var keyframeSpacing: Int
    /// Keyframes adjusted together after each registration.
    public var localWindow: Int
    /// Points in a global bundle adjustment (long, well-spread tracks are kept).
    public var maxBundlePoints: Int
    /// Tracks the cameras are estimated from (evenly spread); every track is then classified and
    /// triangulated against the final cameras.
    public var maxCameraTracks: Int
    /// Horizontal field of view assumed when the focal length cannot be observed (static camera).
    public var fallbackHorizontalFOVDegrees: Double
    /// Field-of-view range searched when the focal length is unknown, degrees.
    public var focalSearchFOVDegrees: ClosedRange<Double>
    public var seed: UInt64

    public init(inlierThresholdPixels: Double = 1.5, huberPixels: Double = 0.5, movingThresholdPixels: Double = 3,
                staticPixels: Double = 0.75, parallaxPixels: Double = 1.0, minTriangulationAngleDegrees: Double = 1,
                keyframeSpacing: Int = 3, localWindow: Int = 8, maxBundlePoints: Int = 300, maxCameraTracks: Int = 600,
                fallbackHorizontalFOVDegrees: Double = 60, focalSearchFOVDegrees: ClosedRange<Double> = 15 ... 120, seed: UInt64 = 0xF47_0C4) {
        self.inlierThresholdPixels = inlierThresholdPixels
        self.huberPixels = huberPixels
        self.movingThresholdPixels = movingThresholdPixels
        self.staticPixels = staticPixels
        self.parallaxPixels = parallaxPixels
        self.minTriangulationAngleDegrees = minTriangulationAngleDegrees
        self.keyframeSpacing = keyframeSpacing
        self.localWindow = localWindow
        self.maxBundlePoints = maxBundlePoints
        self.maxCameraTracks = maxCameraTracks
        self.fallbackHorizontalFOVDegrees = fallbackHorizontalFOVDegrees
        self.focalSearchFOVDegrees = focalSearchFOVDegrees
        self.seed = seed
    }
}
