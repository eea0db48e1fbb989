/// Pinhole intrinsics in pixels, with Fathom's pixel convention: the centre of the pixel in row
/// i, column j is at (u, v) = (j + 0.5, i + 0.5).
public struct PinholeIntrinsics: Sendable, Equatable {
    public var fx: Double
    public var fy: Double
    public var cx: Double
    public var cy: Double

    public init(fx: Double, fy: Double, cx: Double, cy: Double) {
        self.fx = fx
        self.fy = fy
        self.cx = cx
        self.cy = cy
    }

    /// Pixel of a camera-frame point (z > 0 in front of the camera).
    @inlinable
    public func project(_ p: SIMD3<Double>) -> SIMD2<Double> {
        SIMD2(fx * p.x / p.z + cx, fy * p.y / p.z + cy)
    }

    /// The camera-frame point at z-depth `depth` seen at pixel `uv`.
    public func unproject(_ uv: SIMD2<Double>, depth: Double) -> SIMD3<Double> {
        SIMD3((uv.x - cx) / fx * depth, (uv.y - cy) / fy * depth, depth)
    }

    /// Scaled for an image resized by (sx, sy); with the pixel-centre convention this is exact.
    public func scaled(x sx: Double, y sy: Double) -> PinholeIntrinsics {
        PinholeIntrinsics(fx: fx * sx, fy: fy * sy, cx: cx * sx, cy: cy * sy)
    }

    /// Row-major 3 × 3 K, as `camera/K` stores it.
    public var matrix3x3: [Double] { [fx, 0, cx, 0, fy, cy, 0, 0, 1] }
}
