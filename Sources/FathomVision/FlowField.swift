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
        var u2 = [Float](repeating: 0, count: w * h)
        var v2 = u2
        u.withUnsafeBufferPointer { pu in
            v.withUnsafeBufferPointer { pv in
                for i in 0 ..< h {
                    let y = (Float(i) + 0.5) * sy - 0.5
                    for j in 0 ..< w {
                        let x = (Float(j) + 0.5) * sx - 0.5
                        u2[i * w + j] = sampleBilinear(pu, width: width, height: height, x: x, y: y) / sx
                        v2[i * w + j] = sampleBilinear(pv, width: width, height: height, x: x, y: y) / sy
                    }
                }
            }
        }
        return FlowField(width: w, height: h, u: u2, v: v2)
    }

    /// Flow at a pixel-index position (x = column, y = row), bilinear.
    public func sample(x: Float, y: Float) -> SIMD2<Float> {
        u.withUnsafeBufferPointer { pu in
            v.withUnsafeBufferPointer { pv in
                SIMD2(sampleBilinear(pu, width: width, height: height, x: x, y: y), sampleBilinear(pv, width: width, height: height, x: x, y: y))
            }
        }
    }
}
