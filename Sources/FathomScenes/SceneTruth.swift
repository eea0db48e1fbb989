import FathomCore
import FathomShards
import Foundation

/// Exact labels of a rendered scene, in the shard layout: what a perfect engine would output.
/// `fathom eval` scores engine labels against these, and they score perfectly against themselves.
public struct SceneTruth: Sendable {
    public let labels: ClipLabels
    /// [T, H, W] index of the object seen at each pixel centre, `SceneTruth.sky` where none.
    public let objectIndex: Tensor<UInt8>
    /// [K, T, 4, 4] each object's pose in the labels' world frame (the camera of frame 0).
    public let worldFromObject: Tensor<Float>

    public static let sky: UInt8 = 255

    /// What the shard stores beside the labels so `fathom eval` can follow any query exactly.
    public var extras: [String: ExtraDataset] {
        ["truth/object_index": .uint8(objectIndex), "truth/world_from_object": .float32(worldFromObject)]
    }

    /// Renders every frame of `scene` and derives depth, cameras, occlusion and tracks.
    ///
    /// Tracks start on a grid of `trackSpacing` pixels at the first frame and again at the middle
    /// frame (so queries with t_src > 0 are exercised) and are followed by `TrackFollower`.
    /// Occlusion bits come from exact ray casts: bit 0 where the pixel's surface point is not the
    /// first hit of its own ray in the next frame (or leaves the view).
    public init(scene: Scene, trackSpacing: Int = 16) {
        let renderer = SceneRenderer(scene: scene)
        let (t, h, w) = (scene.frameCount, scene.height, scene.width)
        let frames = (0 ..< t).map { renderer.render(frame: $0) }
        let poses = (0 ..< t).map { renderer.poses(frame: $0) }

        var occlusion = Tensor<UInt8>(shape: [t, h, w], repeating: 0)
        for frame in 0 ..< t {
            for (bit, other) in [(UInt8(1), frame + 1), (UInt8(2), frame - 1)] where other >= 0 && other < t {
                let hidden = Self.hiddenMask(frames[frame].hits, in: poses[other], renderer: renderer)
                for pixel in 0 ..< h * w where hidden[pixel] {
                    occlusion.storage[frame * h * w + pixel] |= bit
                }
            }
        }

        var queries: [(Int, Int, Int)] = []
        for start in Set([0, t / 2]).sorted() {
            for i in stride(from: trackSpacing / 2, to: h, by: trackSpacing) {
                for j in stride(from: trackSpacing / 2, to: w, by: trackSpacing) where frames[start].hits[i * w + j] != nil {
                    queries.append((start, i, j))
                }
            }
        }
        let n = queries.count
        var query = Tensor<Float>(shape: [n, 3], repeating: 0)
        var uv = Tensor<Float>(shape: [n, t, 2], repeating: .nan)
        var xyz = Tensor<Float>(shape: [n, t, 3], repeating: .nan)
        var visible = Tensor<UInt8>(shape: [n, t], repeating: 0)
        var confidence = Tensor<UInt8>(shape: [n, t], repeating: 0)
        let referenceFromWorld = poses[0].worldFromCamera.inverse
        let depthMaps = Tensor(shape: [t, h, w], storage: frames.flatMap(\.depth))
        let objectMaps = Tensor<UInt8>(shape: [t, h, w], storage: frames.flatMap { frame in frame.objectIndex.map { $0 < 0 ? Self.sky : UInt8($0) } })
        let follower = TrackFollower(
            width: w, height: h, intrinsics: Array(repeating: scene.intrinsics, count: t),
            worldFromCamera: poses.map { referenceFromWorld * $0.worldFromCamera },
            worldFromObject: scene.objects.indices.map { object in poses.map { referenceFromWorld * $0.worldFromObject[object] } },
            depth: depthMaps, objectIndex: objectMaps)
        for (q, (start, i, j)) in queries.enumerated() {
            let (u, v) = (Double(j) + 0.5, Double(i) + 0.5)
            query.storage[q * 3 ..< q * 3 + 3] = [Float(start), Float(u), Float(v)]
            let track = follower.follow(frame: start, u: u, v: v)!
            for frame in 0 ..< t {
                let base = q * t + frame
                let point = track.pointInWorld[frame]
                xyz.storage[base * 3 ..< base * 3 + 3] = [Float(point.x), Float(point.y), Float(point.z)]
                if let p = track.uv[frame] {
                    uv.storage[base * 2 ..< base * 2 + 2] = [Float(p.x), Float(p.y)]
                    confidence.storage[base] = 255
                }
                visible.storage[base] = track.visible[frame] ? 1 : 0
            }
        }

        let k = scene.intrinsics.matrix3x3.map(Float.init)
        let depth = depthMaps.storage
        labels = ClipLabels(
            id: "\(scene.name)-\(String(format: "%06d-%06d", 0, t - 1))", source: "synth:\(scene.name)",
            referenceFrame: 0, fps: scene.fps, depthUnits: .metric,
            frameIndex: (0 ..< t).map(Int64.init), timestamp: (0 ..< t).map { scene.time(ofFrame: $0) },
            rgb: Tensor(shape: [t, h, w, 3], storage: frames.flatMap(\.rgb)),
            depth: Tensor(shape: [t, h, w], storage: depth),
            depthConfidence: Tensor(shape: [t, h, w], storage: depth.map { $0.isNaN ? 0 : 255 }),
            occlusion: occlusion,
            intrinsics: Tensor(shape: [t, 3, 3], storage: (0 ..< t).flatMap { _ in k }),
            worldFromCamera: Tensor(shape: [t, 4, 4], storage: follower.worldFromCamera.flatMap { $0.matrix4x4.map(Float.init) }),
            tracks: TrackLabels(query: query, uv: uv, xyz: xyz, visible: visible, confidence: confidence),
            quality: ["label_origin": .text("synthetic ground truth")])
        objectIndex = objectMaps
        worldFromObject = Tensor(shape: [scene.objects.count, t, 4, 4],
                                 storage: follower.worldFromObject.flatMap { $0.flatMap { $0.matrix4x4.map(Float.init) } })
    }

    /// Pixels whose surface point is not visible at `poses` (occluded or out of view).
    private static func hiddenMask(_ hits: [SceneRenderer.Hit?], in poses: SceneRenderer.FramePoses, renderer: SceneRenderer) -> [Bool] {
        var hidden = [Bool](repeating: false, count: hits.count)
        hidden.withUnsafeMutableBufferPointer { out in
            let output = MaskWriter(out: out)
            DispatchQueue.concurrentPerform(iterations: hits.count) { pixel in
                guard let hit = hits[pixel] else { return }
                output.out[pixel] = !renderer.isVisible(poses, object: hit.object, pointInObject: hit.pointInObject).visible
            }
        }
        return hidden
    }

    private struct MaskWriter: @unchecked Sendable {
        let out: UnsafeMutableBufferPointer<Bool>
    }
}
