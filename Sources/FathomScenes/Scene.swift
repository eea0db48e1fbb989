import FathomCore

/// A synthetic scene: camera path, objects, image size and frame rate. Rendering it gives frames
/// with exact ground truth (`SceneRenderer`).
public struct Scene: Sendable {
    public var name: String
    public var width: Int
    public var height: Int
    public var frameCount: Int
    public var fps: Double
    /// Horizontal field of view; fx = fy, principal point at the image centre.
    public var horizontalFOVDegrees: Double
    public var camera: CameraPath
    public var objects: [SceneObject]
    /// Colour of rays that hit nothing (their depth is NaN: "infinitely far", never made up).
    public var sky: SIMD3<Double>
    /// Varies texture noise; same seed, same pixels.
    public var seed: UInt32

    public init(name: String, width: Int, height: Int, frameCount: Int, fps: Double = 24, horizontalFOVDegrees: Double = 60,
                camera: CameraPath, objects: [SceneObject], sky: SIMD3<Double> = [0.62, 0.75, 0.92], seed: UInt32 = 1) {
        self.name = name
        self.width = width
        self.height = height
        self.frameCount = frameCount
        self.fps = fps
        self.horizontalFOVDegrees = horizontalFOVDegrees
        self.camera = camera
        self.objects = objects
        self.sky = sky
        self.seed = seed
    }

    public var intrinsics: PinholeIntrinsics {
        let f = Double(width) / 2 / tan(horizontalFOVDegrees * .pi / 360)
        return PinholeIntrinsics(fx: f, fy: f, cx: Double(width) / 2, cy: Double(height) / 2)
    }

    public func time(ofFrame t: Int) -> Double { Double(t) / fps }

    public func worldFromCamera(frame t: Int) -> RigidTransform { camera.worldFromCamera(at: time(ofFrame: t)) }

    public func worldFromObject(_ object: Int, frame t: Int) -> RigidTransform {
        objects[object].motion.worldFromObject(at: time(ofFrame: t))
    }
}

#if canImport(Glibc)
import Glibc
#endif
