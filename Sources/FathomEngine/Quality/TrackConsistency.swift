import FathomCore

/// Per frame, what the 2D tracks say about how surfaces move: physical surfaces move smoothly
/// (bounded acceleration), and leave the picture at its border or behind an occluder, not by
/// ending in the open where nothing covers them. Informative: tracker slips on poor texture also
/// jump, so these figures are not in the score.
struct TrackConsistency: Sendable {
    /// Per frame t in 1..<T−1: share of tracks seen at t − 1, t and t + 1 that jump together with
    /// their neighbours: acceleration, less the frame's median acceleration (a shaking camera moves
    /// every track alike), above `jumpThreshold`, and shared by at least two tracks nearby. A
    /// tracker slipping at an occlusion jumps alone; a teleporting object takes its tracks along.
    let jumps: FrameSeries
    /// Per pair t → t + 1: tracks that end for good at t away from the border (also one frame on,
    /// at their own speed) where their surface was replaced rather than covered (the motion's
    /// `replaced` mask within a pixel of the track), per track seen at t: points that vanish in
    /// the open with no occluder in front.
    let vanishings: FrameSeries
    /// Mean share of the clip's frames in which a track is seen.
    let survival: Double

    init(_ tracks: TrackLabels, replaced: [[Bool]], width: Int, height: Int) {
        let (n, t) = (tracks.count, tracks.visible.shape[1])
        let uv = tracks.uv.storage, visible = tracks.visible.storage
        func position(_ q: Int, _ f: Int) -> SIMD2<Double> { SIMD2(Double(uv[(q * t + f) * 2]), Double(uv[(q * t + f) * 2 + 1])) }
        func seen(_ q: Int, _ f: Int) -> Bool { visible[q * t + f] == 1 && uv[(q * t + f) * 2].isFinite }

        let diagonal = Double(width * width + height * height).squareRoot()
        var jumps: [Double] = []
        for f in stride(from: 1, to: t - 1, by: 1) {
            let moving = (0 ..< n).filter { seen($0, f - 1) && seen($0, f) && seen($0, f + 1) }
            let accelerations = moving.map { position($0, f + 1) - 2 * position($0, f) + position($0, f - 1) }
            let common = SIMD2(FrameSeries(values: accelerations.map { $0.x }).median, FrameSeries(values: accelerations.map { $0.y }).median)
            jumps.append(Double(Self.coherentJumps(accelerations.map { $0 - common }, at: moving.map { position($0, f) }, diagonal: diagonal))
                         / Double(max(moving.count, 1)))
        }

        let margin = 0.04 * Double(min(width, height))
        func inOpen(_ p: SIMD2<Double>) -> Bool {
            p.x >= margin && p.y >= margin && p.x <= Double(width) - margin && p.y <= Double(height) - margin
        }
        func wasReplaced(_ p: SIMD2<Double>, pair f: Int) -> Bool {
            let (x, y) = (Int(p.x), Int(p.y))
            for i in max(y - 1, 0) ... min(y + 1, height - 1) {
                for j in max(x - 1, 0) ... min(x + 1, width - 1) where replaced[f][i * width + j] { return true }
            }
            return false
        }
        var vanishings = [Double](repeating: 0, count: max(t - 1, 0))
        var seenCount = [Int](repeating: 0, count: t)
        var visibleFrames = 0
        for q in 0 ..< n {
            let frames = (0 ..< t).filter { seen(q, $0) }
            visibleFrames += frames.count
            for f in frames { seenCount[f] += 1 }
            guard let last = frames.last, last < t - 1 else { continue }
            let p = position(q, last), v = last > 0 && seen(q, last - 1) ? p - position(q, last - 1) : .zero
            if inOpen(p) && inOpen(p + v) && wasReplaced(p, pair: last) { vanishings[last] += 1 }
        }
        for f in vanishings.indices { vanishings[f] /= Double(max(seenCount[f], 1)) }
        self.jumps = FrameSeries(values: jumps)
        self.vanishings = FrameSeries(values: vanishings)
        survival = n * t > 0 ? Double(visibleFrames) / Double(n * t) : 0
    }

    /// Residual acceleration (pixels per frame²) that counts as a jump: 2 px of tracking noise plus
    /// 1 % of the image diagonal, so the test means the same at every resolution.
    static func jumpThreshold(diagonal: Double) -> Double {
        2 + 0.01 * diagonal
    }

    /// How many of the residual accelerations are jumps shared by at least two other tracks within
    /// a tenth of the image diagonal (agreeing to half the jump's length).
    private static func coherentJumps(_ residuals: [SIMD2<Double>], at positions: [SIMD2<Double>], diagonal: Double) -> Int {
        let threshold = jumpThreshold(diagonal: diagonal)
        let jumping = residuals.indices.filter { (residuals[$0] * residuals[$0]).sum() > threshold * threshold }
        let reach = 0.1 * diagonal
        return jumping.filter { i in
            let size = (residuals[i] * residuals[i]).sum().squareRoot()
            let agreeing = jumping.filter { j in
                let d = positions[j] - positions[i], r = residuals[j] - residuals[i]
                return j != i && (d * d).sum() <= reach * reach && (r * r).sum().squareRoot() <= 0.5 * size
            }
            return agreeing.count >= 2
        }.count
    }
}
