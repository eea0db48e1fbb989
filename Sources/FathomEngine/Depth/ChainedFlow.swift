import FathomCore
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
    /// neighbours are all valid (NaN propagates through the interpolation, even at weight 0) and it
    /// stays in view.
    func doubled() -> ChainedFlow {
        let (w, h) = (width, height)
        let (right, bottom) = (Float(w - 1), Float(h - 1))
        var u2 = [[Float]](repeating: [], count: u.count)
        var v2 = u2
        u2.withUnsafeMutableBufferPointer { outU in
        v2.withUnsafeMutableBufferPointer { outV in
            let (resultU, resultV) = (outU.baseAddress!, outV.baseAddress!)
            parallelRows(u.count, minimumWork: w * h) { frame in
                let middle = frame + span
                guard !u[frame].isEmpty, middle >= 0, middle < u.count, !u[middle].isEmpty else { return }
                var chainedU = [Float](repeating: .nan, count: w * h)
                var chainedV = chainedU
                u[frame].withUnsafeBufferPointer { u1 in
                v[frame].withUnsafeBufferPointer { v1 in
                u[middle].withUnsafeBufferPointer { u2 in
                v[middle].withUnsafeBufferPointer { v2 in
                chainedU.withUnsafeMutableBufferPointer { chainedU in
                chainedV.withUnsafeMutableBufferPointer { chainedV in
                    for i in 0 ..< h {
                        for j in 0 ..< w {
                            let p = i * w + j
                            let x = Float(j) + u1[p], y = Float(i) + v1[p]
                            // False for NaN too: a broken first leg stays broken.
                            guard x >= 0, y >= 0, x <= right, y <= bottom else { continue }
                            // Bilinear weights once for both planes (the cell clamped inside the image).
                            let x0 = min(Int(x), w - 2), y0 = min(Int(y), h - 2)
                            let fx = x - Float(x0), fy = y - Float(y0)
                            let (a, b, c, d) = (y0 * w + x0, y0 * w + x0 + 1, (y0 + 1) * w + x0, (y0 + 1) * w + x0 + 1)
                            let (wa, wb, wc, wd) = ((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy)
                            chainedU[p] = u1[p] + (wa * u2[a] + wb * u2[b] + wc * u2[c] + wd * u2[d])
                            chainedV[p] = v1[p] + (wa * v2[a] + wb * v2[b] + wc * v2[c] + wd * v2[d])
                        }
                    }
                } } } } } }
                resultU[frame] = chainedU
                resultV[frame] = chainedV
            }
        } }
        return ChainedFlow(span: 2 * span, width: w, height: h, u: u2, v: v2)
    }
}
