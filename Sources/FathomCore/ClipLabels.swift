/// Everything Fathom labels for one clip, in the layout of `fathom.shard/1` (see Schemas/README.md).
///
/// T labelled frames of H × W pixels and N tracks. Conventions: pixel centres at (j + 0.5, i + 0.5),
/// OpenCV camera axes, world frame = camera of `referenceFrame`, NaN = unknown.
public struct ClipLabels: Sendable, Equatable {
    /// Unique, deterministic id derived from the source and frame range.
    public var id: String
    /// The video's path or URI as listed in the corpus.
    public var source: String
    public var referenceFrame: Int
    public var fps: Double
    public var depthUnits: DepthUnits
    /// [T] frame numbers in the decoded source, strictly increasing.
    public var frameIndex: [Int64]
    /// [T] presentation times in seconds.
    public var timestamp: [Double]
    /// [T, H, W, 3] sRGB frames, when the job stores them.
    public var rgb: Tensor<UInt8>?
    /// [T, H, W] z-depth; NaN where unknown.
    public var depth: Tensor<Float>
    /// [T, H, W] 0–255.
    public var depthConfidence: Tensor<UInt8>
    /// [T, H, W] bit 0: not visible in the next frame; bit 1: not visible in the previous one.
    public var occlusion: Tensor<UInt8>
    /// [T, 3, 3] pinhole intrinsics in label pixels.
    public var intrinsics: Tensor<Float>
    /// [T, 4, 4] camera-to-world rigid transforms.
    public var worldFromCamera: Tensor<Float>
    public var tracks: TrackLabels
    /// Per-clip quality figures, stored as clip attributes.
    public var quality: [String: QualityValue]

    public init(
        id: String, source: String, referenceFrame: Int = 0, fps: Double, depthUnits: DepthUnits,
        frameIndex: [Int64], timestamp: [Double], rgb: Tensor<UInt8>?, depth: Tensor<Float>,
        depthConfidence: Tensor<UInt8>, occlusion: Tensor<UInt8>, intrinsics: Tensor<Float>,
        worldFromCamera: Tensor<Float>, tracks: TrackLabels, quality: [String: QualityValue] = [:]
    ) {
        self.id = id
        self.source = source
        self.referenceFrame = referenceFrame
        self.fps = fps
        self.depthUnits = depthUnits
        self.frameIndex = frameIndex
        self.timestamp = timestamp
        self.rgb = rgb
        self.depth = depth
        self.depthConfidence = depthConfidence
        self.occlusion = occlusion
        self.intrinsics = intrinsics
        self.worldFromCamera = worldFromCamera
        self.tracks = tracks
        self.quality = quality
    }

    public var frameCount: Int { depth.shape[0] }
    public var height: Int { depth.shape[1] }
    public var width: Int { depth.shape[2] }

    /// Checks that every array agrees with T, H, W and N, so a writer never stores a clip whose
    /// shapes contradict each other.
    public func checkShapes() throws(FathomError) {
        let (t, h, w, n) = (frameCount, height, width, tracks.count)
        var expected: [(String, [Int], [Int])] = [
            ("frame_index", [frameIndex.count], [t]),
            ("timestamp", [timestamp.count], [t]),
            ("depth_confidence", depthConfidence.shape, [t, h, w]),
            ("occlusion", occlusion.shape, [t, h, w]),
            ("camera/K", intrinsics.shape, [t, 3, 3]),
            ("camera/world_from_camera", worldFromCamera.shape, [t, 4, 4]),
            ("tracks/query", tracks.query.shape, [n, 3]),
            ("tracks/uv", tracks.uv.shape, [n, t, 2]),
            ("tracks/visible", tracks.visible.shape, [n, t]),
            ("tracks/confidence", tracks.confidence.shape, [n, t]),
        ]
        if let rgb { expected.append(("rgb", rgb.shape, [t, h, w, 3])) }
        if let xyz = tracks.xyz { expected.append(("tracks/xyz", xyz.shape, [n, t, 3])) }
        for (name, actual, wanted) in expected where actual != wanted {
            throw FathomError("labels.badShape",
                              "clip '\(id)': \(name) has shape \(actual), expected \(wanted) (T=\(t), H=\(h), W=\(w), N=\(n))")
        }
        guard depth.shape.count == 3, t > 0, h > 0, w > 0 else {
            throw FathomError("labels.badShape", "clip '\(id)': depth has shape \(depth.shape), expected [T, H, W] with T, H, W > 0")
        }
        guard referenceFrame >= 0, referenceFrame < t else {
            throw FathomError("labels.badReferenceFrame", "clip '\(id)': reference frame \(referenceFrame) is outside [0, \(t))")
        }
    }
}

/// Long-range point tracks of one clip: N queries, each followed through all T frames.
public struct TrackLabels: Sendable, Equatable {
    /// [N, 3] rows (t_src, u, v).
    public var query: Tensor<Float>
    /// [N, T, 2] pixel positions; NaN where unknown.
    public var uv: Tensor<Float>
    /// [N, T, 3] world-frame positions, when the engine lifts tracks to 3D.
    public var xyz: Tensor<Float>?
    /// [N, T] 1 visible, 0 occluded or out of view.
    public var visible: Tensor<UInt8>
    /// [N, T] 0–255.
    public var confidence: Tensor<UInt8>

    public init(query: Tensor<Float>, uv: Tensor<Float>, xyz: Tensor<Float>?, visible: Tensor<UInt8>, confidence: Tensor<UInt8>) {
        self.query = query
        self.uv = uv
        self.xyz = xyz
        self.visible = visible
        self.confidence = confidence
    }

    /// No tracks, for a clip of `frameCount` frames.
    public static func empty(frameCount: Int) -> TrackLabels {
        TrackLabels(query: Tensor(shape: [0, 3], storage: []), uv: Tensor(shape: [0, frameCount, 2], storage: []),
                    xyz: Tensor(shape: [0, frameCount, 3], storage: []), visible: Tensor(shape: [0, frameCount], storage: []),
                    confidence: Tensor(shape: [0, frameCount], storage: []))
    }

    public var count: Int { query.shape[0] }
}

/// A per-clip quality figure: a number, or a status word such as a geometry status.
public enum QualityValue: Sendable, Equatable {
    case number(Double)
    case text(String)
}
