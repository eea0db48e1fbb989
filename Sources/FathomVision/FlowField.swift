/// Dense optical flow: for each pixel of the first frame, where it moved to in the second,
/// (Δu, Δv) in pixels, stored as two planes.
public struct FlowField: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var u: [Float]
    public var v: [Float]

    public init(width: Int, height: Int, u: [Float], v: [Float]) {
        precondition(u.count == width * height && v.count == width * height, "flow planes must be \(width)×\(height)")
        self.width = width
        self.height = height
        self.u = u
        self.v = v
    }

    public static func zero(width: Int, height: Int) -> FlowField {
        FlowField(width: width, height: height, u: [Float](repeating: 0, count: width * height), v: [Float](repeating: 0, count: width * height))
    }

    /// The flow resampled (bilinear) to `width` × `height`, vectors scaled with the image.
    public func resized(width w: Int, height h: Int) -> FlowField {
        if w == width && h == height { return self }
        let sx = Float(width) / Float(w)
        let sy = Float(height) / Float(h)
        // Source columns and weights are the same for every row: computed once.
        let columns = (0 ..< w).map { j in Self.bilinearTap((Float(j) + 0.5) * sx - 0.5, extent: width) }
        var u2 = [Float](repeating: 0, count: w * h)
        var v2 = u2
        // The two source rows an output row lies between, interpolated along x (u then v): kept
        // while the next output rows lie between them too (two rows each when doubling), and
        // blended in a contiguous pass that vectorises, divisions included.
        var lines = [Float](repeating: 0, count: 4 * w)
        columns.withUnsafeBufferPointer { columns in
        u.withUnsafeBufferPointer { pu in
        v.withUnsafeBufferPointer { pv in
        lines.withUnsafeMutableBufferPointer { lines in
        u2.withUnsafeMutableBufferPointer { ou in
        v2.withUnsafeMutableBufferPointer { ov in
            func interpolate(row y: Int, into line: UnsafeMutablePointer<Float>) {
                let r = y * width
                for j in 0 ..< w {
                    let (x0, x1, fx) = columns[j]
                    line[j] = pu[r &+ x0] + fx * (pu[r &+ x1] - pu[r &+ x0])
                    line[w &+ j] = pv[r &+ x0] + fx * (pv[r &+ x1] - pv[r &+ x0])
                }
            }
            var (upper, lower) = (lines.baseAddress!, lines.baseAddress! + 2 * w)
            var (upperRow, lowerRow) = (-1, -1)
            for i in 0 ..< h {
                let (y0, y1, fy) = Self.bilinearTap((Float(i) + 0.5) * sy - 0.5, extent: height)
                if y0 == lowerRow && y0 != upperRow {
                    swap(&upper, &lower)
                    swap(&upperRow, &lowerRow)
                }
                if y0 != upperRow { interpolate(row: y0, into: upper); upperRow = y0 }
                if y1 != lowerRow { interpolate(row: y1, into: lower); lowerRow = y1 }
                let row = i * w
                for j in 0 ..< w {
                    ou[row &+ j] = (upper[j] + fy * (lower[j] - upper[j])) / sx
                    ov[row &+ j] = (upper[w &+ j] + fy * (lower[w &+ j] - upper[w &+ j])) / sy
                }
            }
        } } } } } }
        return FlowField(width: w, height: h, u: u2, v: v2)
    }

    /// The two source samples around coordinate `x` (clamped to the edge) and the weight of the second.
    private static func bilinearTap(_ x: Float, extent: Int) -> (Int, Int, Float) {
        let clamped = min(max(x, 0), Float(extent - 1))
        let x0 = Int(clamped)
        return (x0, min(x0 + 1, extent - 1), clamped - Float(x0))
    }

    /// Flow at a pixel-index position (x = column, y = row), bilinear.
    public func sample(x: Float, y: Float) -> SIMD2<Float> {
        let tap = BilinearTap(x: x, y: y, width: width, height: height)
        return u.withUnsafeBufferPointer { pu in v.withUnsafeBufferPointer { pv in SIMD2(tap.sample(pu), tap.sample(pv)) } }
    }
}
