import FathomCore

/// Follows a surface point through a clip from exact per-frame geometry: depth maps, object
/// masks, cameras and object poses. Ground-truth tracks and `fathom eval` both use it, so truth
/// labels score perfectly against themselves.
///
/// Visibility is decided at pixel level: a point is visible in frame t when it projects inside the
/// image, in front of the camera, onto a pixel whose centre sees the same object at the same depth
/// (within `depthTolerance`, relative). This is what a per-pixel label can be asked to reproduce.
public struct TrackFollower: Sendable {
    public let width: Int
    public let height: Int
    public let intrinsics: [PinholeIntrinsics]
    public let worldFromCamera: [RigidTransform]
    /// [object][frame].
    public let worldFromObject: [[RigidTransform]]
    /// [T, H, W] z-depth, NaN where nothing is seen.
    public let depth: Tensor<Float>
    /// [T, H, W] object index per pixel, `SceneTruth.sky` where nothing is seen.
    public let objectIndex: Tensor<UInt8>
    public var depthTolerance = 0.05

    public init(width: Int, height: Int, intrinsics: [PinholeIntrinsics], worldFromCamera: [RigidTransform],
                worldFromObject: [[RigidTransform]], depth: Tensor<Float>, objectIndex: Tensor<UInt8>) {
        self.width = width
        self.height = height
        self.intrinsics = intrinsics
        self.worldFromCamera = worldFromCamera
        self.worldFromObject = worldFromObject
        self.depth = depth
        self.objectIndex = objectIndex
    }

    public var frameCount: Int { worldFromCamera.count }

    /// One followed point.
    public struct Track: Sendable {
        public var object: Int
        /// Per frame: pixel position, nil behind the camera.
        public var uv: [SIMD2<Double>?]
        public var visible: [Bool]
        /// Per frame: the point in that frame's camera.
        public var pointInCamera: [SIMD3<Double>]
        /// Per frame: the point in the world frame.
        public var pointInWorld: [SIMD3<Double>]
    }

    /// The track of the surface seen at pixel (u, v) of `frame`, or nil where nothing is seen.
    /// Depth between pixel centres is interpolated (in inverse depth, exact for planes) when the
    /// four neighbours see the same object, else taken from the nearest pixel.
    /// With `through`, only frames `frame...through` are followed (arrays start at `frame`).
    public func follow(frame: Int, u: Double, v: Double, through last: Int? = nil) -> Track? {
        guard let (object, z) = surface(frame: frame, u: u, v: v) else { return nil }
        let pointInWorld = worldFromCamera[frame] * intrinsics[frame].unproject([u, v], depth: z)
        let pointInObject = worldFromObject[object][frame].inverse * pointInWorld
        var track = Track(object: object, uv: [], visible: [], pointInCamera: [], pointInWorld: [])
        for t in last.map({ frame ... $0 }) ?? 0 ... frameCount - 1 {
            let world = worldFromObject[object][t] * pointInObject
            let camera = worldFromCamera[t].inverse * world
            track.pointInWorld.append(world)
            track.pointInCamera.append(camera)
            guard camera.z > 1e-9 else {
                track.uv.append(nil)
                track.visible.append(false)
                continue
            }
            let uv = intrinsics[t].project(camera)
            track.uv.append(uv)
            track.visible.append(isSeen(object: object, depth: camera.z, at: uv, frame: t))
        }
        return track
    }

    /// Whether pixel `uv` of `frame` sees `object` at `depth`.
    public func isSeen(object: Int, depth z: Double, at uv: SIMD2<Double>, frame: Int) -> Bool {
        guard uv.x >= 0, uv.y >= 0, uv.x < Double(width), uv.y < Double(height) else { return false }
        let pixel = frame * width * height + Int(uv.y) * width + Int(uv.x)
        let seen = Double(depth.storage[pixel])
        return Int(objectIndex.storage[pixel]) == object && abs(seen - z) <= depthTolerance * z
    }

    private func surface(frame: Int, u: Double, v: Double) -> (object: Int, depth: Double)? {
        guard u >= 0, v >= 0, u < Double(width), v < Double(height) else { return nil }
        let base = frame * width * height
        let nearest = base + Int(v) * width + Int(u)
        let object = objectIndex.storage[nearest]
        guard object != SceneTruth.sky, depth.storage[nearest].isFinite else { return nil }
        // Bilinear weights between the four surrounding pixel centres.
        let x = min(max(u - 0.5, 0), Double(width - 1))
        let y = min(max(v - 0.5, 0), Double(height - 1))
        let (j0, i0) = (min(Int(x), width - 2), min(Int(y), height - 2))
        guard width > 1, height > 1 else { return (Int(object), Double(depth.storage[nearest])) }
        let (fx, fy) = (x - Double(j0), y - Double(i0))
        var inverse = 0.0
        for (di, dj, weight) in [(0, 0, (1 - fx) * (1 - fy)), (0, 1, fx * (1 - fy)), (1, 0, (1 - fx) * fy), (1, 1, fx * fy)] {
            let pixel = base + (i0 + di) * width + j0 + dj
            guard objectIndex.storage[pixel] == object, depth.storage[pixel].isFinite else {
                return (Int(object), Double(depth.storage[nearest]))
            }
            inverse += weight / Double(depth.storage[pixel])
        }
        return (Int(object), 1 / inverse)
    }
}
