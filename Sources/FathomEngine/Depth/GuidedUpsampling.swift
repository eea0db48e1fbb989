import FathomVision

/// Joint bilateral upsampling (Kopf et al., SIGGRAPH 2007) of a working-resolution depth frame to
/// the full frame: each full pixel blends its 2 × 2 nearest working pixels by bilinear weight times
/// similarity of their intensity to its own, so depth edges snap to image edges. Unknown working
/// pixels vote too: where they outweigh the known ones the full pixel stays unknown, so depth does
/// not leak into the sky or onto movers. Moving is taken from the nearest working pixel.
enum GuidedUpsampling {
    static func upsample(_ frame: DepthFrame, working: GrayImage, full: GrayImage, factor: Int) -> DepthFrame {
        if factor == 1 { return frame }
        let (w, h) = (full.width, full.height)
        let (sw, sh) = (frame.width, frame.height)
        var depth = [Float](repeating: .nan, count: w * h)
        var confidence = [UInt8](repeating: 0, count: w * h)
        var moving = [Bool](repeating: false, count: w * h)
        let scale = 1 / Float(factor)
        /// Working coordinates of a full pixel centre along an axis of `extent` working pixels:
        /// the two working pixels around it (centres at integers) and the weight of the second.
        func cell(_ index: Int, extent: Int) -> (Int, Int, Float) {
            let x = min(max((Float(index) + 0.5) * scale - 0.5, 0), Float(extent - 1))
            let x0 = min(Int(x), max(extent - 2, 0))
            return (x0, min(x0 + 1, extent - 1), x - Float(x0))
        }
        let columns = (0 ..< w).map { cell($0, extent: sw) }
        frame.depth.withUnsafeBufferPointer { sd in
        frame.confidence.withUnsafeBufferPointer { sc in
        frame.moving.withUnsafeBufferPointer { sm in
        working.pixels.withUnsafeBufferPointer { si in
        full.pixels.withUnsafeBufferPointer { fi in
        depth.withUnsafeMutableBufferPointer { od in
        confidence.withUnsafeMutableBufferPointer { oc in
        moving.withUnsafeMutableBufferPointer { om in
        columns.withUnsafeBufferPointer { columns in
            let (outDepth, outConfidence, outMoving) = (od.baseAddress!, oc.baseAddress!, om.baseAddress!)
            for i in 0 ..< h {
                let (y0, y1, fy) = cell(i, extent: sh)
                for j in 0 ..< w {
                    let p = i * w + j
                    let (x0, x1, fx) = columns[j]
                    let nearest = (fy < 0.5 ? y0 : y1) * sw + (fx < 0.5 ? x0 : x1)
                    outMoving[p] = sm[nearest]
                    let own = fi[p]
                    var (known, unknown, depthSum, confidenceSum): (Float, Float, Float, Float) = (0, 0, 0, 0)
                    func blend(_ q: Int, _ spatial: Float) {
                        let weight = spatial * EdgeWeight.similarity(si[q], own) + 1e-6
                        if sd[q].isNaN {
                            unknown += weight
                        } else {
                            known += weight
                            depthSum += weight * sd[q]
                            confidenceSum += weight * Float(sc[q])
                        }
                    }
                    blend(y0 * sw + x0, (1 - fx) * (1 - fy))
                    blend(y0 * sw + x1, fx * (1 - fy))
                    blend(y1 * sw + x0, (1 - fx) * fy)
                    blend(y1 * sw + x1, fx * fy)
                    guard known > unknown else { continue }
                    outDepth[p] = depthSum / known
                    outConfidence[p] = UInt8(max(1, (confidenceSum / known).rounded()))
                }
            }
        } } } } } } } } }
        return DepthFrame(width: w, height: h, depth: depth, confidence: confidence, moving: moving)
    }
}
