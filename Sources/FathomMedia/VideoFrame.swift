import FathomCore

/// One decoded frame in Fathom's working format: sRGB8 pixels and their luma, at the working
/// resolution and as a viewer sees it (rotation applied), with its place in the source.
public struct VideoFrame: Sendable, Equatable {
    /// 0-based index among all frames decoded from the source (before sampling).
    public var frameIndex: Int
    /// Presentation time in seconds from the start of the source.
    public var timestamp: Double
    /// [H, W, 3] interleaved R, G, B.
    public var rgb: Tensor<UInt8>
    /// [H, W] luma Y' = (77 R + 150 G + 29 B + 128) / 256 (BT.601 weights, full range), computed
    /// from `rgb` so it agrees with it whatever the source's colour matrix.
    public var luma: Tensor<UInt8>

    /// A frame from interleaved RGB pixels of shape [H, W, 3]; computes the luma.
    public init(frameIndex: Int, timestamp: Double, rgb: Tensor<UInt8>) {
        precondition(rgb.shape.count == 3 && rgb.shape[2] == 3, "RGB frame must have shape [H, W, 3], got \(rgb.shape)")
        self.frameIndex = frameIndex
        self.timestamp = timestamp
        self.rgb = rgb
        luma = Tensor(shape: [rgb.shape[0], rgb.shape[1]], storage: Self.luma(of: rgb.storage))
    }

    public var width: Int { rgb.shape[1] }
    public var height: Int { rgb.shape[0] }

    /// The luma as floats in [0, 1], the form the engine's pyramids and flow work on.
    public func lumaFloat() -> Tensor<Float> {
        Tensor(shape: luma.shape, storage: luma.storage.map { Float($0) * (1 / 255) })
    }

    /// Integer BT.601 luma of interleaved RGB; the weights sum to 256, so white stays 255 and no
    /// sum exceeds 255 × 256 + 128 (wrapping arithmetic cannot wrap). Four pixels at a time from
    /// three 32-bit loads: the baseline x86-64 target has no cheap byte shuffle, so a byte-wise
    /// loop does not vectorise, and this word-wise one is ~20% faster.
    static func luma(of rgb: [UInt8]) -> [UInt8] {
        let count = rgb.count / 3
        return rgb.withUnsafeBytes { source in
            [UInt8](unsafeUninitializedCapacity: count) { luma, initialized in
                guard let pixels = source.baseAddress, let target = luma.baseAddress else { return }
                let quads = count / 4
                for quad in 0 ..< quads {
                    let (a, b, c) = (pixels.loadUnaligned(fromByteOffset: 12 &* quad, as: UInt32.self),
                                     pixels.loadUnaligned(fromByteOffset: 12 &* quad &+ 4, as: UInt32.self),
                                     pixels.loadUnaligned(fromByteOffset: 12 &* quad &+ 8, as: UInt32.self))
                    // Little-endian words: a = R0 G0 B0 R1, b = G1 B1 R2 G2, c = B2 R3 G3 B3.
                    let y0 = weigh(a, a &>> 8, a &>> 16), y1 = weigh(a &>> 24, b, b &>> 8)
                    let y2 = weigh(b &>> 16, b &>> 24, c), y3 = weigh(c &>> 8, c &>> 16, c &>> 24)
                    UnsafeMutableRawPointer(target).storeBytes(of: y0 | y1 &<< 8 | y2 &<< 16 | y3 &<< 24, toByteOffset: 4 &* quad, as: UInt32.self)
                }
                for pixel in 4 * quads ..< count {
                    target[pixel] = UInt8(truncatingIfNeeded: weigh(UInt32(rgb[3 * pixel]), UInt32(rgb[3 * pixel + 1]), UInt32(rgb[3 * pixel + 2])))
                }
                initialized = count
            }
        }
    }

    /// (77 R + 150 G + 29 B + 128) / 256 of the low bytes of `r`, `g`, `b`.
    @inline(__always)
    private static func weigh(_ r: UInt32, _ g: UInt32, _ b: UInt32) -> UInt32 {
        (77 &* (r & 0xFF) &+ 150 &* (g & 0xFF) &+ 29 &* (b & 0xFF) &+ 128) &>> 8
    }
}
