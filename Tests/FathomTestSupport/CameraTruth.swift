import FathomCore
import FathomScenes

extension SceneTruth {
    /// The truth's labels with estimated cameras in place of the exact ones, ready for `ClipEvaluator`.
    public func labels(intrinsics: PinholeIntrinsics, worldFromCamera: [RigidTransform]) -> ClipLabels {
        var result = labels
        let t = labels.frameCount
        result.intrinsics = Tensor(shape: [t, 3, 3], storage: (0 ..< t).flatMap { _ in intrinsics.matrix3x3.map(Float.init) })
        result.worldFromCamera = Tensor(shape: [t, 4, 4], storage: worldFromCamera.flatMap { $0.matrix4x4.map(Float.init) })
        return result
    }

    /// Precision and recall of per-track moving flags against the truth: a track is on a mover when
    /// the object under its query pixel changes pose during the clip. 1 when undefined.
    public func movingAgreement(_ moving: [Bool], tracks: TrackLabels) -> (precision: Double, recall: Double) {
        let (t, h, w) = (labels.frameCount, labels.height, labels.width)
        let objects = worldFromObject.shape[0]
        let moves = (0 ..< objects).map { k in
            worldFromObject.storage[(k * t) * 16 ..< (k * t + 1) * 16] != worldFromObject.storage[(k * t + t - 1) * 16 ..< (k * t + t) * 16]
        }
        var (truePositive, falsePositive, falseNegative) = (0, 0, 0)
        for q in 0 ..< tracks.count {
            let frame = Int(tracks.query.storage[q * 3])
            let j = min(w - 1, max(0, Int(tracks.query.storage[q * 3 + 1])))
            let i = min(h - 1, max(0, Int(tracks.query.storage[q * 3 + 2])))
            let object = Int(objectIndex.storage[(frame * h + i) * w + j])
            let onMover = object < objects && moves[object]
            if onMover && moving[q] { truePositive += 1 }
            if !onMover && moving[q] { falsePositive += 1 }
            if onMover && !moving[q] { falseNegative += 1 }
        }
        return (truePositive + falsePositive > 0 ? Double(truePositive) / Double(truePositive + falsePositive) : 1,
                truePositive + falseNegative > 0 ? Double(truePositive) / Double(truePositive + falseNegative) : 1)
    }
}
