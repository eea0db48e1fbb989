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
                let (right, bottom) = (Float(w) - 0.5, Float(h) - 0.5)
                parallelRows(h, minimumWork: w * 4) { i in
                    for j in 0 ..< w {
                        let p = i &* w &+ j
                        let x = Float(j) + fu[p], y = Float(i) + fv[p]
                        guard x >= -0.5, y >= -0.5, x <= right, y <= bottom else { continue }
                        // Nearest pixel (x + 0.5 ≥ 0, so truncation rounds).
                        let q = 3 &* (min(Int(y + 0.5), h &- 1) &* w &+ min(Int(x + 0.5), w &- 1))
                        // Whole levels throughout (the common change is one), so exact in integers;
                        // branch-free, as whether a colour lies outside its range is unpredictable.
                        @inline(__always) func beyond(_ k: Int) -> Int32 {
                            let c = Int32(c0[3 &* p &+ k]) &+ common[k]
                            return max(Int32(low[q &+ k]) &- c, c &- Int32(high[q &+ k]))
                        }
                        let worst = max(beyond(0), beyond(1), beyond(2))
                        result[p] = Float(worst & ~(worst &>> 31))
                    }
                }
            }
        } } } } } }
        self.values = values
    }

    /// Per pixel and channel, the smallest and largest value in its 3 × 3 neighbourhood (clipped at
    /// the border): a 3-row minimum and maximum down the columns, then a 3-pixel one along rows.
    /// Each pass runs over whole rows of bytes, so it vectorises.
    static func neighbourhoodRange(_ rgb: ArraySlice<UInt8>, width w: Int, height h: Int) -> (low: [UInt8], high: [UInt8]) {
        let row = 3 * w
        var columnLow = [UInt8](repeating: 0, count: row * h), columnHigh = columnLow
        var low = columnLow, high = columnLow
        rgb.withUnsafeBufferPointer { c in
        columnLow.withUnsafeMutableBufferPointer { columnLow in
        columnHigh.withUnsafeMutableBufferPointer { columnHigh in
            let (columnLow, columnHigh) = (SharedBuffer(columnLow), SharedBuffer(columnHigh))
            parallelRows(h, minimumWork: row) { i in
                let (up, mid, down) = (max(i - 1, 0) * row, i * row, min(i + 1, h - 1) * row)
                for k in 0 ..< row {
                    columnLow[mid &+ k] = min(c[up &+ k], c[mid &+ k], c[down &+ k])
                    columnHigh[mid &+ k] = max(c[up &+ k], c[mid &+ k], c[down &+ k])
                }
            }
        } } }
        columnLow.withUnsafeBufferPointer { columnLow in
        columnHigh.withUnsafeBufferPointer { columnHigh in
        low.withUnsafeMutableBufferPointer { low in
        high.withUnsafeMutableBufferPointer { high in
            let (low, high) = (SharedBuffer(low), SharedBuffer(high))
            parallelRows(h, minimumWork: row) { i in
                let mid = i * row
                @inline(__always) func range(_ k: Int, left: Int, right: Int) {
                    low[mid &+ k] = min(columnLow[mid &+ left], columnLow[mid &+ k], columnLow[mid &+ right])
                    high[mid &+ k] = max(columnHigh[mid &+ left], columnHigh[mid &+ k], columnHigh[mid &+ right])
                }
                // Neighbours one pixel (3 bytes) either side; the first and last pixel clipped, apart
                // so that the loop between them has fixed offsets.
                for k in 0 ..< 3 { range(k, left: k, right: min(k + 3, row - 3 + k)) }
                for k in 3 ..< max(row - 3, 3) { range(k, left: k &- 3, right: k &+ 3) }
                for k in max(row - 3, 3) ..< row { range(k, left: k - 3, right: k) }
            }
        } } } }
        return (low, high)
    }

    /// The median per channel of (colour where the flow lands, nearest pixel) − (own colour), over
    /// every other row and column, by histogram of whole levels: linear time, and exact enough for
    /// an offset.
    private static func commonChange(_ c0: UnsafeBufferPointer<UInt8>, _ c1: UnsafeBufferPointer<UInt8>, _ fu: UnsafeBufferPointer<Float>,
                                     _ fv: UnsafeBufferPointer<Float>, width w: Int, height h: Int) -> SIMD3<Int32> {
        var histogram = [Int](repeating: 0, count: 3 * 511)
        var count = 0
        histogram.withUnsafeMutableBufferPointer { histogram in
            for i in stride(from: 0, to: h, by: 2) {
                for j in stride(from: 0, to: w, by: 2) {
                    let p = i &* w &+ j
                    let x = nearest(Float(j) + fu[p]), y = nearest(Float(i) + fv[p])
                    guard x >= 0, y >= 0, x < w, y < h else { continue }
                    count &+= 1
                    for c in 0 ..< 3 { histogram[c &* 511 &+ Int(c1[3 &* (y &* w &+ x) &+ c]) &- Int(c0[3 &* p &+ c]) &+ 255] &+= 1 }
                }
            }
        }
        var median = SIMD3<Int32>.zero
        for c in 0 ..< 3 {
            var seen = 0
            for bin in 0 ..< 511 {
                seen += histogram[c * 511 + bin]
                if 2 * seen >= count {
                    median[c] = Int32(bin - 255)
                    break
                }
            }
        }
        return median
    }

    /// `Int(x.rounded())` (halves away from zero) without a call into libm per pixel.
    @inline(__always)
    private static func nearest(_ x: Float) -> Int {
        let whole = Int(x), fraction = x - Float(whole)
        return fraction >= 0.5 ? whole &+ 1 : fraction <= -0.5 ? whole &- 1 : whole
    }
}
