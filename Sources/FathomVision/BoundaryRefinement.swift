import FathomCore

/// Sharpens the flow along motion boundaries at full resolution.
///
/// Patches (and, in the fast preset, a coarser finest level upsampled) blur the flow across a
/// motion boundary over up to half a patch footprint: pixels of the background just ahead of a
/// moving object take part of its motion. Their forward–backward check then passes, so the sliver
/// the object covers is not found occluded, and points tracked there are dragged along. On a
/// motion boundary (Sundaram et al.'s test, ECCV 2010: |∇u|² + |∇v|² > 0.01 |w|² + 0.002, here
/// over ±2 pixels) each pixel instead takes whichever flow explains its 3 × 3 neighbourhood best
/// among its own and the flows `reach` pixels away on either side, where each side's motion is
/// unblurred. Pixels off boundaries (most of them) are left as they are.
enum BoundaryRefinement {
    /// Sundaram's motion-boundary test: squared flow gradient above this share of the squared flow,
    /// plus this floor (px²).
    static let boundaryShare: Float = 0.01
    static let boundaryFloor: Float = 0.002

    static func refine(_ flow: FlowField, first: GrayImage, second: GrayImage, reach: Int) -> FlowField {
        let (w, h) = (flow.width, flow.height)
        var u = flow.u
        var v = flow.v
        flow.u.withUnsafeBufferPointer { fu in
        flow.v.withUnsafeBufferPointer { fv in
        first.pixels.withUnsafeBufferPointer { i0 in
        second.pixels.withUnsafeBufferPointer { i1 in
        u.withUnsafeMutableBufferPointer { uOut in
        v.withUnsafeMutableBufferPointer { vOut in
            let (outU, outV) = (SharedBuffer(uOut), SharedBuffer(vOut))
            let (u0, v0) = (fu.baseAddress!, fv.baseAddress!)
            parallelRows(h, minimumWork: w) { i in
                let (up, down) = (max(i - 2, 0) * w, min(i + 2, h - 1) * w)
                let row = i * w
                /// The flow of the side that explains pixel j's neighbourhood best (its own included).
                func select(_ j: Int) {
                    let p = row &+ j
                    let own = SIMD2(fu[p], fv[p])
                    var best = own
                    var bestCost = cost(own, i, j, i0, i1, w, h)
                    let sides = SIMD4(row &+ max(j - reach, 0), row &+ min(j + reach, w - 1), max(i - reach, 0) * w &+ j, min(i + reach, h - 1) * w &+ j)
                    for k in 0 ..< 4 {
                        let candidate = SIMD2(fu[sides[k]], fv[sides[k]])
                        let c = cost(candidate, i, j, i0, i1, w, h)
                        if c < bestCost { (best, bestCost) = (candidate, c) }
                    }
                    outU[p] = best.x
                    outV[p] = best.y
                }
                // The boundary test eight pixels at a time inside the row, pixel by pixel near its ends.
                var j = 0
                while j < w {
                    if j >= 2 && j + 10 <= w {
                        let (gxu, gxv) = ((load(u0, row &+ j &+ 2) - load(u0, row &+ j &- 2)) / 4, (load(v0, row &+ j &+ 2) - load(v0, row &+ j &- 2)) / 4)
                        let (gyu, gyv) = ((load(u0, down &+ j) - load(u0, up &+ j)) / 4, (load(v0, down &+ j) - load(v0, up &+ j)) / 4)
                        let (u, v) = (load(u0, row &+ j), load(v0, row &+ j))
                        let boundary = (gxu * gxu + gyu * gyu) + (gxv * gxv + gyv * gyv) .> Self.boundaryShare * (u * u + v * v) + Self.boundaryFloor
                        if any(boundary) {
                            for k in 0 ..< 8 where boundary[k] { select(j &+ k) }
                        }
                        j &+= 8
                    } else {
                        let (left, right) = (row &+ max(j - 2, 0), row &+ min(j + 2, w - 1))
                        let (gxu, gxv) = ((fu[right] - fu[left]) / 4, (fv[right] - fv[left]) / 4)
                        let (gyu, gyv) = ((fu[down &+ j] - fu[up &+ j]) / 4, (fv[down &+ j] - fv[up &+ j]) / 4)
                        let (u, v) = (fu[row &+ j], fv[row &+ j])
                        if (gxu * gxu + gyu * gyu) + (gxv * gxv + gyv * gyv) > Self.boundaryShare * (u * u + v * v) + Self.boundaryFloor { select(j) }
                        j &+= 1
                    }
                }
            }
        } } } } } }
        return FlowField(width: w, height: h, u: u, v: v)
    }

    /// Sum of absolute differences between the 3 × 3 neighbourhood of (i, j) in the first frame and
    /// the second frame displaced by `flow` (bilinear, borders replicated).
    @inline(__always)
    private static func cost(_ flow: SIMD2<Float>, _ i: Int, _ j: Int, _ i0: UnsafeBufferPointer<Float>, _ i1: UnsafeBufferPointer<Float>,
                             _ w: Int, _ h: Int) -> Float {
        var total: Float = 0
        let x = Float(j) + flow.x, y = Float(i) + flow.y
        let (left, top) = (x.rounded(.down) - 1, y.rounded(.down) - 1)
        if i >= 1, j >= 1, i + 1 < h, j + 1 < w, left >= 0, top >= 0, left + 3 < Float(w), top + 3 < Float(h) {
            // Inside: the nine samples share one set of bilinear weights.
            let (fx, fy) = (x - left - 1, y - top - 1)
            let origin = Int(top) * w + Int(left)
            for di in 0 ..< 3 {
                let (upper, reference) = (origin &+ di &* w, (i &+ di &- 1) &* w &+ j &- 1)
                for dj in 0 ..< 3 {
                    let a = upper &+ dj, b = a &+ w
                    let high = i1[a] + fx * (i1[a &+ 1] - i1[a])
                    let low = i1[b] + fx * (i1[b &+ 1] - i1[b])
                    total += abs(high + fy * (low - high) - i0[reference &+ dj])
                }
            }
            return total
        }
        for di in -1 ... 1 {
            let y = min(max(i &+ di, 0), h &- 1)
            for dj in -1 ... 1 {
                let x = min(max(j &+ dj, 0), w &- 1)
                let tap = BilinearTap(x: Float(x) + flow.x, y: Float(y) + flow.y, width: w, height: h)
                total += abs(tap.sample(i1) - i0[y &* w &+ x])
            }
        }
        return total
    }
}
