import ArgumentParser
import FathomCore
import FathomMedia
import FathomScenes
import FathomShards
import Foundation

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Render a synthetic scene and write its exact ground-truth labels as a shard.",
        discussion: """
            Scenes (rendered on the CPU, deterministic for a seed):
            \(SceneCatalog.descriptions.map { "  \($0.name.padding(toLength: 9, withPad: " ", startingAt: 0)) \($0.about)" }.joined(separator: "\n"))

            Writes, for each scene:
              <out>/<scene>.mp4   the rendered frames as H.264 (--video lossless: <scene>.mkv, FFV1)
              <out>/<scene>.h5    a fathom.shard/1 file whose labels are the scene's exact geometry:
                                  depth, cameras, occlusion, tracks started on a grid at the first
                                  and middle frames, plus truth/object_index and
                                  truth/world_from_object so any query can be followed exactly
            Label the video, then score the labels with 'fathom eval --truth <out> labels.h5'.
            """)

    @Option(help: "Scene name, or 'all' for the whole suite.")
    var scene: String = "orbit"

    @Option(help: "Output directory (created if missing).")
    var out: String

    @Option(help: "Frame width in pixels.") var width = 320
    @Option(help: "Frame height in pixels.") var height = 240
    @Option(help: "Number of frames.") var frames = 48
    @Option(help: "Texture noise seed.") var seed: UInt32 = 1
    @Option(help: "Pixels between track queries.") var trackSpacing = 16
    @Option(help: "Depth precision: float16 or float32.") var depthDtype: ShardWriterOptions.DepthPrecision = .float16
    @Option(help: "Deflate (gzip) level 0-9, after byte shuffling.") var compression = ShardWriterOptions().compressionLevel
    @Flag(help: "Do not store the rendered frames in the shard.") var noRGB = false
    @Option(help: "Video to write beside the truth: h264, lossless, or none.") var video: VideoKind = .h264

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard scene == "all" || SceneCatalog.names.contains(scene) else {
            throw ValidationError("Unknown scene '\(scene)'; choose one of \(SceneCatalog.names.joined(separator: ", ")), or 'all'.")
        }
        guard width >= 16, height >= 16, frames >= 1 else {
            throw ValidationError("Please give --width and --height of at least 16 and --frames of at least 1 (got \(width)×\(height), \(frames) frames).")
        }
        guard (0 ... 9).contains(compression) else { throw ValidationError("--compression must be 0-9 (got \(compression)).") }
        guard video == .none || (width % 2 == 0 && height % 2 == 0) else {
            throw ValidationError("H.264 needs even sides; give an even --width and --height, or --video none (got \(width)×\(height)).")
        }
        guard trackSpacing >= 1 else { throw ValidationError("--track-spacing must be at least 1 (got \(trackSpacing)).") }
    }

    func run() throws {
        global.bootstrap()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let options = ShardWriterOptions(compressionLevel: compression, depthPrecision: depthDtype, storeRGB: !noRGB)
        var written: [[String: String]] = []
        for name in scene == "all" ? SceneCatalog.names : [scene] {
            let start = Date()
            let scene = SceneCatalog.scene(name, width: width, height: height, frames: frames, seed: seed)!
            let truth = SceneTruth(scene: scene, trackSpacing: trackSpacing)
            var labels = truth.labels
            if let videoName = video.fileName(name) {
                try writeVideo(labels, to: (out as NSString).appendingPathComponent(videoName), fps: scene.fps)
                labels.source = videoName
            }
            let path = (out as NSString).appendingPathComponent("\(name).h5")
            let writer = try ShardWriter(path: path, header: ShardHeader(job: "synth", shardIndex: 0, shardCount: 1,
                                                                         configSHA256: configHash(name)), options: options)
            try writer.append(labels, extras: truth.extras)
            try writer.finish()
            let seconds = Date().timeIntervalSince(start)
            written.append(["scene": name, "path": path, "frames": "\(frames)", "tracks": "\(truth.labels.tracks.count)",
                            "seconds": String(format: "%.2f", seconds)])
            if !global.json {
                print("\(path)  \(name): \(width)×\(height), \(frames) frames, \(truth.labels.tracks.count) tracks (\(String(format: "%.1f", seconds)) s)")
            }
        }
        if global.json { try printJSON(written) }
    }

    private func writeVideo(_ labels: ClipLabels, to path: String, fps: Double) throws {
        let rgb = labels.rgb!
        let encoder = try VideoEncoder(path: path, size: FrameSize(width: labels.width, height: labels.height), fps: fps,
                                       codec: video == .lossless ? .lossless : .h264(quality: 18))
        let frameBytes = labels.width * labels.height * 3
        for t in 0 ..< labels.frameCount {
            try encoder.append(Tensor(shape: [labels.height, labels.width, 3], storage: Array(rgb.storage[t * frameBytes ..< (t + 1) * frameBytes])))
        }
        try encoder.finish()
    }

    /// Identifies the settings the scene was made with, as the contract's config_sha256.
    private func configHash(_ name: String) -> String {
        SHA256.hex(of: Array("synth scene=\(name) size=\(width)x\(height) frames=\(frames) seed=\(seed) spacing=\(trackSpacing)".utf8))
    }
}

extension ShardWriterOptions.DepthPrecision: ExpressibleByArgument {}

/// What video `fathom synth` writes beside the truth.
enum VideoKind: String, ExpressibleByArgument, CaseIterable {
    case h264, lossless, none

    func fileName(_ scene: String) -> String? {
        switch self {
        case .h264: "\(scene).mp4"
        case .lossless: "\(scene).mkv"
        case .none: nil
        }
    }
}
