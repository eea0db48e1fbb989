import FathomCore

/// One track seen in one camera: pixel `uv` of point `point` in camera `camera`.
public struct BundleObservation: Sendable, Equatable {
    public var camera: Int32
    public var point: Int32
    public var uv: SIMD2<Double>

    public init(camera: Int, point: Int, uv: SIMD2<Double>) {
        self.camera = Int32(camera)
        self.point = Int32(point)
        self.uv = uv
    }
}

/// Cameras (cameraFromWorld), points and the shared pinhole intrinsics of a reconstruction, and the
/// pixel observations that tie them together: what bundle adjustment refines in place.
public struct BundleAdjustmentProblem: Sendable {
    public var cameraFromWorld: [RigidTransform]
    public var points: [SIMD3<Double>]
    /// Shared by every camera; when the focal length is optimised, fx and fy scale together.
    public var intrinsics: PinholeIntrinsics
    public var observations: [BundleObservation]

    public init(cameraFromWorld: [RigidTransform], points: [SIMD3<Double>], intrinsics: PinholeIntrinsics, observations: [BundleObservation]) {
        self.cameraFromWorld = cameraFromWorld
        self.points = points
        self.intrinsics = intrinsics
        self.observations = observations
    }

    /// Reprojection error vector (pixels) of one observation, nil when the point is behind the camera.
    public func residual(_ o: BundleObservation) -> SIMD2<Double>? {
        let c = cameraFromWorld[Int(o.camera)] * points[Int(o.point)]
        guard c.z > 0 else { return nil }
        return intrinsics.project(c) - o.uv
    }
}

/// Settings of one bundle adjustment.
public struct BundleAdjustmentOptions: Sendable, Equatable {
    public var maxIterations: Int
    /// Huber loss threshold in pixels: residuals beyond it count linearly, so a few bad tracks cannot
    /// dominate. Nil for plain least squares.
    public var huberPixels: Double?
    /// Cameras held fixed (at least one, or the reference, fixes the gauge).
    public var fixedCameras: Set<Int>
    /// Refine the shared focal length (fx, fy scaled together).
    public var optimizeFocal: Bool
    /// Keep every camera centre where it is and refine rotations only (pure-rotation clips).
    public var fixTranslation: Bool
    /// Keep points fixed and refine cameras only (pose refinement after PnP).
    public var fixPoints: Bool
    /// Stop when an accepted step lowers the cost by less than this fraction.
    public var relativeTolerance: Double
    /// When the focal length is adjusted, work out its standard deviation at the end (one more linearisation),
    /// for the adjustment whose result a clip reports.
    public var reportFocalDeviation: Bool

    public init(maxIterations: Int = 30, huberPixels: Double? = 1.5, fixedCameras: Set<Int> = [], optimizeFocal: Bool = false,
                fixTranslation: Bool = false, fixPoints: Bool = false, relativeTolerance: Double = 1e-6, reportFocalDeviation: Bool = false) {
        self.maxIterations = maxIterations
        self.huberPixels = huberPixels
        self.fixedCameras = fixedCameras
        self.optimizeFocal = optimizeFocal
        self.fixTranslation = fixTranslation
        self.fixPoints = fixPoints
        self.relativeTolerance = relativeTolerance
        self.reportFocalDeviation = reportFocalDeviation
    }
}

/// What one bundle adjustment did: the figures a clip's quality report carries.
public struct BundleAdjustmentSummary: Sendable, Equatable {
    public var iterations: Int
    /// Robust cost (½ Σ ρ(‖r‖²), pixels²) before and after.
    public var initialCost: Double
    public var finalCost: Double
    public var observations: Int
    /// Observations with residual within the Huber threshold after the last step.
    public var inliers: Int
    /// Root mean square reprojection error after, pixels, over all observations in front of their camera.
    public var rmsePixels: Double
    /// The focal length's standard deviation from the observations' noise, pixels
    /// (`BundleAdjustment`); nil unless the focal length was adjusted and its deviation asked for.
    public var focalStandardDeviation: Double?

    public init(iterations: Int, initialCost: Double, finalCost: Double, observations: Int, inliers: Int, rmsePixels: Double,
                focalStandardDeviation: Double? = nil) {
        self.iterations = iterations
        self.initialCost = initialCost
        self.finalCost = finalCost
        self.observations = observations
        self.inliers = inliers
        self.rmsePixels = rmsePixels
        self.focalStandardDeviation = focalStandardDeviation
    }
}
