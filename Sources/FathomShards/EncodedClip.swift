import FathomCore

/// One clip's labels in the form a shard stores them — attributes, and every dataset shuffled and
/// compressed — prepared on any thread, in parallel with other clips, so that the single
/// `ShardWriter` (HDF5 allows one writer) only copies finished bytes into the file.
public struct EncodedClip: Sendable {
    public let id: String
    public let frameCount: Int
    public let width: Int
    public let height: Int
    public let trackCount: Int
    public let quality: [String: QualityValue]
    /// The options it was encoded with: a writer takes only clips encoded with its own.
    public let options: ShardWriterOptions
    /// The clip group's attributes, in the order they are written.
    let attributes: [(name: String, value: HDF5AttributeValue)]
    /// Datasets by path inside the clip group ("depth", "camera/K", "truth/object_index"), in the
    /// order they are written.
    let datasets: [(path: String, data: HDF5EncodedDataset)]

    /// Checks the labels' shapes, then encodes them as `options` say. `extras` are keyed by their
    /// path inside the clip group: a group name the contract does not use, then the dataset.
    /// `rgb`, when given, is the labels' frames already being compressed (started with the same
    /// options), and is finished here.
    public init(_ labels: ClipLabels, rgb encodedRGB: RGBEncoding? = nil, extras: [String: ExtraDataset] = [:],
                options: ShardWriterOptions) throws(FathomError) {
        try labels.checkShapes()
        self.options = options
        id = labels.id
        (frameCount, width, height, trackCount, quality) = (labels.frameCount, labels.width, labels.height, labels.tracks.count, labels.quality)
        var attributes: [(String, HDF5AttributeValue)] = [
            ("source", .string(labels.source)), ("frame_count", .int(Int64(labels.frameCount))), ("height", .int(Int64(labels.height))),
            ("width", .int(Int64(labels.width))), ("reference_frame", .int(Int64(labels.referenceFrame))), ("fps", .float(labels.fps)),
            ("depth_units", .string(labels.depthUnits.rawValue)),
        ]
        for (name, value) in labels.quality.sorted(by: { $0.key < $1.key }) {
            switch value {
            case .number(let number): attributes.append((name, .float(number)))
            case .text(let text): attributes.append((name, .string(text)))
            }
        }
        self.attributes = attributes

        let (h, w, level) = (labels.height, labels.width, options.compressionLevel)
        let frameChunked = HDF5Storage(chunk: [1, h, w], deflateLevel: level)
        let small = HDF5Storage(chunk: nil, deflateLevel: nil)
        var datasets: [(String, HDF5EncodedDataset)] = [
            ("frame_index", HDF5EncodedDataset(Tensor(shape: [labels.frameCount], storage: labels.frameIndex), storage: small)),
            ("timestamp", HDF5EncodedDataset(Tensor(shape: [labels.frameCount], storage: labels.timestamp), storage: small)),
        ]
        if options.storeRGB, let rgb = labels.rgb {
            let encoded = encodedRGB?.finish() ?? HDF5EncodedDataset(rgb, storage: Self.rgbStorage(height: h, width: w, options: options))
            precondition(encoded.shape == rgb.shape, "the RGB compressed ahead, \(encoded.shape), is not the labels' \(rgb.shape)")
            datasets.append(("rgb", encoded))
        }
        switch options.depthPrecision {
        case .float16:
            let (half, confidence) = ShardWriter.halfPrecision(labels.depth, labels.depthConfidence)
            datasets.append(("depth", HDF5EncodedDataset(half, storage: frameChunked)))
            datasets.append(("depth_confidence", HDF5EncodedDataset(confidence, storage: frameChunked)))
        case .float32:
            datasets.append(("depth", HDF5EncodedDataset(labels.depth, storage: frameChunked)))
            datasets.append(("depth_confidence", HDF5EncodedDataset(labels.depthConfidence, storage: frameChunked)))
        }
        datasets.append(("occlusion", HDF5EncodedDataset(labels.occlusion, storage: frameChunked)))
        datasets.append(("camera/K", HDF5EncodedDataset(labels.intrinsics, storage: small)))
        datasets.append(("camera/world_from_camera", HDF5EncodedDataset(labels.worldFromCamera, storage: small)))

        let tracks = labels.tracks
        let trackRows = min(max(tracks.count, 1), 1024)
        func trackStorage(_ shape: [Int]) -> HDF5Storage {
            HDF5Storage(chunk: [trackRows] + shape.dropFirst(), deflateLevel: level)
        }
        datasets.append(("tracks/query", HDF5EncodedDataset(tracks.query, storage: trackStorage(tracks.query.shape))))
        datasets.append(("tracks/uv", HDF5EncodedDataset(tracks.uv, storage: trackStorage(tracks.uv.shape))))
        if let xyz = tracks.xyz {
            datasets.append(("tracks/xyz", HDF5EncodedDataset(xyz, storage: trackStorage(xyz.shape))))
        }
        datasets.append(("tracks/visible", HDF5EncodedDataset(tracks.visible, storage: trackStorage(tracks.visible.shape))))
        datasets.append(("tracks/confidence", HDF5EncodedDataset(tracks.confidence, storage: trackStorage(tracks.confidence.shape))))

        for (path, extra) in extras.sorted(by: { $0.key < $1.key }) {
            let parts = path.split(separator: "/")
            precondition(parts.count > 1 && !["camera", "tracks"].contains(parts[0]), "extra '\(path)' must live in a group of its own")
            func storage(_ shape: [Int]) -> HDF5Storage {
                HDF5Storage(chunk: shape.count >= 3 ? [1] + shape.dropFirst() : nil, deflateLevel: shape.count >= 3 ? level : nil)
            }
            switch extra {
            case .uint8(let tensor): datasets.append((path, HDF5EncodedDataset(tensor, storage: storage(tensor.shape))))
            case .float32(let tensor): datasets.append((path, HDF5EncodedDataset(tensor, storage: storage(tensor.shape))))
            }
        }
        self.datasets = datasets
    }

    /// How the `rgb` dataset is stored: one chunk per frame.
    static func rgbStorage(height: Int, width: Int, options: ShardWriterOptions) -> HDF5Storage {
        HDF5Storage(chunk: [1, height, width, 3], deflateLevel: options.compressionLevel)
    }
}
