import FathomGeometry
import FathomVision

/// Everything that changes the labels the engine computes. Part of a job's configuration, so a
/// change here changes the job's config hash.
public struct EngineOptions: Sendable, Equatable {
    /// Dense optical flow speed/accuracy trade-off; `fast` is the default (see OpticalFlowOptions).
    public var flowPreset: OpticalFlowOptions.Preset
    /// Long 2D tracks: grid spacing, re-acquisition, seeding of new surface.
    public var tracking: TrackingOptions
    /// Dense depth: working resolution, neighbour spans, noise model, thresholds.
    public var depth: DepthOptions
    /// The frame whose camera is the world frame.
    public var referenceFrame: Int
    /// Camera estimation from the tracks: thresholds, focal search range, seed.
    public var cameras: CameraEstimatorOptions

    public init(flowPreset: OpticalFlowOptions.Preset = .fast, tracking: TrackingOptions = TrackingOptions(), referenceFrame: Int = 0,
                cameras: CameraEstimatorOptions = CameraEstimatorOptions(), depth: DepthOptions = DepthOptions()) {
        self.flowPreset = flowPreset
        self.tracking = tracking
        self.depth = depth
        self.referenceFrame = referenceFrame
        self.cameras = cameras
    }
}
