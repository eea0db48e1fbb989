import FathomCore
import FathomEngine
import FathomEval
import FathomScenes
import FathomTestSupport
import FathomVision
import Foundation

/// Dense depth from the engine's own flow (rendered frames) and the TRUE cameras, per scene:
/// `fathom eval`'s depth scores (median-scaled AbsRel, δ<1.25, coverage), coverage of the static
/// surface, how well the moving mask finds the truly moving objects, sky given a depth, and
/// milliseconds per frame of the depth stage alone (wall and CPU, all threads; best of `repeats`).
///
/// With `poseNoise` > 0 the cameras are perturbed first (per frame: a rotation of that many
/// degrees (σ) about a random axis and a translation of that fraction (σ) of the frame-to-frame
/// step), to see how depth degrades with estimated rather than exact cameras. Scenes with movers
/// are also run with the true moving mask given, separating depth from motion segmentation.
func benchmarkDepth(scenes: [String], width: Int, height: Int, frames: Int, preset: OpticalFlowOptions.Preset, poseNoise: Double,
                    repeats: Int) throws {
    for name in scenes {
        let scene = SceneCatalog.scene(name, width: width, height: height, frames: frames)!
        let truth = SceneTruth(scene: scene, trackSpacing: 32)
        let size = width * height
        let rgb = truth.labels.rgb!
        let images = (0 ..< frames).map { GrayImage(rgb: rgb.storage[$0 * size * 3 ..< ($0 + 1) * size * 3], width: width, height: height) }
        let motion = ClipMotion.estimate(images, flow: DenseOpticalFlow(options: OpticalFlowOptions(preset)))
        let exact = (0 ..< frames).map { truth.labels.worldFromCameraOfFrame($0) }
        let cameras = poseNoise > 0 ? perturbed(exact, rotationDegrees: poseNoise, translationFraction: poseNoise) : exact
        let audit = DepthAudit(truth: truth)
        let estimator = DepthEstimator()
        func run() -> (maps: DepthMaps, seconds: Double, cpuSeconds: Double) {
            let (start, cpuStart) = (DispatchTime.now().uptimeNanoseconds, processorSeconds())
            let maps = estimator.estimate(motion: motion, intrinsics: scene.intrinsics, worldFromCamera: cameras,
                                          depthObservable: DepthEstimator.hasTranslation(cameras))
            return (maps, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, processorSeconds() - cpuStart)
        }
        let (maps, firstSeconds, firstCPUSeconds) = run()
        var (seconds, cpuSeconds) = (firstSeconds, firstCPUSeconds)
        for _ in 1 ..< max(repeats, 1) {
            let again = run()
            (seconds, cpuSeconds) = (min(seconds, again.seconds), min(cpuSeconds, again.cpuSeconds))
        }
        var result: [String: Any] = [
            "benchmark": "depth", "scene": name, "width": width, "height": height, "frames": frames, "preset": preset.rawValue,
            "pose_noise": poseNoise, "ms_per_frame": seconds / Double(frames) * 1000, "cpu_ms_per_frame": cpuSeconds / Double(frames) * 1000,
        ]
        for (key, value) in try depthScores(maps, truth: truth, name: name) { result[key] = value }
        for (key, value) in audit.scores(maps) { result[key] = value }
        if audit.hasMovers {
            let given = estimator.estimate(motion: motion, intrinsics: scene.intrinsics, worldFromCamera: cameras,
                                           depthObservable: DepthEstimator.hasTranslation(cameras), moving: audit.trulyMoving)
            result["given_moving_abs_rel"] = try depthScores(given, truth: truth, name: name)["abs_rel"]
        }
        // JSON has no NaN: unknown figures are null.
        let json = result.mapValues { ($0 as? Double)?.isNaN == true ? NSNull() : $0 }
        print(String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self))
    }
}

/// `fathom eval`'s depth scores of `maps` as the labels of the scene's clip.
private func depthScores(_ maps: DepthMaps, truth: SceneTruth, name: String) throws -> [String: Double] {
    var labels = truth.labels
    labels.depth = maps.depth
    labels.depthConfidence = maps.confidence
    let scores = try ClipEvaluator(labels: labels, truth: GroundTruthClip(truth, name: name)).evaluate().depth
    return ["abs_rel": scores?.absRel ?? .nan, "delta125": scores?.delta125 ?? .nan, "coverage": scores?.coverage ?? .nan,
            "confident_abs_rel": scores?.confidentAbsRel ?? .nan, "confident_coverage": scores?.confidentCoverage ?? .nan]
}

/// Cameras with per-frame Gaussian errors, deterministic (fixed seed).
private func perturbed(_ cameras: [RigidTransform], rotationDegrees: Double, translationFraction: Double) -> [RigidTransform] {
    var random = SplitMix(seed: 7)
    func gaussian() -> Double {
        (-2 * log(1 - random.unit())).squareRoot() * cos(2 * .pi * random.unit())
    }
    let steps = zip(cameras, cameras.dropFirst()).map { length($1.translation - $0.translation) }
    let step = steps.isEmpty ? 0 : steps.reduce(0, +) / Double(steps.count)
    return cameras.map { camera in
        let axis = normalize(SIMD3(gaussian(), gaussian(), gaussian()))
        let turn = Matrix3.rotation(axis: axis, angle: gaussian() * rotationDegrees * .pi / 180)
        let shift = SIMD3(gaussian(), gaussian(), gaussian()) * translationFraction * step
        return RigidTransform(rotation: turn * camera.rotation, translation: camera.translation + shift)
    }
}

/// CPU seconds this process has used, all threads: a cost measure less disturbed than wall time
/// when other work shares the cores.
func processorSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// A scene's pixels sorted by what they show: static surface, independently moving objects, sky.
struct DepthAudit {
    /// [T, H, W] pixels of objects that move in the scene.
    let trulyMoving: Tensor<Bool>
    let sky: [Bool]
    let hasMovers: Bool

    init(truth: SceneTruth) {
        let moves = GroundTruthClip.objectMoves(truth.worldFromObject)
        trulyMoving = Tensor(shape: truth.objectIndex.shape, storage: truth.objectIndex.storage.map { moves.indices.contains(Int($0)) && moves[Int($0)] })
        sky = truth.objectIndex.storage.map { $0 == SceneTruth.sky }
        hasMovers = moves.contains(true)
    }

    /// Coverage of the static surface; recall and precision of the moving mask against the truly
    /// moving pixels; share of sky pixels given a depth (should be 0).
    func scores(_ maps: DepthMaps) -> [String: Double] {
        var (staticPixels, staticCovered, moving, found, marked, skyPixels, skyCovered) = (0, 0, 0, 0, 0, 0, 0)
        for p in sky.indices {
            let covered = !maps.depth.storage[p].isNaN
            if maps.moving.storage[p] { marked += 1 }
            if sky[p] {
                skyPixels += 1
                if covered { skyCovered += 1 }
            } else if trulyMoving.storage[p] {
                moving += 1
                if maps.moving.storage[p] { found += 1 }
            } else {
                staticPixels += 1
                if covered { staticCovered += 1 }
            }
        }
        func share(_ part: Int, _ whole: Int) -> Double { whole > 0 ? Double(part) / Double(whole) : .nan }
        return ["static_coverage": share(staticCovered, staticPixels), "moving_recall": share(found, moving),
                "moving_precision": share(found, marked), "sky_with_depth": share(skyCovered, skyPixels)]
    }
}
