import FathomCore
import FathomScenes
import FathomShards

/// A synthetic scene's exact labels, read back from the shard `fathom synth` wrote: the labels
/// themselves plus object masks and poses, so any query can be followed exactly.
public struct GroundTruthClip: Sendable {
    public let path: String
    public let labels: ClipLabels
    public let follower: TrackFollower
    /// Truth frame position of each source frame number.
    let frameOfIndex: [Int64: Int]
    /// Per object: whether it moves during the clip (its pose is not the same in every frame).
    public let objectMoves: [Bool]

    /// The truth of a scene rendered in this process (benchmarks and tests), as if read back.
    public init(_ truth: SceneTruth, name: String) {
        self.init(path: name, labels: truth.labels, objectIndex: truth.objectIndex, objectPoses: truth.worldFromObject)
    }

    /// Reads the single clip of a truth shard at `path`.
    public init(path: String) throws(FathomError) {
        let reader = try ShardReader(path: path)
        guard let id = try reader.clipIDs().first else {
            throw FathomError("eval.badTruth", "'\(path)' holds no clip; write ground truth with 'fathom synth'")
        }
        guard case .uint8(let objectIndex)? = try reader.extra(id, "truth/object_index"),
              case .float32(let objectPoses)? = try reader.extra(id, "truth/world_from_object") else {
            throw FathomError("eval.badTruth", "'\(path)' has no truth/object_index and truth/world_from_object: it is not a ground-truth shard from 'fathom synth'")
        }
        self.init(path: path, labels: try reader.clip(id), objectIndex: objectIndex, objectPoses: objectPoses)
    }

    /// Per object of `objectPoses` ([K, T, 4, 4] world_from_object): whether its pose changes
    /// during the clip.
    public static func objectMoves(_ objectPoses: Tensor<Float>) -> [Bool] {
        let t = objectPoses.shape[1]
        return (0 ..< objectPoses.shape[0]).map { k in
            let first = objectPoses.storage[k * t * 16 ..< (k * t + 1) * 16]
            return (1 ..< t).contains { objectPoses.storage[(k * t + $0) * 16 ..< (k * t + $0 + 1) * 16] != first }
        }
    }

    /// `objectPoses`: [K, T, 4, 4] world_from_object of every object in every frame.
    private init(path: String, labels: ClipLabels, objectIndex: Tensor<UInt8>, objectPoses: Tensor<Float>) {
        let t = labels.frameCount
        self.path = path
        self.labels = labels
        frameOfIndex = Dictionary(uniqueKeysWithValues: labels.frameIndex.enumerated().map { ($1, $0) })
        objectMoves = Self.objectMoves(objectPoses)
        follower = TrackFollower(
            width: labels.width, height: labels.height,
            intrinsics: (0 ..< t).map { labels.intrinsicsOfFrame($0) },
            worldFromCamera: (0 ..< t).map { labels.worldFromCameraOfFrame($0) },
            worldFromObject: (0 ..< objectPoses.shape[0]).map { k in
                (0 ..< t).map { RigidTransform(rowMajor4x4: objectPoses.storage, offset: (k * t + $0) * 16) }
            },
            depth: labels.depth, objectIndex: objectIndex)
    }
}
