import FathomCore
import FathomScenes

/// TAP-Vid's thresholds, in pixels of a 256 × 256 image (2D) or back-projected pixels (3D).
let trackThresholds: [Double] = [1, 2, 4, 8, 16]

extension ClipEvaluator {
    /// The truth track of every label query (nil where the truth sees nothing at the query).
    func truthTracks() -> [TrackFollower.Track?] {
        let query = labels.tracks.query.storage
        return (0 ..< labels.tracks.count).map { n in
            let frame = truthFrames[Int(query[n * 3])]
            let uv = toTruth([Double(query[n * 3 + 1]), Double(query[n * 3 + 2])])
            return truth.follower.follow(frame: frame, u: uv.x, v: uv.y)
        }
    }

    /// δ_avg, occlusion accuracy and average Jaccard as TAP-Vid defines them, summed over every
    /// query and non-query frame of the clip.
    func trackScores() -> TrackScores? {
        let n = labels.tracks.count
        guard n > 0 else { return nil }
        let t = labels.frameCount
        let toUnit = SIMD2(256 / Double(truth.labels.width), 256 / Double(truth.labels.height))
        var within = [Int](repeating: 0, count: trackThresholds.count)
        var truePositives = within
        var falsePositives = within
        var visibleCount = 0
        var agree = 0
        var evaluated = 0
        var skipped = 0
        for (q, track) in truthTracks().enumerated() {
            guard let track else { skipped += 1; continue }
            let start = Int(labels.tracks.query.storage[q * 3])
            for frame in 0 ..< t where frame != start {
                let gtVisible = track.visible[truthFrames[frame]]
                let base = q * t + frame
                let predictedUV = SIMD2(Double(labels.tracks.uv.storage[base * 2]), Double(labels.tracks.uv.storage[base * 2 + 1]))
                let predictedVisible = labels.tracks.visible.storage[base] == 1 && predictedUV.x.isFinite && predictedUV.y.isFinite
                evaluated += 1
                if gtVisible == predictedVisible { agree += 1 }
                var distance = Double.infinity
                if let gt = track.uv[truthFrames[frame]], predictedUV.x.isFinite, predictedUV.y.isFinite {
                    let d = (toTruth(predictedUV) - gt) * toUnit
                    distance = (d * d).sum().squareRoot()
                }
                if gtVisible { visibleCount += 1 }
                for (k, threshold) in trackThresholds.enumerated() {
                    let close = distance < threshold
                    if gtVisible && close { within[k] += 1 }
                    if gtVisible && close && predictedVisible { truePositives[k] += 1 }
                    if predictedVisible && (!gtVisible || !close) { falsePositives[k] += 1 }
                }
            }
        }
        guard evaluated > 0 else { return nil }
        let fractions = within.map { visibleCount > 0 ? Double($0) / Double(visibleCount) : 0 }
        let jaccard = zip(truePositives, falsePositives).map { tp, fp in
            visibleCount + fp > 0 ? Double(tp) / Double(visibleCount + fp) : 0
        }
        return TrackScores(queries: n - skipped, skippedQueries: skipped, within: fractions,
                           deltaAvg: fractions.reduce(0, +) / Double(fractions.count),
                           occlusionAccuracy: Double(agree) / Double(evaluated),
                           jaccard: jaccard, averageJaccard: jaccard.reduce(0, +) / Double(jaccard.count))
    }

    /// APD3D of TAPVid-3D: points in each frame's camera, labels scaled by median ‖truth‖ /
    /// median ‖labels‖ over points visible in both, a hit when within δ · z / √(fx fy). As in
    /// TAPVid-3D's evaluation, fx and fy are those of the truth resized to a short side of 256
    /// pixels, so the thresholds mean the same at any resolution.
    func track3DScores() -> Track3DScores? {
        guard let xyz = labels.tracks.xyz, labels.tracks.count > 0 else { return nil }
        let t = labels.frameCount
        let toUnit = 256 / Double(min(truth.labels.width, truth.labels.height))
        let cameraFromWorld = (0 ..< t).map { labels.worldFromCameraOfFrame($0).inverse }
        var pairs: [(predicted: SIMD3<Double>, actual: SIMD3<Double>, bothVisible: Bool, focal: Double)] = []
        for (q, track) in truthTracks().enumerated() {
            guard let track else { continue }
            for frame in 0 ..< t where track.visible[truthFrames[frame]] {
                let base = (q * t + frame) * 3
                let world = SIMD3(Double(xyz.storage[base]), Double(xyz.storage[base + 1]), Double(xyz.storage[base + 2]))
                let k = truth.follower.intrinsics[truthFrames[frame]]
                pairs.append((cameraFromWorld[frame] * world, track.pointInCamera[truthFrames[frame]],
                              labels.tracks.visible.storage[q * t + frame] == 1, (k.fx * k.fy).squareRoot() * toUnit))
            }
        }
        let usable = pairs.filter { $0.bothVisible && length($0.predicted).isFinite }
        guard !pairs.isEmpty, !usable.isEmpty else { return pairs.isEmpty ? nil : Track3DScores(apd3D: 0, within: trackThresholds.map { _ in 0 }, scale: .nan) }
        let scale = median(usable.map { length($0.actual) }) / median(usable.map { length($0.predicted) })
        let fractions = trackThresholds.map { threshold in
            Double(pairs.filter { pair in
                let error = length(scale * pair.predicted - pair.actual)
                return error < threshold * pair.actual.z / pair.focal
            }.count) / Double(pairs.count)
        }
        return Track3DScores(apd3D: fractions.reduce(0, +) / Double(fractions.count), within: fractions, scale: scale)
    }
}
