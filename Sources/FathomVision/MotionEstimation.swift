import FathomCore

extension ClipMotion {
    /// Flows both ways between consecutive frames and the occlusion masks they imply.
    public static func estimate(_ images: [GrayImage], flow engine: DenseOpticalFlow) -> ClipMotion {
        let (forward, backward) = engine.consecutiveFlows(images)
        let size = images.first.map { $0.width * $0.height } ?? 0
        var hiddenNext = [[Bool]](repeating: [Bool](repeating: false, count: size), count: images.count)
        var hiddenPrevious = hiddenNext
        var inconsistency = [Double](repeating: 0, count: forward.count)
        // Each pair's two masks on one worker, pairs side by side: a mask is too little work to
        // split well over rows.
        hiddenNext.withUnsafeMutableBufferPointer { next in
        hiddenPrevious.withUnsafeMutableBufferPointer { previous in
        inconsistency.withUnsafeMutableBufferPointer { share in
            let (nextOut, previousOut, shareOut) = (SharedBuffer(next), SharedBuffer(previous), SharedBuffer(share))
            parallelRows(forward.count, minimumWork: size) { t in
                let mask = OcclusionMask(forward: forward[t], backward: backward[t], first: images[t], second: images[t + 1])
                nextOut[t] = mask.hidden
                shareOut[t] = mask.inconsistency
                previousOut[t + 1] = OcclusionMask(forward: backward[t], backward: forward[t], first: images[t + 1], second: images[t]).hidden
            }
        } } }
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

extension DenseOpticalFlow {
    /// Flow from every frame to the next (`forward`) and back (`backward`). Each frame's pyramid is
    /// built once and serves both pairs it belongs to; each pair's flow starts from the previous
    /// pair's flow in the same direction. The two directions are independent chains and run side
    /// by side: at 320×240 one flow's rows are too few to split over cores without the splitting
    /// costing more than it saves.
    public func consecutiveFlows(_ images: [GrayImage]) -> (forward: [FlowField], backward: [FlowField]) {
        let pyramids = parallelMap(images.count) { pyramid(images[$0]) }
        let chains = parallelMap(2) { direction in
            var flows: [FlowField] = []
            for t in 0 ..< max(images.count - 1, 0) {
                let (from, to) = direction == 0 ? (t, t + 1) : (t + 1, t)
                flows.append(flow(from: pyramids[from], to: pyramids[to], initial: flows.last))
            }
            return flows
        }
        return (chains[0], chains[1])
    }
}
