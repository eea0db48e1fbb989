import FathomCore
import FathomEngine
import FathomGeometry
import FathomVision

/// The job file's `engine:` section: the one place that maps YAML keys onto `EngineOptions`.
/// A new engine option is one `read` line and one `entries` line here (and its key in
/// Schemas/job.schema.json, which a test keeps in step).
public struct EngineSettings: Sendable, Equatable {
    public var options: EngineOptions

    public init(options: EngineOptions = EngineOptions()) {
        self.options = options
    }

    init(reading section: SpecMapping?) throws(FathomError) {
        var options = EngineOptions()
        guard let section else {
            self.init(options: options)
            return
        }
        let presets = OpticalFlowOptions.Preset.allCases.map(\.rawValue)
        options.flowPreset = OpticalFlowOptions.Preset(rawValue: try section.choice("flow_preset", default: options.flowPreset.rawValue, allowed: presets))!
        options.tracking.spacing = try section.int("track_spacing", default: options.tracking.spacing, range: 1 ... 256)!
        options.tracking.reacquireFrames = try section.int("reacquire_frames", default: options.tracking.reacquireFrames, range: 0 ... 1000)!
        options.tracking.seedNewSurface = try section.bool("seed_new_surface", default: options.tracking.seedNewSurface)
        options.tracking.maxTracks = try section.int("max_tracks", default: options.tracking.maxTracks, range: 0 ... 1_000_000)!
        options.referenceFrame = try section.int("reference_frame", default: options.referenceFrame, range: 0 ... 100_000)!
        options.cameras.inlierThresholdPixels = try section.double("camera_inlier_pixels", default: options.cameras.inlierThresholdPixels,
                                                                    range: 0 ... 100, openBelow: true)!
        options.cameras.fallbackHorizontalFOVDegrees = try section.double("camera_fallback_fov_degrees", default: options.cameras.fallbackHorizontalFOVDegrees,
                                                                           range: 1 ... 179)!
        options.cameras.seed = UInt64(try section.int("camera_seed", default: Int(options.cameras.seed), range: 0 ... Int.max)!)
        try section.finish()
        self.init(options: options)
    }

    /// The settings as `engine.<key>` entries with YAML scalar values, in file order.
    var entries: [JobSpec.Entry] {
        [
            .init("engine.flow_preset", options.flowPreset.rawValue),
            .init("engine.track_spacing", options.tracking.spacing),
            .init("engine.reacquire_frames", options.tracking.reacquireFrames),
            .init("engine.seed_new_surface", options.tracking.seedNewSurface),
            .init("engine.max_tracks", options.tracking.maxTracks),
            .init("engine.reference_frame", options.referenceFrame),
            .init("engine.camera_inlier_pixels", options.cameras.inlierThresholdPixels),
            .init("engine.camera_fallback_fov_degrees", options.cameras.fallbackHorizontalFOVDegrees),
            .init("engine.camera_seed", Int(options.cameras.seed)),
        ]
    }
}
