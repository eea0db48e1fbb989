import FathomCore
extension ClipEvaluator {
    /// Coverage, AbsRel and δ<1.25 after scaling the labels by median(truth) / median(labels).
    /// Coverage counts the static surface, where parallax makes depth observable; the surface of
    /// moving objects, whose depth motion stereo cannot observe, is counted apart.
    func depthScores() -> DepthScores? {
        let (h, w) = (labels.height, labels.width)
        let truthArea = truth.labels.width * truth.labels.height
        var predicted: [Double] = []
        var actual: [Double] = []
        var confident: [Bool] = []
        var (staticPixels, staticCovered, confidentCovered, movingPixels, movingCovered) = (0, 0, 0, 0, 0)
        for (t, frame) in truthFrames.enumerated() {
            for i in 0 ..< h {
                for j in 0 ..< w {
                    let truthPixel = frame * truthArea + truthPixel(row: i, column: j)
                    let gt = Double(truth.labels.depth.storage[truthPixel])
                    guard gt.isFinite, gt > 0 else { continue }
                    let object = Int(truth.follower.objectIndex.storage[truthPixel])
                    let moves = object < truth.objectMoves.count && truth.objectMoves[object]
                    if moves { movingPixels += 1 } else { staticPixels += 1 }
                    let pixel = (t * h + i) * w + j
                    let d = Double(labels.depth.storage[pixel])
                    guard d.isFinite, d > 0 else { continue }
                    predicted.append(d)
                    actual.append(gt)
                    let isConfident = labels.depthConfidence.storage[pixel] >= 128
                    confident.append(isConfident)
                    if moves {
                        movingCovered += 1
                    } else {
                        staticCovered += 1
                        if isConfident { confidentCovered += 1 }
                    }
                }
            }
        }
        guard staticPixels + movingPixels > 0 else { return nil }
        func share(_ part: Int, _ whole: Int) -> Double { whole > 0 ? Double(part) / Double(whole) : .nan }
        let (coverage, confidentCoverage) = (share(staticCovered, staticPixels), share(confidentCovered, staticPixels))
        let movingCoverage = movingPixels > 0 ? share(movingCovered, movingPixels) : nil
        guard !predicted.isEmpty else {
            return DepthScores(coverage: coverage, movingCoverage: movingCoverage, absRel: .nan, delta125: 0, confidentCoverage: 0,
                               confidentAbsRel: nil, confidentDelta125: nil, scale: .nan)
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
        return DepthScores(coverage: coverage, movingCoverage: movingCoverage, absRel: all.absRel, delta125: all.delta,
                           confidentCoverage: confidentCoverage, confidentAbsRel: sure?.absRel, confidentDelta125: sure?.delta, scale: s)
    }
}
