import FathomCore
import Foundation

/// Exact labels of a rendered scene, in the shard layout: what a perfect engine would output.
/// `fathom eval` scores engine labels against these, and they score perfectly against themselves.
public struct SceneTruth: Sendable {
    public let labels: ClipLabels
    /// [T, H, W] index of the object seen at each pixel centre, −1 for sky.
    public let objectIndex: Tensor<Int32>

    /// Renders every frame of `scene` and derives depth, cameras, occlusion and tracks.
    ///
    /// Tracks start on a grid of `trackSpacing` pixels at the first frame and again at the middle
    /// frame (so queries with t_src > 0 are exercised); a track is visible where its surface
    /// point is the first hit of its pixel's ray, inside the image.
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
        let worldFromReference = poses[0].worldFromCamera
        let referenceFromWorld = worldFromReference.inverse
        for (q, (start, i, j)) in queries.enumerated() {
            let hit = frames[start].hits[i * w + j]!
            query.storage[q * 3 ..< q * 3 + 3] = [Float(start), Float(j) + 0.5, Float(i) + 0.5]
            for frame in 0 ..< t {
                let seen = renderer.isVisible(poses[frame], object: hit.object, pointInObject: hit.pointInObject)
                let point = referenceFromWorld * (poses[frame].worldFromObject[hit.object] * hit.pointInObject)
                let base = q * t + frame
                xyz.storage[base * 3 ..< base * 3 + 3] = [Float(point.x), Float(point.y), Float(point.z)]
                if let p = seen.uv {
                    uv.storage[base * 2 ..< base * 2 + 2] = [Float(p.x), Float(p.y)]
                    confidence.storage[base] = 255
                }
                visible.storage[base] = seen.visible ? 1 : 0
            }
        }

        let k = scene.intrinsics.matrix3x3.map(Float.init)
        let depth = frames.flatMap(\.depth)
        labels = ClipLabels(
            id: "\(scene.name)-\(String(format: "%06d-%06d", 0, t - 1))", source: "synth:\(scene.name)",
            referenceFrame: 0, fps: scene.fps, depthUnits: .metric,
            frameIndex: (0 ..< t).map(Int64.init), timestamp: (0 ..< t).map { scene.time(ofFrame: $0) },
            rgb: Tensor(shape: [t, h, w, 3], storage: frames.flatMap(\.rgb)),
            depth: Tensor(shape: [t, h, w], storage: depth),
            depthConfidence: Tensor(shape: [t, h, w], storage: depth.map { $0.isNaN ? 0 : 255 }),
            occlusion: occlusion,
            intrinsics: Tensor(shape: [t, 3, 3], storage: (0 ..< t).flatMap { _ in k }),
            worldFromCamera: Tensor(shape: [t, 4, 4], storage: poses.flatMap { (referenceFromWorld * $0.worldFromCamera).matrix4x4.map(Float.init) }),
            tracks: TrackLabels(query: query, uv: uv, xyz: xyz, visible: visible, confidence: confidence),
            quality: ["label_origin": .text("synthetic ground truth")])
        objectIndex = Tensor(shape: [t, h, w], storage: frames.flatMap(\.objectIndex))
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
