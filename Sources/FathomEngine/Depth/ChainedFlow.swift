import FathomVision

/// Correspondences from every frame t to frame t + span (span < 0: backwards in time), by chaining
/// consecutive flows. NaN where the chain breaks: the surface was hidden or left the view on the
/// way, so no correspondence is made up across an occlusion.
///
/// Spans double (1, 2, 4, …): t → t + 2s is t → t + s followed by (t + s) → (t + 2s), one
/// composition per frame and span, so reaching k frames away costs log₂ k passes, not k.
struct ChainedFlow {
    let span: Int
    let width: Int
    let height: Int
    /// u[t], v[t]: displacement planes from frame t to t + span; empty when t + span is outside the clip.
    let u: [[Float]]
    let v: [[Float]]

    /// One-frame correspondences in one direction, hidden pixels cut.
    init(_ motion: WorkingMotion, forwards: Bool) {
        let t = motion.frameCount
        let (flows, hidden) = forwards ? (motion.forward, motion.hiddenNext) : (motion.backward, motion.hiddenPrevious)
        var u = [[Float]](repeating: [], count: t)
        var v = u
        for frame in 0 ..< t {
            // Forwards, frame t uses forward[t]; backwards, frame t uses backward[t − 1].
            let step = forwards ? frame : frame - 1
            guard step >= 0, step < flows.count else { continue }
            let mask = hidden[frame]
            u[frame] = zip(flows[step].u, mask).map { $1 ? .nan : $0 }
            v[frame] = zip(flows[step].v, mask).map { $1 ? .nan : $0 }
        }
        self.init(span: forwards ? 1 : -1, width: motion.width, height: motion.height, u: u, v: v)
    }

    private init(span: Int, width: Int, height: Int, u: [[Float]], v: [[Float]]) {
        self.span = span
        self.width = width
        self.height = height
        self.u = u
        self.v = v
    }

    /// Twice the span. A correspondence survives only where the second leg's four bilinear
    /// neighbours are all valid (NaN propagates through the interpolation) and it stays in view.
    func doubled() -> ChainedFlow {
        let (w, h) = (width, height)
        var u2 = [[Float]](repeating: [], count: u.count)
        var v2 = u2
        for frame in u.indices {
            let middle = frame + span
            guard !u[frame].isEmpty, middle >= 0, middle < u.count, !u[middle].isEmpty else { continue }
            var outU = [Float](repeating: .nan, count: w * h)
            var outV = outU
            u[frame].withUnsafeBufferPointer { u1 in
            v[frame].withUnsafeBufferPointer { v1 in
            u[middle].withUnsafeBufferPointer { u2 in
            v[middle].withUnsafeBufferPointer { v2 in
            outU.withUnsafeMutableBufferPointer { ou in
            outV.withUnsafeMutableBufferPointer { ov in
                let (resultU, resultV) = (SharedBuffer(ou), SharedBuffer(ov))
                let (right, bottom) = (Float(w - 1), Float(h - 1))
                parallelRows(h, minimumWork: w * 4) { i in
                    for j in 0 ..< w {
                        let p = i * w + j
                        let x = Float(j) + u1[p], y = Float(i) + v1[p]
                        // False for NaN too: a broken first leg stays broken.
                        guard x >= 0, y >= 0, x <= right, y <= bottom else { continue }
                        resultU[p] = u1[p] + sampleBilinear(u2, width: w, height: h, x: x, y: y)
                        resultV[p] = v1[p] + sampleBilinear(v2, width: w, height: h, x: x, y: y)
                    }
                }
            } } } } } }
            u2[frame] = outU
            v2[frame] = outV
        }
        return ChainedFlow(span: 2 * span, width: w, height: h, u: u2, v: v2)
    }
}
