/// How much of the second frame lands on each pixel of the first through the backward flow: every
/// pixel of the second frame spreads a unit weight bilinearly around the point it maps back to.
/// Visible surface gets about 1; surface about to be covered gets nearly nothing, since nothing of
/// the second frame comes from there. The cue is independent of the forward flow, which near a
/// moving edge tends to carry the mover's motion onto the background it is about to cover, where
/// the forward–backward check then passes.
struct FlowCoverage {
    /// Per pixel of the first frame.
    let weight: [Float]

    /// `backward` maps the second frame onto the first. Accumulated in one pass, in pixel order, so
    /// the sums are the same on any number of cores.
    init(backward: FlowField) {
        let (w, h) = (backward.width, backward.height)
        // Splatted into a frame one pixel wider on every side, so no tap needs a bounds check.
        let stride = w &+ 2
        var padded = [Float](repeating: 0, count: stride * (h + 2))
        backward.u.withUnsafeBufferPointer { bu in
        backward.v.withUnsafeBufferPointer { bv in
        padded.withUnsafeMutableBufferPointer { out in
            let (right, bottom) = (Float(w), Float(h))
            for i in 0 ..< h {
                for j in 0 ..< w {
                    let q = i &* w &+ j
                    let x = Float(j) + bu[q], y = Float(i) + bv[q]
                    guard x > -1, y > -1, x < right, y < bottom else { continue }
                    // Floor by truncation (x, y > −1): no libm call on baseline x86-64.
                    let (c, r) = (Int(x + 1) &- 1, Int(y + 1) &- 1)
                    let (fx, fy) = (x - Float(c), y - Float(r))
                    let top = (r &+ 1) &* stride &+ c &+ 1
                    out[top] += (1 - fx) * (1 - fy)
                    out[top &+ 1] += fx * (1 - fy)
                    out[top &+ stride] += (1 - fx) * fy
                    out[top &+ stride &+ 1] += fx * fy
                }
            }
        } } }
        weight = (0 ..< h).flatMap { (i: Int) -> ArraySlice<Float> in
            let start = (i + 1) * stride + 1
            return padded[start ..< start + w]
        }
    }
}
