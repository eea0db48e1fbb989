import FathomCore

/// Dense depth of one clip, in the shard layout: what `DepthEstimator` returns.
public struct DepthMaps: Sendable, Equatable {
    /// [T, H, W] z-depth in the cameras' units; NaN where unknown (too far, too little parallax,
    /// moving, unmatched).
    public var depth: Tensor<Float>
    /// [T, H, W] 0–255 belief in the depth; 0 exactly where depth is NaN.
    public var confidence: Tensor<UInt8>
    /// [T, H, W] pixels on independently moving surfaces (given, or found by their flow breaking
    /// the static-scene geometry of the cameras).
    public var moving: Tensor<Bool>

    /// Nothing known: every depth NaN, confidence 0, nothing marked moving unless `moving` says so.
    static func unknown(frames t: Int, height h: Int, width w: Int, moving: Tensor<Bool>?) -> DepthMaps {
        DepthMaps(depth: Tensor(shape: [t, h, w], repeating: .nan), confidence: Tensor(shape: [t, h, w], repeating: 0),
                  moving: moving ?? Tensor(shape: [t, h, w], repeating: false))
    }
}
