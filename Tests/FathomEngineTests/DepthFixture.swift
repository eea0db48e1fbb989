import FathomCore
import FathomEngine
import FathomEval
import FathomScenes
import FathomVision

/// A synthetic scene rendered once per test process, with its exact labels, the engine's flow of
/// its frames and its true cameras: what depth tests start from.
struct DepthFixture: Sendable {
    let name: String
    let truth: SceneTruth
    let motion: ClipMotion
    let cameras: [RigidTransform]
    let intrinsics: PinholeIntrinsics

    static let orbit = DepthFixture("orbit")
    static let dynamic = DepthFixture("dynamic")
    static let pan = DepthFixture("pan")
    static let orbitExactMotion = orbit.exactMotion

    /// 160 × 120, 12 frames; the balanced flow preset (at this size the fast one works on 80 × 60).
    init(_ name: String) {
        let scene = SceneCatalog.scene(name, width: 160, height: 120, frames: 12)!
        self.name = name
        let truth = SceneTruth(scene: scene, trackSpacing: 40)
        self.truth = truth
        let size = scene.width * scene.height
        let rgb = truth.labels.rgb!
        let images = (0 ..< scene.frameCount).map {
            GrayImage(rgb: rgb.storage[$0 * size * 3 ..< ($0 + 1) * size * 3], width: scene.width, height: scene.height)
        }
        motion = ClipMotion.estimate(images, flow: DenseOpticalFlow(options: OpticalFlowOptions(.balanced)))
        cameras = (0 ..< scene.frameCount).map { truth.labels.worldFromCameraOfFrame($0) }
        intrinsics = scene.intrinsics
    }

    func estimate(moving: Tensor<Bool>? = nil) -> DepthMaps {
        DepthEstimator().estimate(motion: motion, intrinsics: intrinsics, worldFromCamera: cameras,
                                  depthObservable: DepthEstimator.hasTranslation(cameras), moving: moving)
    }

    /// `fathom eval`'s depth scores of `maps`.
    func scores(_ maps: DepthMaps) throws -> DepthScores? {
        var labels = truth.labels
        labels.depth = maps.depth
        labels.depthConfidence = maps.confidence
        return try ClipEvaluator(labels: labels, truth: GroundTruthClip(truth, name: name)).evaluate().depth
    }

    /// [T, H, W] pixels of the objects that move.
    var trulyMoving: Tensor<Bool> {
        let (t, poses) = (truth.labels.frameCount, truth.worldFromObject)
        let movers = Set((0 ..< poses.shape[0]).filter { k in
            (1 ..< t).contains { poses.storage[(k * t + $0) * 16 ..< (k * t + $0 + 1) * 16] != poses.storage[k * t * 16 ..< k * t * 16 + 16] }
        })
        return Tensor(shape: truth.objectIndex.shape, storage: truth.objectIndex.storage.map { movers.contains(Int($0)) })
    }

    /// The clip's motion with the exact flows both ways and the exact occlusion masks.
    var exactMotion: ClipMotion {
        let clip = GroundTruthClip(truth, name: name)
        let (t, w, h) = (truth.labels.frameCount, truth.labels.width, truth.labels.height)
        let occlusion = truth.labels.occlusion.storage
        func flow(from frame: Int, to other: Int) -> FlowField {
            var u = [Float](repeating: .nan, count: w * h)
            var v = u
            for i in 0 ..< h {
                for j in 0 ..< w {
                    let (x, y) = (Double(j) + 0.5, Double(i) + 0.5)
                    // Followed forwards the arrays start at `frame`; backwards, at frame 0.
                    let forwards = other > frame
                    guard let track = clip.follower.follow(frame: frame, u: x, v: y, through: forwards ? other : nil),
                          let there = track.uv[forwards ? other - frame : other] else { continue }
                    u[i * w + j] = Float(there.x - x)
                    v[i * w + j] = Float(there.y - y)
                }
            }
            return FlowField(width: w, height: h, u: u, v: v)
        }
        return ClipMotion(images: motion.images, forward: (0 ..< t - 1).map { flow(from: $0, to: $0 + 1) },
                          backward: (0 ..< t - 1).map { flow(from: $0 + 1, to: $0) },
                          hiddenNext: (0 ..< t).map { frame in (0 ..< w * h).map { occlusion[frame * w * h + $0] & 1 != 0 } },
                          hiddenPrevious: (0 ..< t).map { frame in (0 ..< w * h).map { occlusion[frame * w * h + $0] & 2 != 0 } })
    }
}
