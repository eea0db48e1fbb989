import FathomCore
@testable import FathomJobs
import FathomMedia
import FathomTestSupport
import Foundation
import Testing

/// Job files: every setting read, defaults filled in, and each kind of mistake caught with a
/// message that names the key, the value, and what is allowed.
@Suite struct JobSpecTests {
    static let full = """
        name: demo
        corpus:
          sources: [videos, more.txt]
          extensions: [MP4, .mkv]
        output: out/labels
        shards: 4
        workers: 2
        progress_seconds: 5
        media: {long_side: 320, decoder_threads: 2, timeout_seconds: 10}
        sampling: {fps: 10, start_seconds: 1.5, end_seconds: 9, max_frames: 200}
        clips: {frames: 24, stride: 12, min_frames: 4, shot_detection: false, shot_threshold: 0.4}
        engine: {flow_preset: balanced, track_spacing: 12, reacquire_frames: 4, seed_new_surface: false, max_tracks: 500, reference_frame: 2,
                 camera_inlier_pixels: 2.5, camera_fallback_fov_degrees: 70, camera_seed: 9}
        intrinsics: {fx: 500, fy: 510, cx: 320, cy: 240}
        parts: {max_clips: 8, max_megabytes: 256}
        labels: {rgb: false, depth_dtype: float32, compression: 6}
        """

    func spec(_ text: String) throws(FathomError) -> JobSpec {
        try JobSpec(yaml: text, file: "job.yaml", baseDirectory: "/data/jobs")
    }

    @Test func readsEverySetting() throws {
        let spec = try spec(Self.full)
        #expect(spec.name == "demo" && spec.corpus == ["videos", "more.txt"] && spec.extensions == ["mkv", "mp4"])
        #expect(spec.outputDirectory == "/data/jobs/out/labels" && spec.shards == 4 && spec.workers == 2 && spec.progressSeconds == 5)
        #expect(spec.media.longSide == 320 && spec.media.threads == 2 && spec.media.timeoutSeconds == 10)
        #expect(spec.sampling.rate == .targetFPS(10) && spec.sampling.startSeconds == 1.5 && spec.sampling.endSeconds == 9 && spec.sampling.maxFrames == 200)
        #expect(spec.clips.clipFrames == 24 && spec.clips.stride == 12 && spec.clips.minClipFrames == 4)
        #expect(!spec.clips.shots.enabled && spec.clips.shots.minimumDistance == 0.4)
        let engine = spec.engine.options
        #expect(engine.flowPreset == .balanced && engine.tracking.spacing == 12 && engine.tracking.reacquireFrames == 4)
        #expect(!engine.tracking.seedNewSurface && engine.tracking.maxTracks == 500 && engine.referenceFrame == 2)
        #expect(engine.cameras.inlierThresholdPixels == 2.5 && engine.cameras.fallbackHorizontalFOVDegrees == 70 && engine.cameras.seed == 9)
        #expect(spec.intrinsics == PinholeIntrinsics(fx: 500, fy: 510, cx: 320, cy: 240))
        #expect(spec.parts == PartLimits(maxClips: 8, maxMegabytes: 256))
        #expect(!spec.labels.storeRGB && spec.labels.depthPrecision == .float32 && spec.labels.compressionLevel == 6)
    }

    @Test func shortCorpusFormsAndDefaults() throws {
        let one = try spec("name: a\ncorpus: videos/\noutput: out\n")
        #expect(one.corpus == ["videos/"] && one.shards == 1 && one.clips.clipFrames == 48 && one.media.longSide == 512)
        #expect(one.engine == EngineSettings() && one.labels.storeRGB && one.intrinsics == nil)
        let list = try spec("name: a\ncorpus: [a.mp4, b.mp4]\noutput: out\n")
        #expect(list.corpus == ["a.mp4", "b.mp4"])
    }

    @Test func writtenYAMLReadsBackToTheSameSpec() throws {
        let spec = try spec(Self.full)
        let again = try JobSpec(yaml: spec.yaml(comment: "round trip"), file: "again.yaml", baseDirectory: "/data/jobs")
        #expect(again == spec)
        #expect(again.configSHA256 == spec.configSHA256)
    }

    @Test func configHashFollowsLabelSettingsOnly() throws {
        let base = try spec(Self.full)
        var faster = base
        faster.workers = 7
        faster.parts.maxClips = 99
        faster.media.threads = 1
        faster.corpus = ["elsewhere"]
        #expect(faster.configSHA256 == base.configSHA256)
        var coarser = base
        coarser.engine.options.tracking.spacing = 16
        #expect(coarser.configSHA256 != base.configSHA256)
        var sharded = base
        sharded.shards = 5
        #expect(sharded.configSHA256 != base.configSHA256)
    }

    /// Each mistake, generated here, with the error code and the words its message must contain.
    @Test(arguments: [
        ("name: a\ncorpus: v\noutput: o\nshard: 3\n", "job.unknownKey", ["job.yaml line 4", "unknown key 'shard'", "did you mean 'shards'", "allowed at the top level"]),
        ("name: a\ncorpus: v\noutput: o\nengine:\n  flow_presett: fast\n", "job.unknownKey", ["line 5", "'engine.flow_presett'", "did you mean 'flow_preset'", "track_spacing"]),
        ("name: a\ncorpus: v\noutput: o\nshards: 0\n", "job.badValue", ["line 4", "'shards' is '0'", "an integer from 1 to 100000"]),
        ("name: a\ncorpus: v\noutput: o\nengine: {flow_preset: fastest}\n", "job.badValue", ["'engine.flow_preset' is 'fastest'", "fast, balanced, quality"]),
        ("name: a\ncorpus: v\noutput: o\nlabels: {depth_dtype: float64}\n", "job.badValue", ["'labels.depth_dtype' is 'float64'", "float16, float32"]),
        ("name: a\ncorpus: v\noutput: o\nclips: {frames: many}\n", "job.badValue", ["'clips.frames' is 'many'", "an integer from 2"]),
        ("name: a\ncorpus: v\noutput: o\nlabels: {rgb: 2}\n", "job.badValue", ["'labels.rgb' is '2'", "true or false"]),
        ("name: a\ncorpus: v\noutput: o\nsampling: {every: 2, fps: 5}\n", "job.badValue", ["both given", "one of them"]),
        ("name: a\ncorpus: v\noutput: o\nintrinsics: {fx: 500, fy: 500, cx: 10}\n", "job.missingKey", ["'intrinsics.cy' is required"]),
        ("name: a\ncorpus: v\noutput: o\nmedia: 512\n", "job.badValue", ["'media' must be a mapping"]),
        ("name: a\noutput: o\n", "job.missingKey", ["'corpus' is required"]),
        ("name: a\ncorpus: {extensions: [mp4]}\noutput: o\n", "job.missingKey", ["'corpus.sources' is required"]),
        ("name: a\ncorpus: []\noutput: o\n", "job.badValue", ["'corpus' is a list", "non-empty list"]),
        ("corpus: v\noutput: o\n", "job.missingKey", ["'name' is required"]),
        ("name: a b\ncorpus: v\noutput: o\n", "job.badValue", ["'name' is 'a b'"]),
        ("name: a\ncorpus: v\noutput: o\nshards: 2\nshards: 3\n", "job.duplicateKey", ["'shards' is given twice"]),
        ("name: [unclosed\n", "job.badYAML", ["not valid YAML"]),
        ("", "job.empty", ["is empty"]),
        ("- just\n- a list\n", "job.badValue", ["the job file must be a mapping"]),
    ])
    func mistakesAreNamed(_ text: String, _ code: String, _ words: [String]) {
        do {
            _ = try spec(text)
            Issue.record("accepted:\n\(text)")
        } catch {
            #expect(error.code == code, "\(error)")
            for word in words { #expect(error.message.contains(word), "'\(word)' missing from: \(error.message)") }
        }
    }

    /// Schemas/job.schema.json (for editors) lists exactly the keys the reader knows.
    @Test func schemaListsExactlyTheKeysTheReaderKnows() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Schemas/job.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var keys = Set<String>()
        for (key, value) in try #require(schema["properties"] as? [String: [String: Any]]) {
            let variants = [value] + ((value["oneOf"] as? [[String: Any]]) ?? [])
            let nested = variants.compactMap { $0["properties"] as? [String: Any] }.flatMap(\.keys)
            keys.formUnion(nested.isEmpty ? [key] : nested.map { "\(key).\($0)" })
        }
        #expect(keys == Set(try spec(Self.full).entries.map(\.key)))
    }

    @Test func loadNamesAMissingFile() {
        #expect(throws: FathomError.self) { try JobSpec.load("/nonexistent/job.yaml") }
        do { _ = try JobSpec.load("/nonexistent/job.yaml") } catch { #expect(error.code == "job.notFound" && error.message.contains("/nonexistent/job.yaml")) }
    }

    @Test func aRelativeJobFolderIsMadeAbsolute() {
        let spec = JobSpec(name: "a", corpus: ["v"], output: "out", baseDirectory: "Jobs/../Jobs")
        #expect(spec.baseDirectory == FileManager.default.currentDirectoryPath + "/Jobs")
        #expect(spec.outputDirectory == FileManager.default.currentDirectoryPath + "/Jobs/out")
    }

    @Test func pathsAreRelativeToTheJobFile() throws {
        let spec = try spec("name: a\ncorpus: v\noutput: ../out\n")
        #expect(spec.outputDirectory == "/data/out")
        #expect(spec.resolve("/abs/x.mp4") == "/abs/x.mp4" && spec.resolve("https://host/x.mp4") == "https://host/x.mp4")
        #expect(JobSpec.relativePath(from: "/data/jobs", to: "/data/jobs/videos/a.mp4") == "videos/a.mp4")
        #expect(JobSpec.relativePath(from: "/data/jobs/", to: "/data/scenes/./a.mp4") == "../scenes/a.mp4")
        #expect(JobSpec.relativePath(from: "/data/jobs", to: "/a.mp4") == "../../a.mp4")
    }
}

/// Corpus listing as a plan sees it: relative names stay relative to the job file's folder.
@Suite struct CorpusListingTests {
    let directory = TemporaryDirectory()

    @Test func itemsAreNamedRelativeToTheJobFile() throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: directory.file("data/videos/sub"), withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: directory.file("jobs"), withIntermediateDirectories: true)
        for name in ["videos/b.mp4", "videos/sub/a.MP4", "videos/skip.txt", "extra.mkv"] { _ = fileManager.createFile(atPath: directory.file("data/\(name)"), contents: Data([0])) }
        try "videos/b.mp4\n\(directory.file("data/extra.mkv"))\n".write(toFile: directory.file("data/list.txt"), atomically: true, encoding: .utf8)
        var spec = JobSpec(name: "t", corpus: ["../data/videos", "../data/list.txt", directory.file("data/extra.mkv")], output: "out",
                           baseDirectory: directory.file("jobs"))
        let keys = try spec.corpusItems().map(\.source)
        #expect(keys == ["../data/videos/b.mp4", "../data/videos/sub/a.MP4", "../data/extra.mkv", directory.file("data/extra.mkv")])
        #expect(spec.resolve(keys[0]) == directory.file("data/videos/b.mp4"))
        spec.corpus = ["../data/nothing"]
        #expect(throws: FathomError.self) { try spec.corpusItems() }
        do throws(FathomError) { _ = try spec.corpusItems() } catch { #expect(error.code == "job.badCorpus" && error.message.contains("'../data/nothing' does not exist")) }
    }
}
