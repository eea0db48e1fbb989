/// A D4RT-style question about one clip: where is the surface point seen at pixel (u, v) of frame
/// `source`, at the time of frame `target`, expressed in the camera of frame `camera`?
/// Pixels follow the shard convention (pixel centres at j + 0.5); frames are label frame indices.
public struct PointQuery: Sendable, Equatable, Codable {
    public var u: Float
    public var v: Float
    public var source: Int
    public var target: Int
    public var camera: Int

    public init(u: Float, v: Float, source: Int, target: Int, camera: Int) {
        self.u = u
        self.v = v
        self.source = source
        self.target = target
        self.camera = camera
    }
}

/// The answer to a `PointQuery`.
public struct PointAnswer: Sendable, Equatable {
    /// The point in the coordinates of the query's camera frame; NaN where unknown.
    public var point: SIMD3<Float>
    /// Where the point projects in the target frame, in pixels; NaN where it could not be followed.
    public var uv: SIMD2<Float>
    /// Whether the point is seen in the target frame (not occluded, inside the image).
    public var visible: Bool
    /// 0 (none) to 255, as the shard's confidence datasets.
    public var confidence: UInt8

    public init(point: SIMD3<Float>, uv: SIMD2<Float>, visible: Bool, confidence: UInt8) {
        self.point = point
        self.uv = uv
        self.visible = visible
        self.confidence = confidence
    }

    static let unknown = PointAnswer(point: SIMD3(repeating: .nan), uv: SIMD2(repeating: .nan), visible: false, confidence: 0)
}
