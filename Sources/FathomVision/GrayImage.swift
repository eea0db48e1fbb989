/// A single-channel float image, row-major, intensities 0–255: what the flow engine works on.
public struct GrayImage: Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(pixels.count == width * height, "GrayImage \(width)×\(height) needs \(width * height) pixels, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Luma (BT.601 weights) of interleaved RGB8 pixels.
    public init(rgb: ArraySlice<UInt8>, width: Int, height: Int) {
        precondition(rgb.count == width * height * 3, "RGB image \(width)×\(height) needs \(width * height * 3) bytes, got \(rgb.count)")
        var pixels = [Float](repeating: 0, count: width * height)
        rgb.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { out in
                for i in 0 ..< width * height {
                    out[i] = 0.299 * Float(source[3 * i]) + 0.587 * Float(source[3 * i + 1]) + 0.114 * Float(source[3 * i + 2])
                }
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// Half the size (rounded down), each pixel the mean of a 2 × 2 block: area averaging keeps
    /// the coarse levels free of aliasing.
    public func halved() -> GrayImage {
        let (w, h) = (width / 2, height / 2)
        var out = [Float](repeating: 0, count: w * h)
        pixels.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0 ..< h {
                    let r0 = 2 * i * width
                    let r1 = r0 + width
                    for j in 0 ..< w {
                        let x = 2 &* j
                        o[i &* w &+ j] = 0.25 * (p[r0 &+ x] + p[r0 &+ x &+ 1] + p[r1 &+ x] + p[r1 &+ x &+ 1])
                    }
                }
            }
        }
        return GrayImage(width: w, height: h, pixels: out)
    }

    /// x and y derivatives by the 3 × 3 Sobel operator / 8 (units: intensity per pixel), with the
    /// border replicated.
    public func gradients() -> (x: GrayImage, y: GrayImage) {
        var gx = [Float](repeating: 0, count: width * height)
        var gy = gx
        let (w, h) = (width, height)
        pixels.withUnsafeBufferPointer { p in
            gx.withUnsafeMutableBufferPointer { ox in
                gy.withUnsafeMutableBufferPointer { oy in
                    for i in 0 ..< h {
                        let up = max(i - 1, 0) * w
                        let mid = i * w
                        let down = min(i + 1, h - 1) * w
                        @inline(__always) func sobel(_ j: Int, left l: Int, right r: Int) {
                            ox[mid &+ j] = ((p[up &+ r] - p[up &+ l]) + 2 * (p[mid &+ r] - p[mid &+ l]) + (p[down &+ r] - p[down &+ l])) / 8
                            oy[mid &+ j] = ((p[down &+ l] - p[up &+ l]) + 2 * (p[down &+ j] - p[up &+ j]) + (p[down &+ r] - p[up &+ r])) / 8
                        }
                        // The border columns apart, so that the loop between them vectorises.
                        sobel(0, left: 0, right: min(1, w - 1))
                        for j in 1 ..< max(w - 1, 1) { sobel(j, left: j &- 1, right: j &+ 1) }
                        if w > 1 { sobel(w - 1, left: w - 2, right: w - 1) }
                    }
                }
            }
        }
        return (GrayImage(width: w, height: h, pixels: gx), GrayImage(width: w, height: h, pixels: gy))
    }
}

/// Bilinear sample of a row-major image at (x, y) in pixel-index coordinates (pixel (i, j) at
/// x = j, y = i), the border replicated.
@inlinable @inline(__always)
package func sampleBilinear(_ p: UnsafeBufferPointer<Float>, width: Int, height: Int, x: Float, y: Float) -> Float {
    BilinearTap(x: x, y: y, width: width, height: height).sample(p)
}

/// Where and with what weights `sampleBilinear` reads around (x, y): worked out once when several
/// planes of one size (flow u and v, an image) are sampled at the same point.
@frozen @usableFromInline
package struct BilinearTap {
    /// Indices of the top-left and bottom-left samples.
    @usableFromInline let top: Int, bottom: Int
    /// 1, or 0 at the last column (the border replicated).
    @usableFromInline let right: Int
    @usableFromInline let fx: Float, fy: Float

    @inlinable @inline(__always)
    package init(x: Float, y: Float, width: Int, height: Int) {
        let xc = min(max(x, 0), Float(width - 1))
        let yc = min(max(y, 0), Float(height - 1))
        let x0 = min(Int(xc), width - 2 < 0 ? 0 : width - 2)
        let y0 = min(Int(yc), height - 2 < 0 ? 0 : height - 2)
        fx = xc - Float(x0)
        fy = yc - Float(y0)
        right = min(x0 &+ 1, width &- 1) &- x0
        top = y0 &* width &+ x0
        bottom = min(y0 &+ 1, height &- 1) &* width &+ x0
    }

    @inlinable @inline(__always)
    package func sample(_ p: UnsafeBufferPointer<Float>) -> Float {
        let top = p[self.top] + fx * (p[self.top &+ right] - p[self.top])
        let bottom = p[self.bottom] + fx * (p[self.bottom &+ right] - p[self.bottom])
        return top + fy * (bottom - top)
    }
}
