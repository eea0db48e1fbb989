import FathomCore
import FathomShards
import Foundation

/// The dataset manifest training code reads (`fathom index`): every committed part file with its
/// size and SHA-256, and every clip in it with its shape and quality figures, so a loader can
/// pick clips and open part files lazily without scanning HDF5. Built from the journals, which
/// name exactly the committed parts (never a temporary or orphaned file).
public struct DatasetIndex: Codable, Sendable, Equatable {
    public static let schema = "fathom.index/1"

    public struct Part: Codable, Sendable, Equatable {
        public var shard: Int
        /// Path relative to the job's output directory.
        public var file: String
        public var bytes: Int
        public var sha256: String
        public var clips: [ClipRecord]
    }

    /// One clip per line in the JSON Lines form.
    public struct ClipLine: Codable, Sendable, Equatable {
        public var clip: String
        public var item: String
        public var shard: Int
        public var file: String
        public var frames: Int
        public var width: Int
        public var height: Int
        public var tracks: Int
        public var quality: [String: QualityValue]
    }

    public var schema: String
    public var job: String
    public var configSHA256: String
    public var createdUTC: String
    public var shardCount: Int
    public var clips: Int
    public var frames: Int
    public var bytes: Int
    public var parts: [Part]

    public init(output: String) throws(FathomError) {
        let plan = try JobPlan.load(JobPlan.path(in: output))
        var parts: [Part] = []
        for index in 0 ..< plan.shardCount {
            let directory = ShardDirectory(output: output, index: index)
            let folder = (directory.path as NSString).lastPathComponent
            for part in ShardState(try ShardJournal.read(directory.journal)).parts {
                parts.append(Part(shard: index, file: "\(folder)/\(part.file)", bytes: part.bytes, sha256: part.sha256, clips: part.clips))
            }
        }
        schema = Self.schema
        job = plan.job
        configSHA256 = plan.configSHA256
        createdUTC = ShardHeader.utcNow()
        shardCount = plan.shardCount
        self.parts = parts
        clips = parts.reduce(0) { $0 + $1.clips.count }
        frames = parts.reduce(0) { $0 + $1.clips.reduce(0) { $0 + $1.frames } }
        bytes = parts.reduce(0) { $0 + $1.bytes }
    }

    public var clipLines: [ClipLine] {
        parts.flatMap { part in
            part.clips.map { ClipLine(clip: $0.id, item: $0.item, shard: part.shard, file: part.file, frames: $0.frames, width: $0.width,
                                      height: $0.height, tracks: $0.tracks, quality: $0.quality) }
        }
    }

    /// Recomputes every part file's size and SHA-256; returns the files that differ or are missing.
    public func verify(output: String) -> [String] {
        parts.compactMap { part in
            let path = (output as NSString).appendingPathComponent(part.file)
            guard let checksum = try? FileChecksum.sha256(path) else { return "\(part.file): missing or unreadable" }
            return checksum.hex == part.sha256 && checksum.bytes == part.bytes ? nil : "\(part.file): checksum differs from the journal's"
        }
    }

    /// Writes the index atomically: pretty JSON, or one clip per line.
    public func write(to path: String, lines: Bool) throws(FathomError) {
        var bytes: [UInt8] = []
        if lines {
            for line in clipLines { bytes += try JSONCoding.encode(line, pretty: false) + [0x0A] }
        } else {
            bytes = try JSONCoding.encode(self, pretty: true)
        }
        try AtomicFile.write(bytes, to: path)
    }
}
