extension ClipEvaluator {
    /// Precision, recall and F1 of occlusion bit 0 against the truth's, over frames whose next
    /// label frame is the next truth frame (the bit means "not visible in the next frame"), and
    /// over pixels that see a surface: sky has no surface to be hidden, so the bit is undefined there.
    func occlusionScores() -> OcclusionScores? {
        let (h, w) = (labels.height, labels.width)
        let truthArea = truth.labels.width * truth.labels.height
        var truePositives = 0
        var predictedPositives = 0
        var actualPositives = 0
        var frames = 0
        for t in 0 ..< labels.frameCount - 1 where truthFrames[t + 1] == truthFrames[t] + 1 {
            frames += 1
            for i in 0 ..< h {
                for j in 0 ..< w {
                    let truthIndex = truthFrames[t] * truthArea + truthPixel(row: i, column: j)
                    guard truth.labels.depth.storage[truthIndex].isFinite else { continue }
                    let predicted = labels.occlusion.storage[(t * h + i) * w + j] & 1 == 1
                    let actual = truth.labels.occlusion.storage[truthIndex] & 1 == 1
                    if predicted { predictedPositives += 1 }
                    if actual { actualPositives += 1 }
                    if predicted && actual { truePositives += 1 }
                }
            }
        }
        guard frames > 0 else { return nil }
        let precision = predictedPositives > 0 ? Double(truePositives) / Double(predictedPositives) : (actualPositives == 0 ? 1 : 0)
        let recall = actualPositives > 0 ? Double(truePositives) / Double(actualPositives) : 1
        let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return OcclusionScores(precision: precision, recall: recall, f1: f1, truePositives: truePositives,
                               predictedPositives: predictedPositives, actualPositives: actualPositives)
    }
}
