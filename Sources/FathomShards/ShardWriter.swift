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
        guard let clips else { preconditionFailure("append after finish or abandon of '\(path)'") }
        try labels.checkShapes()
        guard !clipIDs.contains(labels.id) else {
            throw FathomError("shards.duplicateClip", "clip '\(labels.id)' is already in '\(path)'")
        }
        let group = try clips.createGroup(labels.id)
        try group.setAttribute("source", .string(labels.source))
        try group.setAttribute("frame_count", .int(Int64(labels.frameCount)))
        try group.setAttribute("height", .int(Int64(labels.height)))
        try group.setAttribute("width", .int(Int64(labels.width)))
        try group.setAttribute("reference_frame", .int(Int64(labels.referenceFrame)))
        try group.setAttribute("fps", .float(labels.fps))
        try group.setAttribute("depth_units", .string(labels.depthUnits.rawValue))
        for (name, value) in labels.quality.sorted(by: { $0.key < $1.key }) {
            switch value {
            case .number(let number): try group.setAttribute(name, .float(number))
            case .text(let text): try group.setAttribute(name, .string(text))
            }
        }

        let (h, w) = (labels.height, labels.width)
        let frameChunked = HDF5Storage(chunk: [1, h, w], deflateLevel: options.compressionLevel)
        let small = HDF5Storage(chunk: nil, deflateLevel: nil)
        try HDF5Dataset.create(in: group, "frame_index", Tensor(shape: [labels.frameCount], storage: labels.frameIndex), storage: small)
        try HDF5Dataset.create(in: group, "timestamp", Tensor(shape: [labels.frameCount], storage: labels.timestamp), storage: small)
        if options.storeRGB, let rgb = labels.rgb {
            try HDF5Dataset.create(in: group, "rgb", rgb, storage: HDF5Storage(chunk: [1, h, w, 3], deflateLevel: options.compressionLevel))
        }
        switch options.depthPrecision {
        case .float16:
            let (half, confidence) = Self.halfPrecision(labels.depth, labels.depthConfidence)
            try HDF5Dataset.create(in: group, "depth", half, storage: frameChunked)
            try HDF5Dataset.create(in: group, "depth_confidence", confidence, storage: frameChunked)
        case .float32:
            try HDF5Dataset.create(in: group, "depth", labels.depth, storage: frameChunked)
            try HDF5Dataset.create(in: group, "depth_confidence", labels.depthConfidence, storage: frameChunked)
        }
        try HDF5Dataset.create(in: group, "occlusion", labels.occlusion, storage: frameChunked)

        let camera = try group.createGroup("camera")
        try HDF5Dataset.create(in: camera, "K", labels.intrinsics, storage: small)
        try HDF5Dataset.create(in: camera, "world_from_camera", labels.worldFromCamera, storage: small)

        let tracks = try group.createGroup("tracks")
        let trackRows = min(max(labels.tracks.count, 1), 1024)
        func trackStorage(_ shape: [Int]) -> HDF5Storage {
            HDF5Storage(chunk: [trackRows] + shape.dropFirst(), deflateLevel: options.compressionLevel)
        }
        try HDF5Dataset.create(in: tracks, "query", labels.tracks.query, storage: trackStorage(labels.tracks.query.shape))
        try HDF5Dataset.create(in: tracks, "uv", labels.tracks.uv, storage: trackStorage(labels.tracks.uv.shape))
        if let xyz = labels.tracks.xyz {
            try HDF5Dataset.create(in: tracks, "xyz", xyz, storage: trackStorage(xyz.shape))
        }
        try HDF5Dataset.create(in: tracks, "visible", labels.tracks.visible, storage: trackStorage(labels.tracks.visible.shape))
        try HDF5Dataset.create(in: tracks, "confidence", labels.tracks.confidence, storage: trackStorage(labels.tracks.confidence.shape))
        for (path, extra) in extras.sorted(by: { $0.key < $1.key }) {
            try writeExtra(extra, at: path, in: group)
        }
        clipIDs.append(labels.id)
    }

    private func writeExtra(_ extra: ExtraDataset, at path: String, in clip: HDF5Group) throws(FathomError) {
        var parts = path.split(separator: "/").map(String.init)
        let name = parts.removeLast()
        precondition(!parts.isEmpty && !["camera", "tracks"].contains(parts[0]), "extra '\(path)' must live in a group of its own")
        var group = clip
        for part in parts {
            group = try group.childKind(part) == .group ? group.group(part) : group.createGroup(part)
        }
        func storage(_ shape: [Int]) -> HDF5Storage {
            HDF5Storage(chunk: shape.count >= 3 ? [1] + shape.dropFirst() : nil, deflateLevel: shape.count >= 3 ? options.compressionLevel : nil)
        }
        switch extra {
        case .uint8(let tensor): try HDF5Dataset.create(in: group, name, tensor, storage: storage(tensor.shape))
        case .float32(let tensor): try HDF5Dataset.create(in: group, name, tensor, storage: storage(tensor.shape))
        }
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
