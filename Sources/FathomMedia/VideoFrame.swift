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

    /// Integer BT.601 luma of interleaved RGB; the weights sum to 256, so white stays 255. Wrapping
    /// arithmetic (it cannot overflow: at most 255 × 256 + 128) lets the compiler vectorise the loop.
    static func luma(of rgb: [UInt8]) -> [UInt8] {
        let count = rgb.count / 3
        return rgb.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: count) { luma, initialized in
                guard var pixel = source.baseAddress, var target = luma.baseAddress else { return }
                for _ in 0 ..< count {
                    let weighted = 77 &* UInt32(pixel[0]) &+ 150 &* UInt32(pixel[1]) &+ 29 &* UInt32(pixel[2]) &+ 128
                    target.pointee = UInt8(truncatingIfNeeded: weighted &>> 8)
                    pixel += 3
                    target += 1
                }
                initialized = count
            }
        }
    }
}
