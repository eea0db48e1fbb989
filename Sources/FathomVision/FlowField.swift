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
        u.withUnsafeBufferPointer { pu in
        v.withUnsafeBufferPointer { pv in
        u2.withUnsafeMutableBufferPointer { ou in
        v2.withUnsafeMutableBufferPointer { ov in
            for i in 0 ..< h {
                let (y0, y1, fy) = Self.bilinearTap((Float(i) + 0.5) * sy - 0.5, extent: height)
                let (r0, r1) = (y0 * width, y1 * width)
                for j in 0 ..< w {
                    let (x0, x1, fx) = columns[j]
                    let top = pu[r0 + x0] + fx * (pu[r0 + x1] - pu[r0 + x0])
                    let bottom = pu[r1 + x0] + fx * (pu[r1 + x1] - pu[r1 + x0])
                    ou[i * w + j] = (top + fy * (bottom - top)) / sx
                    let topV = pv[r0 + x0] + fx * (pv[r0 + x1] - pv[r0 + x0])
                    let bottomV = pv[r1 + x0] + fx * (pv[r1 + x1] - pv[r1 + x0])
                    ov[i * w + j] = (topV + fy * (bottomV - topV)) / sy
                }
            }
        } } } }
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
