import FathomCore
import Foundation

/// Renders a `Scene` by ray casting on the CPU: one ray through each pixel centre for depth and
/// object id (so they are exact at the pixel-centre convention), 2 × 2 rays for colour.
/// Deterministic: rows are rendered in parallel, but every pixel depends only on its own rays.
public struct SceneRenderer: Sendable {
    public let scene: Scene
    /// Light direction (towards the light) for Lambertian shading.
    private let light = normalize(SIMD3<Double>(0.4, 0.8, -0.45))

    public init(scene: Scene) {
        self.scene = scene
    }

    /// What a camera ray hits first.
    public struct Hit: Sendable {
        /// z-depth in the camera of the frame (the ray parameter, since ray directions have z = 1).
        public var depth: Double
        /// Index into `scene.objects`.
        public var object: Int
        public var pointInObject: SIMD3<Double>
        public var normalInObject: SIMD3<Double>
    }

    /// Poses of the camera and every object at one frame, computed once per frame.
    public struct FramePoses: Sendable {
        public let worldFromCamera: RigidTransform
        public let objectFromCamera: [RigidTransform]
        public let worldFromObject: [RigidTransform]
        /// Whether each object is rendered in this frame (false once it has vanished).
        public let present: [Bool]
    }

    public func poses(frame t: Int) -> FramePoses {
        let worldFromCamera = scene.worldFromCamera(frame: t)
        let worldFromObject = scene.objects.indices.map { scene.worldFromObject($0, frame: t) }
        return FramePoses(worldFromCamera: worldFromCamera,
                          objectFromCamera: worldFromObject.map { $0.inverse * worldFromCamera },
                          worldFromObject: worldFromObject,
                          present: scene.objects.map { $0.isPresent(at: scene.time(ofFrame: t)) })
    }

    /// The first surface on the ray through pixel (u, v), or nil for sky.
    public func cast(_ poses: FramePoses, u: Double, v: Double) -> Hit? {
        let k = scene.intrinsics
        let direction = SIMD3<Double>((u - k.cx) / k.fx, (v - k.cy) / k.fy, 1)
        var best: Hit?
        for (index, object) in scene.objects.enumerated() where poses.present[index] {
            let pose = poses.objectFromCamera[index]
            let origin = pose.translation
            let d = pose.rotation * direction
            guard let hit = object.primitive.intersect(origin: origin, direction: d, minimum: 1e-6),
                  hit.s < (best?.depth ?? .infinity) else { continue }
            best = Hit(depth: hit.s, object: index, pointInObject: origin + hit.s * d, normalInObject: hit.normal)
        }
        return best
    }

    /// Camera-frame point of `pointInObject` of `object` at frame poses `poses`.
    private func cameraPoint(_ poses: FramePoses, object: Int, pointInObject: SIMD3<Double>) -> SIMD3<Double> {
        poses.objectFromCamera[object].inverse * pointInObject
    }

    /// Whether the surface point `pointInObject` of `object` is seen at frame poses `poses`:
    /// in front of the camera, inside the image, and the first thing its pixel's ray hits.
    public func isVisible(_ poses: FramePoses, object: Int, pointInObject: SIMD3<Double>) -> (visible: Bool, uv: SIMD2<Double>?) {
        let p = cameraPoint(poses, object: object, pointInObject: pointInObject)
        guard p.z > 1e-6 else { return (false, nil) }
        let uv = scene.intrinsics.project(p)
        guard uv.x >= 0, uv.y >= 0, uv.x < Double(scene.width), uv.y < Double(scene.height),
              let hit = cast(poses, u: uv.x, v: uv.y) else { return (false, uv) }
        return (hit.object == object && abs(hit.depth - p.z) <= 1e-5 * p.z, uv)
    }

    /// One rendered frame: colour, depth (NaN for sky) and object index (−1 for sky), row-major.
    public struct Frame: Sendable {
        public var rgb: [UInt8]
        public var depth: [Float]
        public var objectIndex: [Int32]
        public var hits: [Hit?]
    }

    public func render(frame t: Int) -> Frame {
        let (w, h) = (scene.width, scene.height)
        let poses = poses(frame: t)
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        var depth = [Float](repeating: .nan, count: w * h)
        var objectIndex = [Int32](repeating: -1, count: w * h)
        var hits = [Hit?](repeating: nil, count: w * h)
        rgb.withUnsafeMutableBufferPointer { rgbOut in
            depth.withUnsafeMutableBufferPointer { depthOut in
                objectIndex.withUnsafeMutableBufferPointer { indexOut in
                    hits.withUnsafeMutableBufferPointer { hitsOut in
                        let rows = RowWriter(rgb: rgbOut, depth: depthOut, objectIndex: indexOut, hits: hitsOut)
                        DispatchQueue.concurrentPerform(iterations: h) { i in
                            renderRow(i, poses: poses, into: rows)
                        }
                    }
                }
            }
        }
        return Frame(rgb: rgb, depth: depth, objectIndex: objectIndex, hits: hits)
    }

    /// Output buffers shared by the row workers; each worker writes only its own row.
    private struct RowWriter: @unchecked Sendable {
        let rgb: UnsafeMutableBufferPointer<UInt8>
        let depth: UnsafeMutableBufferPointer<Float>
        let objectIndex: UnsafeMutableBufferPointer<Int32>
        let hits: UnsafeMutableBufferPointer<Hit?>
    }

    private func renderRow(_ i: Int, poses: FramePoses, into out: RowWriter) {
        let w = scene.width
        for j in 0 ..< w {
            let pixel = i * w + j
            let centre = cast(poses, u: Double(j) + 0.5, v: Double(i) + 0.5)
            out.hits[pixel] = centre
            if let centre {
                out.depth[pixel] = Float(centre.depth)
                out.objectIndex[pixel] = Int32(centre.object)
            }
            var colour = SIMD3<Double>.zero
            for (du, dv) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                colour += shade(cast(poses, u: Double(j) + du, v: Double(i) + dv), poses: poses)
            }
            colour = (colour / 4 * 255).rounded(.toNearestOrEven)
            for c in 0 ..< 3 {
                out.rgb[pixel * 3 + c] = UInt8(min(max(colour[c], 0), 255))
            }
        }
    }

    private func shade(_ hit: Hit?, poses: FramePoses) -> SIMD3<Double> {
        guard let hit else { return scene.sky }
        let object = scene.objects[hit.object]
        let albedo = object.texture.colour(at: hit.pointInObject, seed: scene.seed &+ UInt32(hit.object) &* 101)
        let normal = poses.worldFromObject[hit.object].rotation * hit.normalInObject
        return albedo * (0.6 + 0.4 * max(0, dot(normal, light)))
    }
}
