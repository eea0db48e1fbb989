import FathomCore

/// Reads a `fathom.shard/1` file: its header, its clip ids, and whole clips as `ClipLabels`.
///
/// Assumes a valid shard; run `ShardValidator` first on files of unknown origin, since this type
/// reports the first problem it meets rather than all of them.
public final class ShardReader {
    public let path: String
    private let file: HDF5File
    private let root: HDF5Group

    public init(path: String) throws(FathomError) {
        self.path = path
        file = try HDF5File.openReadOnly(path)
        root = try file.root()
        let schema = try root.attribute("schema")
        guard schema == .string(ShardHeader.schema) else {
            throw FathomError("shards.wrongSchema", "'\(path)' is not a \(ShardHeader.schema) shard (root attribute 'schema' is \(schema.map { "\($0)" } ?? "missing"))")
        }
    }

    public func header() throws(FathomError) -> ShardHeader {
        ShardHeader(producer: try string("producer", of: root), job: try string("job", of: root),
                    shardIndex: try int("shard_index", of: root), shardCount: try int("shard_count", of: root),
                    configSHA256: try string("config_sha256", of: root), createdUTC: try string("created_utc", of: root))
    }

    /// Clip ids in name order.
    public func clipIDs() throws(FathomError) -> [String] {
        try root.group("clips").childNames()
    }

    /// Reads one whole clip; depth is widened to Float whatever its stored precision.
    public func clip(_ id: String) throws(FathomError) -> ClipLabels {
        let group = try clipGroup(id)
        let camera = try group.group("camera")
        let tracks = try group.group("tracks")
        var quality: [String: QualityValue] = [:]
        for name in try group.attributeNames() where !Self.clipAttributes.contains(name) {
            switch try group.attribute(name) {
            case .float(let number): quality[name] = .number(number)
            case .int(let number): quality[name] = .number(Double(number))
            case .string(let text): quality[name] = .text(text)
            default: break
            }
        }
        let unitsText = try string("depth_units", of: group)
        guard let units = DepthUnits(rawValue: unitsText) else {
            throw FathomError("shards.badAttribute", "'\(path)': /clips/\(id) has depth_units '\(unitsText)', expected relative or metric")
        }
        return ClipLabels(
            id: id, source: try string("source", of: group), referenceFrame: try int("reference_frame", of: group),
            fps: try float("fps", of: group), depthUnits: units,
            frameIndex: try group.dataset("frame_index").read(Int64.self).storage,
            timestamp: try group.dataset("timestamp").read(Double.self).storage,
            rgb: try group.childKind("rgb") == .dataset ? group.dataset("rgb").read(UInt8.self) : nil,
            depth: try group.dataset("depth").readFloats(),
            depthConfidence: try group.dataset("depth_confidence").read(UInt8.self),
            occlusion: try group.dataset("occlusion").read(UInt8.self),
            intrinsics: try camera.dataset("K").read(Float.self),
            worldFromCamera: try camera.dataset("world_from_camera").read(Float.self),
            tracks: TrackLabels(
                query: try tracks.dataset("query").read(Float.self), uv: try tracks.dataset("uv").read(Float.self),
                xyz: try tracks.childKind("xyz") == .dataset ? tracks.dataset("xyz").read(Float.self) : nil,
                visible: try tracks.dataset("visible").read(UInt8.self),
                confidence: try tracks.dataset("confidence").read(UInt8.self)),
            quality: quality)
    }

    /// An array stored outside the contract beside clip `id` (see `ExtraDataset`), or nil.
    public func extra(_ id: String, _ path: String) throws(FathomError) -> ExtraDataset? {
        var parts = path.split(separator: "/").map(String.init)
        let name = parts.removeLast()
        var group = try clipGroup(id)
        for part in parts {
            guard try group.childKind(part) == .group else { return nil }
            group = try group.group(part)
        }
        guard try group.childKind(name) == .dataset else { return nil }
        let dataset = try group.dataset(name)
        return try dataset.dtypeName() == "uint8" ? .uint8(dataset.read(UInt8.self)) : .float32(dataset.readFloats())
    }

    func clipGroup(_ id: String) throws(FathomError) -> HDF5Group {
        try root.group("clips").group(id)
    }

    private static let clipAttributes: Set = ["source", "frame_count", "height", "width", "reference_frame", "fps", "depth_units"]

    private func string(_ name: String, of object: some HDF5Object) throws(FathomError) -> String {
        guard case .string(let value) = try object.attribute(name) else { throw missing(name, object) }
        return value
    }

    private func int(_ name: String, of object: some HDF5Object) throws(FathomError) -> Int {
        guard case .int(let value) = try object.attribute(name) else { throw missing(name, object) }
        return Int(value)
    }

    private func float(_ name: String, of object: some HDF5Object) throws(FathomError) -> Double {
        switch try object.attribute(name) {
        case .float(let value): return value
        case .int(let value): return Double(value)
        default: throw missing(name, object)
        }
    }

    private func missing(_ name: String, _ object: some HDF5Object) -> FathomError {
        FathomError("shards.badAttribute", "'\(path)': attribute '\(name)' of '\(object.location.path)' is missing or has the wrong type; run 'fathom validate' on the file")
    }
}
