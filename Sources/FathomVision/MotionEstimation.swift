extension ClipMotion {
    /// Flows both ways between consecutive frames and the occlusion masks they imply. Each frame's
    /// pyramid is built once and serves both pairs it belongs to; each pair's flow starts from the
    /// previous pair's flow in the same direction.
    public static func estimate(_ images: [GrayImage], flow engine: DenseOpticalFlow) -> ClipMotion {
        let pyramids = images.map { engine.pyramid($0) }
        var forward: [FlowField] = []
        var backward: [FlowField] = []
        for t in 0 ..< max(images.count - 1, 0) {
            forward.append(engine.flow(from: pyramids[t], to: pyramids[t + 1], initial: forward.last))
            backward.append(engine.flow(from: pyramids[t + 1], to: pyramids[t], initial: backward.last))
        }
        let size = images.first.map { $0.width * $0.height } ?? 0
        var hiddenNext = [[Bool]](repeating: [Bool](repeating: false, count: size), count: images.count)
        var hiddenPrevious = hiddenNext
        var inconsistency: [Double] = []
        for t in 0 ..< forward.count {
            let next = OcclusionMask(forward: forward[t], backward: backward[t], first: images[t], second: images[t + 1])
            hiddenNext[t] = next.hidden
            inconsistency.append(next.inconsistency)
            hiddenPrevious[t + 1] = OcclusionMask(forward: backward[t], backward: forward[t], first: images[t + 1], second: images[t]).hidden
        }
        return ClipMotion(images: images, forward: forward, backward: backward, hiddenNext: hiddenNext, hiddenPrevious: hiddenPrevious,
                          inconsistency: inconsistency)
    }

    /// The occlusion labels: bit 0 where hidden in the next frame, bit 1 where hidden in the previous.
    public var occlusionBits: [UInt8] {
        var bits = [UInt8](repeating: 0, count: frameCount * width * height)
        let size = width * height
        for t in 0 ..< frameCount {
            for p in 0 ..< size {
                bits[t * size + p] = (hiddenNext[t][p] ? 1 : 0) | (hiddenPrevious[t][p] ? 2 : 0)
            }
        }
        return bits
    }
}
