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

    /// A frame with the range of colours around each of its pixels: computed once per frame, for
    /// both pairs the frame is the second of.
    struct Target: Sendable {
        let rgb: ArraySlice<UInt8>
        let low: [UInt8]
        let high: [UInt8]

        init(_ rgb: ArraySlice<UInt8>, width: Int, height: Int) {
            self.rgb = rgb
            (low, high) = ColourResidual.neighbourhoodRange(rgb, width: width, height: height)
        }
    }

    init(from first: ArraySlice<UInt8>, to second: Target, flow: FlowField) {
        let (w, h) = (flow.width, flow.height)
        var values = [Float](repeating: .nan, count: w * h)
        first.withUnsafeBufferPointer { c0 in
        second.rgb.withUnsafeBufferPointer { c1 in
        second.low.withUnsafeBufferPointer { low in
        second.high.withUnsafeBufferPointer { high in
        flow.u.withUnsafeBufferPointer { fu in
        flow.v.withUnsafeBufferPointer { fv in
            let common = Self.commonChange(c0, c1, fu, fv, width: w, height: h)
            values.withUnsafeMutableBufferPointer { out in
                let result = SharedBuffer(out)
                parallelRows(h, minimumWork: w * 4) { i in
                    for j in 0 ..< w {
                        let p = i * w + j
                        let x = Float(j) + fu[p], y = Float(i) + fv[p]
                        guard x >= -0.5, y >= -0.5, x <= Float(w) - 0.5, y <= Float(h) - 0.5 else { continue }
                        // Nearest pixel (x + 0.5 ≥ 0, so truncation rounds).
                        let q = 3 * (min(Int(y + 0.5), h - 1) * w + min(Int(x + 0.5), w - 1))
                        var outside: Float = 0
                        for k in 0 ..< 3 {
                            let c = Float(c0[3 * p + k]) + common[k]
                            outside = max(outside, Float(low[q + k]) - c, c - Float(high[q + k]))
                        }
                        result[p] = outside
                    }
                }
            }
        } } } } } }
        self.values = values
    }

    /// Per pixel and channel, the smallest and largest value in its 3 × 3 neighbourhood (clipped at
    /// the border): a 3-pixel minimum and maximum along rows, then along columns.
    static func neighbourhoodRange(_ rgb: ArraySlice<UInt8>, width w: Int, height h: Int) -> (low: [UInt8], high: [UInt8]) {
        var rowLow = [UInt8](repeating: 0, count: w * h * 3), rowHigh = rowLow
        var low = rowLow, high = rowLow
        rgb.withUnsafeBufferPointer { c in
        rowLow.withUnsafeMutableBufferPointer { rowLow in
        rowHigh.withUnsafeMutableBufferPointer { rowHigh in
            let (rowLow, rowHigh) = (SharedBuffer(rowLow), SharedBuffer(rowHigh))
            parallelRows(h, minimumWork: w * 3) { i in
                for j in 0 ..< w {
                    let (left, right) = (3 * (i * w + max(j - 1, 0)), 3 * (i * w + min(j + 1, w - 1)))
                    for k in 0 ..< 3 {
                        let centre = c[3 * (i * w + j) + k]
                        rowLow[3 * (i * w + j) + k] = min(c[left + k], centre, c[right + k])
                        rowHigh[3 * (i * w + j) + k] = max(c[left + k], centre, c[right + k])
                    }
                }
            }
        } } }
        rowLow.withUnsafeBufferPointer { rowLow in
        rowHigh.withUnsafeBufferPointer { rowHigh in
        low.withUnsafeMutableBufferPointer { low in
        high.withUnsafeMutableBufferPointer { high in
            let (low, high) = (SharedBuffer(low), SharedBuffer(high))
            let row = 3 * w
            parallelRows(h, minimumWork: row) { i in
                let (up, down) = (max(i - 1, 0) * row, min(i + 1, h - 1) * row)
                for k in 0 ..< row {
                    low[i * row + k] = min(rowLow[up + k], rowLow[i * row + k], rowLow[down + k])
                    high[i * row + k] = max(rowHigh[up + k], rowHigh[i * row + k], rowHigh[down + k])
                }
            }
        } } } }
        return (low, high)
    }

    /// The median per channel of (colour where the flow lands, nearest pixel) − (own colour), over
    /// every other row and column, by histogram of whole levels: linear time, and exact enough for
    /// an offset.
    private static func commonChange(_ c0: UnsafeBufferPointer<UInt8>, _ c1: UnsafeBufferPointer<UInt8>, _ fu: UnsafeBufferPointer<Float>,
                                     _ fv: UnsafeBufferPointer<Float>, width w: Int, height h: Int) -> SIMD3<Float> {
        var histogram = [Int](repeating: 0, count: 3 * 511)
        var count = 0
        for i in stride(from: 0, to: h, by: 2) {
            for j in stride(from: 0, to: w, by: 2) {
                let p = i * w + j
                let x = Int((Float(j) + fu[p]).rounded()), y = Int((Float(i) + fv[p]).rounded())
                guard x >= 0, y >= 0, x < w, y < h else { continue }
                count += 1
                for c in 0 ..< 3 { histogram[c * 511 + Int(c1[3 * (y * w + x) + c]) - Int(c0[3 * p + c]) + 255] += 1 }
            }
        }
        var median = SIMD3<Float>.zero
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
