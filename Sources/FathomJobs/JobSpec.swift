import FathomCore
import FathomMedia
import FathomShards
import Foundation
import Yams

/// A labelling job, as a YAML job file describes it (see Jobs/demo.yaml and
/// Schemas/job.schema.json): which videos, how to cut and label them, where the shards go, and
/// how many shards and workers. Relative paths are relative to the job file's folder, so a job
/// runs the same from any working directory.
public struct JobSpec: Sendable, Equatable {
    public var name: String
    /// Folder that relative paths in the spec are resolved against (absolute).
    public var baseDirectory: String
    /// Corpus sources as `fathom probe` reads them: videos, directories, globs, lists, manifests.
    public var corpus: [String]
    /// Extensions (lower case, no dot) a corpus directory is searched for.
    public var extensions: [String]
    /// Output directory as written in the spec.
    public var output: String
    public var shards: Int
    public var workers: Int
    public var media: MediaOptions
    public var sampling: SamplingOptions
    public var clips: ClipOptions
    public var engine: EngineSettings
    /// Intrinsics, in pixels of the video as displayed, for every video the manifest gives none for.
    public var intrinsics: PinholeIntrinsics?
    public var parts: PartLimits
    public var labels: ShardWriterOptions
    /// Seconds between progress lines when stderr is not a terminal.
    public var progressSeconds: Double

    /// A job with Fathom's defaults over `corpus`, writing to `output`.
    public init(name: String, corpus: [String], output: String, baseDirectory: String = FileManager.default.currentDirectoryPath) {
        self.name = name
        let cwd = FileManager.default.currentDirectoryPath
        self.baseDirectory = ((baseDirectory.hasPrefix("/") ? baseDirectory : (cwd as NSString).appendingPathComponent(baseDirectory)) as NSString).standardizingPath
        self.corpus = corpus
        extensions = CorpusSource.videoExtensions.sorted()
        self.output = output
        shards = 1
        workers = Self.defaultWorkers
        media = MediaOptions(longSide: 512, threads: 1, timeoutSeconds: 30)
        sampling = SamplingOptions()
        clips = ClipOptions()
        engine = EngineSettings()
        parts = PartLimits()
        labels = ShardWriterOptions()
        progressSeconds = 30
    }

    /// One engine worker per core: clips are labelled side by side, each on one worker.
    public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Reads and checks a job file.
    public static func load(_ path: String) throws(FathomError) -> JobSpec {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            let code = FileManager.default.fileExists(atPath: path) ? "job.unreadable" : "job.notFound"
            throw FathomError(code, "cannot read the job file '\(path)': \(error.localizedDescription)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try JobSpec(yaml: text, file: path, baseDirectory: folder.isEmpty ? "." : folder)
    }

    /// Parses job-file text; `file` names it in errors.
    public init(yaml text: String, file: String, baseDirectory: String) throws(FathomError) {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw FathomError("job.empty", "\(file) is empty; see Jobs/demo.yaml for a job file") }
            root = node
        } catch let error as FathomError {
            throw error
        } catch {
            throw FathomError("job.badYAML", "\(file) is not valid YAML: \(error)")
        }
        let top = try SpecMapping(root, path: "", file: file)
        guard let name = try top.string("name", default: nil) else { throw top.missing("name", "the job's name, written into every shard") }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw FathomError("job.badValue", "\(file): 'name' is '\(name)'; allowed: letters, digits, '-', '_' and '.'")
        }
        guard let output = try top.string("output", default: nil) else { throw top.missing("output", "the directory the plan and shards are written to") }
        self.init(name: name, corpus: [], output: output, baseDirectory: baseDirectory)
        try readCorpus(top)
        shards = try top.int("shards", default: shards, range: 1 ... 100_000)!
        workers = try top.int("workers", default: workers, range: 1 ... 256)!
        progressSeconds = try top.double("progress_seconds", default: progressSeconds, range: 0 ... 86400, openBelow: true)!
        try readMedia(top.mapping("media"))
        try readSampling(top.mapping("sampling"))
        try readClips(top.mapping("clips"))
        engine = try EngineSettings(reading: top.mapping("engine"))
        try readIntrinsics(top.mapping("intrinsics"))
        try readParts(top.mapping("parts"))
        try readLabels(top.mapping("labels"))
        try top.finish()
    }

    private mutating func readCorpus(_ top: SpecMapping) throws(FathomError) {
        let what = "the videos to label: a path, a list of paths, or a mapping with 'sources' (and optionally 'extensions')"
        guard let node = top.node("corpus") else { throw top.missing("corpus", what) }
        if node.mapping != nil {
            let section = try SpecMapping(node, path: "corpus", file: top.file)
            guard let sources = try section.strings("sources") else { throw section.missing("sources", what) }
            corpus = sources
            if let given = try section.strings("extensions") {
                extensions = given.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) }.sorted()
            }
            try section.finish()
        } else {
            corpus = try top.strings("corpus")!
        }
    }

    private mutating func readMedia(_ section: SpecMapping?) throws(FathomError) {
        guard let section else { return }
        media.longSide = try section.int("long_side", default: media.longSide, range: 16 ... 8192)!
        media.threads = try section.int("decoder_threads", default: media.threads, range: 1 ... 64)!
        media.timeoutSeconds = try section.double("timeout_seconds", default: media.timeoutSeconds, range: 0 ... 86400, openBelow: true)!
        try section.finish()
    }

    private mutating func readSampling(_ section: SpecMapping?) throws(FathomError) {
        guard let section else { return }
        let every = try section.int("every", default: nil, range: 1 ... 10_000)
        let fps = try section.double("fps", default: nil, range: 0 ... 1000, openBelow: true)
        if every != nil && fps != nil {
            throw FathomError("job.badValue", "\(section.file): 'sampling.every' and 'sampling.fps' are both given; allowed: one of them")
        }
        sampling.rate = fps.map { .targetFPS($0) } ?? .everyKth(every ?? 1)
        sampling.startSeconds = try section.double("start_seconds", default: 0, range: 0 ... 1e9)!
        sampling.endSeconds = try section.double("end_seconds", default: nil, range: 0 ... 1e9, openBelow: true)
        sampling.maxFrames = try section.int("max_frames", default: nil, range: 1 ... 100_000_000)
        try section.finish()
        do { try sampling.validate() } catch { throw FathomError("job.badValue", "\(section.file): 'sampling': \(error.message)") }
    }

    private mutating func readClips(_ section: SpecMapping?) throws(FathomError) {
        guard let section else { return }
        clips.clipFrames = try section.int("frames", default: clips.clipFrames, range: 2 ... 10_000)!
        clips.stride = try section.int("stride", default: nil, range: 1 ... 10_000)
        clips.minClipFrames = try section.int("min_frames", default: clips.minClipFrames, range: 2 ... 10_000)!
        clips.shots.enabled = try section.bool("shot_detection", default: clips.shots.enabled)
        clips.shots.minimumDistance = try section.double("shot_threshold", default: clips.shots.minimumDistance, range: 0 ... 0.999, openBelow: true)!
        try section.finish()
        do { try clips.validate() } catch { throw FathomError("job.badValue", "\(section.file): 'clips': \(error.message)") }
    }

    private mutating func readIntrinsics(_ section: SpecMapping?) throws(FathomError) {
        guard let section else { return }
        let values = try ["fx", "fy", "cx", "cy"].map { key throws(FathomError) in
            guard let value = try section.double(key, default: nil, range: key.hasPrefix("f") ? 0 ... 1e6 : -1e6 ... 1e6, openBelow: key.hasPrefix("f")) else {
                throw section.missing(key, "intrinsics need all of fx, fy, cx, cy, in pixels of the video as displayed")
            }
            return value
        }
        try section.finish()
        intrinsics = PinholeIntrinsics(fx: values[0], fy: values[1], cx: values[2], cy: values[3])
    }

    private mutating func readParts(_ section: SpecMapping?) throws(FathomError) {
        guard let section else { return }
        parts.maxClips = try section.int("max_clips", default: parts.maxClips, range: 1 ... 1_000_000)!
        parts.maxMegabytes = try section.double("max_megabytes", default: parts.maxMegabytes, range: 0 ... 1e7, openBelow: true)!
        try section.finish()
    }

    private mutating func readLabels(_ section: SpecMapping?) throws(FathomError) {
        guard let section else { return }
        let rgb = try section.bool("rgb", default: labels.storeRGB)
        let depth = try section.choice("depth_dtype", default: labels.depthPrecision.rawValue, allowed: ShardWriterOptions.DepthPrecision.allCases.map(\.rawValue))
        let level = try section.int("compression", default: labels.compressionLevel, range: 0 ... 9)!
        try section.finish()
        labels = ShardWriterOptions(compressionLevel: level, depthPrecision: .init(rawValue: depth)!, storeRGB: rgb)
    }

    // MARK: - Paths

    /// `path` resolved against the job file's folder (absolute paths and URLs as they are).
    public func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/"), !path.contains("://") else { return path }
        return ((baseDirectory as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// The output directory, resolved.
    public var outputDirectory: String { resolve(output) }

    /// The path that leads from the folder `base` to `path` (both absolute): `../videos/a.mp4`.
    static func relativePath(from base: String, to path: String) -> String {
        let from = (base as NSString).standardizingPath.split(separator: "/"), to = (path as NSString).standardizingPath.split(separator: "/")
        let common = zip(from, to).prefix { $0 == $1 }.count
        return (Array(repeating: "..", count: from.count - common) + to.dropFirst(common).map(String.init)).joined(separator: "/")
    }

    /// The corpus's videos in a stable order (a video listed twice is kept once). Each item's
    /// `source` is how the plan names it: relative to the job file's folder when the corpus names
    /// it by a relative path, so plans and clip ids do not depend on where the job's folder is
    /// mounted; absolute paths and URLs as they are.
    public func corpusItems() throws(FathomError) -> [CorpusItem] {
        var items: [CorpusItem] = []
        var seen = Set<String>()
        let base = resolve(".")
        for source in corpus {
            let resolved = resolve(source)
            var kind = CorpusSource.detect(resolved)
            if case .video(let path) = kind, !path.contains("://"), !FileManager.default.fileExists(atPath: path) {
                throw FathomError("job.badCorpus", "corpus source '\(source)' does not exist (looked for \(path); paths are relative to the job file's folder)")
            }
            if case .directory(let root, _) = kind { kind = .directory(root, extensions: Set(extensions)) }
            let found: [CorpusItem]
            do { found = try kind.items() } catch {
                throw FathomError("job.badCorpus", "corpus source '\(source)' (\(resolved)): \(error.message)")
            }
            for var item in found {
                if !source.hasPrefix("/") && !item.isURL { item.source = Self.relativePath(from: base, to: item.source) }
                if seen.insert(PlanItem.key(for: item)).inserted { items.append(item) }
            }
        }
        return items
    }

    // MARK: - Canonical form

    /// One setting: dotted key and its value as a YAML scalar.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: String

        init(_ key: String, _ value: Int) { (self.key, self.value) = (key, String(value)) }
        init(_ key: String, _ value: Bool) { (self.key, self.value) = (key, value ? "true" : "false") }
        init(_ key: String, _ value: Double) { (self.key, self.value) = (key, value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) + ".0" : String(value)) }
        init(_ key: String, _ value: String) { (self.key, self.value) = (key, Self.quoted(value)) }
        /// A setting left unset.
        static func unset(_ key: String) -> Entry { Entry(key, value: "null") }
        private init(_ key: String, value: String) { (self.key, self.value) = (key, value) }
        init(_ key: String, _ values: [String]) { (self.key, self.value) = (key, "[" + values.map(Self.quoted).joined(separator: ", ") + "]") }

        /// A double-quoted YAML string (JSON escapes are valid YAML).
        static func quoted(_ text: String) -> String {
            let data = try! JSONEncoder().encode(text)
            return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
        }
    }

    /// Every setting, resolved with defaults, in job-file order.
    public var entries: [Entry] {
        var list: [Entry] = [.init("name", name), .init("corpus.sources", corpus), .init("corpus.extensions", extensions), .init("output", output),
                             .init("shards", shards), .init("workers", workers), .init("progress_seconds", progressSeconds),
                             .init("media.long_side", media.longSide), .init("media.decoder_threads", media.threads),
                             .init("media.timeout_seconds", media.timeoutSeconds)]
        switch sampling.rate {
        case .everyKth(let k): list += [.init("sampling.every", k), .unset("sampling.fps")]
        case .targetFPS(let fps): list += [.unset("sampling.every"), .init("sampling.fps", fps)]
        }
        list += [.init("sampling.start_seconds", sampling.startSeconds),
                 sampling.endSeconds.map { .init("sampling.end_seconds", $0) } ?? .unset("sampling.end_seconds"),
                 sampling.maxFrames.map { .init("sampling.max_frames", $0) } ?? .unset("sampling.max_frames"),
                 .init("clips.frames", clips.clipFrames),
                 clips.stride.map { .init("clips.stride", $0) } ?? .unset("clips.stride"),
                 .init("clips.min_frames", clips.minClipFrames), .init("clips.shot_detection", clips.shots.enabled),
                 .init("clips.shot_threshold", clips.shots.minimumDistance)]
        list += engine.entries
        if let intrinsics {
            list += [.init("intrinsics.fx", intrinsics.fx), .init("intrinsics.fy", intrinsics.fy), .init("intrinsics.cx", intrinsics.cx),
                     .init("intrinsics.cy", intrinsics.cy)]
        }
        list += [.init("parts.max_clips", parts.maxClips), .init("parts.max_megabytes", parts.maxMegabytes),
                 .init("labels.rgb", labels.storeRGB), .init("labels.depth_dtype", labels.depthPrecision.rawValue),
                 .init("labels.compression", labels.compressionLevel)]
        return list
    }

    /// Settings that do not change which labels are made or where they go (how fast, how
    /// chatty, how files are cut): they may change between runs of one plan.
    static let operationalKeys: Set<String> = [
        "corpus.sources", "corpus.extensions", "output", "workers", "progress_seconds", "media.decoder_threads", "media.timeout_seconds",
        "parts.max_clips", "parts.max_megabytes",
    ]

    /// The settings that decide the labels and the shard assignment, as `key: value` pairs:
    /// what `config_sha256` identifies and what a frozen plan must agree with.
    public var canonicalConfig: [String: String] {
        Dictionary(uniqueKeysWithValues: entries.filter { !Self.operationalKeys.contains($0.key) }.map { ($0.key, $0.value) })
    }

    /// SHA-256 of the canonical configuration (sorted `key: value` lines).
    public var configSHA256: String {
        SHA256.hex(of: Array(canonicalConfig.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)\n" }.joined().utf8))
    }

    /// The spec as a job file: every setting spelled out, so reading it back gives this spec.
    public func yaml(comment: String) -> String {
        var lines = comment.split(separator: "\n").map { "# \($0)" }
        var section = ""
        for entry in entries {
            let parts = entry.key.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                if parts[0] != section {
                    section = parts[0]
                    lines.append("\(section):")
                }
                lines.append("  \(parts[1]): \(entry.value)")
            } else {
                section = ""
                lines.append("\(entry.key): \(entry.value)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// When a part file is closed and a new one begun.
public struct PartLimits: Sendable, Equatable {
    /// Most clips per part file.
    public var maxClips: Int
    /// A part is closed once it holds at least this many megabytes (10⁶ bytes).
    public var maxMegabytes: Double

    public init(maxClips: Int = 64, maxMegabytes: Double = 1024) {
        self.maxClips = maxClips
        self.maxMegabytes = maxMegabytes
    }
}
