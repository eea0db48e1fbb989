import FathomCore
import FathomScenes
import FathomShards

/// Small, valid labels and shards made on the fly from the synthetic scenes (nothing is stored).
public enum SampleShards {
    /// Exact labels of a tiny rendering of `scene`: fast enough for every test.
    public static func labels(scene: String = "dynamic", width: Int = 32, height: Int = 24, frames: Int = 4) -> ClipLabels {
        SceneTruth(scene: SceneCatalog.scene(scene, width: width, height: height, frames: frames)!, trackSpacing: 6).labels
    }

    public static let header = ShardHeader(job: "tests", shardIndex: 0, shardCount: 1,
                                           configSHA256: String(repeating: "ab", count: 32), createdUTC: "2026-11-21T12:00:00Z")

    /// Writes `clips` into a finished shard at `path`.
    public static func write(_ clips: [ClipLabels], to path: String, options: ShardWriterOptions = .init()) throws {
        let writer = try ShardWriter(path: path, header: header, options: options)
        for clip in clips { try writer.append(clip) }
        try writer.finish()
    }
}
