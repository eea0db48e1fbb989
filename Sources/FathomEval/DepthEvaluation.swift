import FathomCore
extension ClipEvaluator {
    /// Coverage, AbsRel and δ<1.25 after scaling the labels by median(truth) / median(labels).
    func depthScores() -> DepthScores? {
        let (h, w) = (labels.height, labels.width)
        let truthArea = truth.labels.width * truth.labels.height
        var predicted: [Double] = []
        var actual: [Double] = []
        var confident: [Bool] = []
        var truthPixels = 0
        var confidentCovered = 0
        for (t, frame) in truthFrames.enumerated() {
            for i in 0 ..< h {
                for j in 0 ..< w {
                    let gt = Double(truth.labels.depth.storage[frame * truthArea + truthPixel(row: i, column: j)])
                    guard gt.isFinite, gt > 0 else { continue }
                    truthPixels += 1
                    let pixel = (t * h + i) * w + j
                    let d = Double(labels.depth.storage[pixel])
                    guard d.isFinite, d > 0 else { continue }
                    predicted.append(d)
                    actual.append(gt)
                    let isConfident = labels.depthConfidence.storage[pixel] >= 128
                    confident.append(isConfident)
                    if isConfident { confidentCovered += 1 }
                }
            }
        }
        guard truthPixels > 0 else { return nil }
        guard !predicted.isEmpty else {
            return DepthScores(coverage: 0, absRel: .nan, delta125: 0, confidentCoverage: 0, confidentAbsRel: nil, confidentDelta125: nil, scale: .nan)
        }
        let s = median(actual) / median(predicted)
        func errors(_ include: (Int) -> Bool) -> (absRel: Double, delta: Double)? {
            var absRel = 0.0
            var within = 0
            var count = 0
            for k in predicted.indices where include(k) {
                let d = s * predicted[k]
                absRel += abs(d - actual[k]) / actual[k]
                if max(d / actual[k], actual[k] / d) < 1.25 { within += 1 }
                count += 1
            }
            return count > 0 ? (absRel / Double(count), Double(within) / Double(count)) : nil
        }
        let all = errors { _ in true }!
        let sure = errors { confident[$0] }
        return DepthScores(coverage: Double(predicted.count) / Double(truthPixels), absRel: all.absRel, delta125: all.delta,
                           confidentCoverage: Double(confidentCovered) / Double(truthPixels),
                           confidentAbsRel: sure?.absRel, confidentDelta125: sure?.delta, scale: s)
    }
}
