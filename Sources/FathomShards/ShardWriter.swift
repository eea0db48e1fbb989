import FathomCore
import Logging

/// Writes clips into one `fathom.shard/1` file that appears under its final name only when complete.
///
/// The file is written as `<path>.tmp-<pid>-<random>`; `finish()` closes it, flushes it to disk
/// and renames it. If the process dies first, only a temporary file is left, which readers
/// ignore and the runner deletes on resume. Not thread-safe: one writer per file, fed from one
/// queue (HDF5 itself is serialised process-wide).
public final class ShardWriter {
    public let path: String
    public let temporaryPath: String
    public let options: ShardWriterOptions
    public private(set) var clipIDs: [String] = []
    private var file: HDF5File?
    private var clips: HDF5Group?
    private let logger = Logger(label: "fathom.shards")

    /// Starts a shard at `path` (which must not be taken by a finished shard).
    public init(path: String, header: ShardHeader, options: ShardWriterOptions = .init()) throws(FathomError) {
        self.path = path
        self.options = options
        self.temporaryPath = AtomicFile.temporaryPath(for: path)
        let file = try HDF5File.create(temporaryPath)
        do {
            let root = try file.root()
            try root.setAttribute("schema", .string(ShardHeader.schema))
            try root.setAttribute("producer", .string(header.producer))
            try root.setAttribute("job", .string(header.job))
            try root.setAttribute("shard_index", .int(Int64(header.shardIndex)))
            try root.setAttribute("shard_count", .int(Int64(header.shardCount)))
            try root.setAttribute("config_sha256", .string(header.configSHA256))
            try root.setAttribute("created_utc", .string(header.createdUTC))
            clips = try root.createGroup("clips")
        } catch {
            AtomicFile.discard(temporaryPath)
            throw error
        }
        self.file = file
    }

    deinit {
        if file != nil { abandon() }
    }

    /// Appends one clip, and any `extras` keyed by their path inside the clip group (a group name
    /// the contract does not use, then the dataset: "truth/object_index"). Clip ids must be unique
    /// within the shard.
    public func append(_ labels: ClipLabels, extras: [String: ExtraDataset] = [:]) throws(FathomError) {
        try append(EncodedClip(labels, extras: extras, options: options))
    }

    /// Appends a clip encoded elsewhere, with this writer's options: only bytes are copied here.
    public func append(_ clip: EncodedClip) throws(FathomError) {
        guard let clips else { preconditionFailure("append after finish or abandon of '\(path)'") }
        precondition(clip.options == options, "clip '\(clip.id)' was encoded with \(clip.options), the shard '\(path)' takes \(options)")
        guard !clipIDs.contains(clip.id) else {
            throw FathomError("shards.duplicateClip", "clip '\(clip.id)' is already in '\(path)'")
        }
        let group = try clips.createGroup(clip.id)
        for (name, value) in clip.attributes {
            try group.setAttribute(name, value)
        }
        for (path, data) in clip.datasets {
            var parts = path.split(separator: "/").map(String.init)
            let name = parts.removeLast()
            var parent = group
            for part in parts {
                parent = try parent.childKind(part) == .group ? parent.group(part) : parent.createGroup(part)
            }
            try HDF5Dataset.create(in: parent, name, data)
        }
        clipIDs.append(clip.id)
    }

    /// Depth rounded to half precision. Depth beyond float16's range (65504, e.g. the ground near
    /// the horizon) would become infinity, which is a made-up value: it is stored as NaN (unknown)
    /// with confidence 0 instead, as the contract says.
    static func halfPrecision(_ depth: Tensor<Float>, _ confidence: Tensor<UInt8>) -> (Tensor<Float16>, Tensor<UInt8>) {
        var half = [Float16](repeating: 0, count: depth.count)
        var adjusted = confidence.storage
        for i in 0 ..< depth.count {
            let value = Float16(depth.storage[i])
            if value.isInfinite {
                half[i] = .nan
                adjusted[i] = 0
            } else {
                half[i] = value
            }
        }
        return (Tensor(shape: depth.shape, storage: half), Tensor(shape: confidence.shape, storage: adjusted))
    }

    /// Closes the file, flushes it to disk and renames it to `path`. After this the shard is
    /// complete and immutable.
    public func finish() throws(FathomError) {
        precondition(file != nil, "finish called twice on '\(path)'")
        clips = nil
        do {
            try file?.close()
            file = nil  // the last reference: HDF5 closes the file here, before it is renamed
            try AtomicFile.commit(temporaryPath, to: path)
        } catch {
            file = nil
            AtomicFile.discard(temporaryPath)
            throw error
        }
        logger.debug("wrote shard", metadata: ["path": "\(path)", "clips": "\(clipIDs.count)"])
    }

    /// Gives up on the shard: closes and deletes the temporary file.
    public func abandon() {
        clips = nil
        file = nil
        AtomicFile.discard(temporaryPath)
    }
}
