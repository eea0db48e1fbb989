import FathomCore

/// What could be learnt about a clip's cameras: the depth stage and the quality filter read it.
public enum GeometryStatus: String, Sendable, Equatable, CaseIterable {
    /// Every frame registered from a reconstruction with parallax.
    case ok
    /// The camera only turns: rotations are estimated, translation is zero, depth is unobservable.
    case rotationOnly = "rotation_only"
    /// The camera does not move: poses are the identity, depth is unobservable.
    case `static`
    /// Some frames could not be registered; their poses are copied from the nearest registered
    /// frame and flagged in `registered`.
    case partial
    /// No reliable reconstruction: identity poses, prior intrinsics.
    case failed
}

/// One clip's cameras as estimated from its tracks.
public struct CameraSolution: Sendable, Equatable {
    /// Shared by all frames, in the tracks' pixels.
    public var intrinsics: PinholeIntrinsics
    /// [T] camera-to-world; world = camera of the reference frame, scale such that the median depth
    /// of the reference frame's static points is 1 (when depth is observable).
    public var worldFromCamera: [RigidTransform]
    public var status: GeometryStatus
    /// Whether parallax makes depth observable (false for rotation-only, static and failed clips).
    public var depthObservable: Bool
    /// [N] tracks judged to be on independently moving objects (excluded from the cameras).
    public var trackIsMoving: [Bool]
    /// [N] world position of each static track that could be triangulated, else nil.
    public var trackPoints: [SIMD3<Double>?]
    /// [T] frames whose pose was estimated (false: copied from the nearest registered frame).
    public var registered: [Bool]
    /// Whether the focal length came from the tracks (false: given, or a prior because unobservable).
    public var focalEstimated: Bool
    /// Figures for the clip's quality attributes: geometry_status, reprojection_rmse_px,
    /// registered_fraction, moving_fraction, focal_px, focal_source, focal_sigma_percent (when
    /// estimated), ba_iterations, ba_initial_cost, ba_final_cost, ba_inlier_fraction,
    /// unregistered_frames (when any).
    public var quality: [String: QualityValue]
}
