import FathomCore
import FathomVision

/// How far a flow field fails to carry colour: per pixel of the first frame, the distance
/// (0–255, largest channel) from its colour to the range of colours in the 3 × 3 pixels around
/// where its flow lands in the second frame (Birchfield & Tomasi's sampling-insensitive
/// dissimilarity, so flow off by up to a pixel on fine texture costs nothing), once the pair's
/// common colour change (the median difference per channel: exposure, white balance) is taken
/// out. NaN where the flow leaves the image. Colour, not luma, because a surface replaced by a
/// different one of equal brightness is still a different surface.
struct ColourResidual: Sendable {
    let values: [Float]

    init(from first: ArraySlice<UInt8>, to second: ArraySlice<UInt8>, flow: FlowField) {
        let (w, h) = (flow.width, flow.height)
        var values = [Float](repeating: .nan, count: w * h)
        first.withUnsafeBufferPointer { c0 in
        second.withUnsafeBufferPointer { c1 in
        flow.u.withUnsafeBufferPointer { fu in
        flow.v.withUnsafeBufferPointer { fv in
            let common = Self.commonChange(c0, c1, fu, fv, width: w, height: h)
            values.withUnsafeMutableBufferPointer { out in
                let result = SharedBuffer(out)
                parallelRows(h, minimumWork: w * 9) { i in
                    for j in 0 ..< w {
                        let p = i * w + j
                        let x = Float(j) + fu[p], y = Float(i) + fv[p]
                        guard x >= -0.5, y >= -0.5, x <= Float(w) - 0.5, y <= Float(h) - 0.5 else { continue }
                        let (cx, cy) = (min(max(Int(x.rounded()), 0), w - 1), min(max(Int(y.rounded()), 0), h - 1))
                        var low = SIMD4<Float>(repeating: 255), high = SIMD4<Float>(repeating: 0)
                        for yy in max(cy - 1, 0) ... min(cy + 1, h - 1) {
                            for xx in max(cx - 1, 0) ... min(cx + 1, w - 1) {
                                let c = colour(c1, yy * w + xx)
                                low = pointwiseMin(low, c)
                                high = pointwiseMax(high, c)
                            }
                        }
                        let c = colour(c0, p) + common
                        let outside = pointwiseMax(pointwiseMax(low - c, c - high), .zero)
                        result[p] = max(outside.x, outside.y, outside.z)
                    }
                }
            }
        } } } }
        self.values = values
    }

    /// The median per channel of (colour where the flow lands, nearest pixel) − (own colour), by
    /// histogram of whole levels: linear time, and exact enough for an offset.
    private static func commonChange(_ c0: UnsafeBufferPointer<UInt8>, _ c1: UnsafeBufferPointer<UInt8>, _ fu: UnsafeBufferPointer<Float>,
                                     _ fv: UnsafeBufferPointer<Float>, width w: Int, height h: Int) -> SIMD4<Float> {
        var histogram = [Int](repeating: 0, count: 3 * 511)
        var count = 0
        for i in 0 ..< h {
            for j in 0 ..< w {
                let p = i * w + j
                let x = Int((Float(j) + fu[p]).rounded()), y = Int((Float(i) + fv[p]).rounded())
                guard x >= 0, y >= 0, x < w, y < h else { continue }
                count += 1
                for c in 0 ..< 3 { histogram[c * 511 + Int(c1[3 * (y * w + x) + c]) - Int(c0[3 * p + c]) + 255] += 1 }
            }
        }
        var median = SIMD4<Float>.zero
        for c in 0 ..< 3 {
            var seen = 0
            for bin in 0 ..< 511 {
                seen += histogram[c * 511 + bin]
                if 2 * seen >= count {
                    median[c] = Float(bin - 255)
                    break
                }
            }
        }
        return median
    }
}

@inline(__always)
private func colour(_ rgb: UnsafeBufferPointer<UInt8>, _ pixel: Int) -> SIMD4<Float> {
    SIMD4(Float(rgb[3 * pixel]), Float(rgb[3 * pixel + 1]), Float(rgb[3 * pixel + 2]), 0)
}
