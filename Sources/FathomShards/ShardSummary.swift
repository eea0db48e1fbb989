import FathomCore
import Glibc

/// What a shard holds and what it costs on disk, for `fathom inspect`.
public struct ShardSummary: Sendable, Codable, Equatable {
    public struct Clip: Sendable, Codable, Equatable {
        public var id: String
        public var source: String
        public var frames: Int
        public var width: Int
        public var height: Int
        public var tracks: Int
        /// Uncompressed bytes of all its datasets.
        public var rawBytes: Int
        /// Bytes its datasets take in the file.
        public var storedBytes: Int
    }

    public var file: String
    public var header: [String: String]
    public var fileBytes: Int
    public var clips: [Clip]

    public var frames: Int
    /// File size divided by labelled frames.
    public var bytesPerFrame: Double
    /// Uncompressed over stored bytes of all datasets.
    public var compressionRatio: Double

    /// Reads the structure (not the pixel data) of the shard at `path`.
    public init(path: String) throws(FathomError) {
        let reader = try ShardReader(path: path)
        let header = try reader.header()
        file = path
        self.header = ["producer": header.producer, "job": header.job, "shard": "\(header.shardIndex) of \(header.shardCount)",
                       "config_sha256": header.configSHA256, "created_utc": header.createdUTC]
        var info = stat()
        fileBytes = stat(path, &info) == 0 ? Int(info.st_size) : 0
        clips = try reader.clipIDs().map { id throws(FathomError) in try reader.clipSummary(id) }
        frames = clips.reduce(0) { $0 + $1.frames }
        bytesPerFrame = frames > 0 ? Double(fileBytes) / Double(frames) : 0
        let stored = clips.reduce(0) { $0 + $1.storedBytes }
        compressionRatio = stored > 0 ? Double(clips.reduce(0) { $0 + $1.rawBytes }) / Double(stored) : 1
    }
}

extension ShardReader {
    func clipSummary(_ id: String) throws(FathomError) -> ShardSummary.Clip {
        let group = try clipGroup(id)
        var raw = 0
        var stored = 0
        var tracks = 0
        func visit(_ group: HDF5Group) throws(FathomError) {
            for name in try group.childNames() {
                switch try group.childKind(name) {
                case .group: try visit(group.group(name))
                case .dataset:
                    let dataset = try group.dataset(name)
                    let width = try bytesPerElement(dataset.dtypeName())
                    raw += dataset.shape.reduce(1, *) * width
                    stored += dataset.storageBytes()
                    if dataset.location.path.hasSuffix("tracks/query") { tracks = dataset.shape.first ?? 0 }
                default: break
                }
            }
        }
        try visit(group)
        func int(_ name: String) throws(FathomError) -> Int {
            if case .int(let value)? = try group.attribute(name) { return Int(value) }
            return 0
        }
        let source: String = if case .string(let text)? = try group.attribute("source") { text } else { "" }
        return ShardSummary.Clip(id: id, source: source, frames: try int("frame_count"), width: try int("width"),
                                 height: try int("height"), tracks: tracks, rawBytes: raw, storedBytes: stored)
    }

    private func bytesPerElement(_ dtype: String) -> Int {
        Int(dtype.drop { !$0.isNumber }).map { $0 / 8 } ?? 0
    }
}
