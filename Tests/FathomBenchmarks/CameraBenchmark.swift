import FathomCore
import FathomEngine
import FathomEval
import FathomGeometry
import FathomMedia
import FathomScenes
import FathomTestSupport
import Foundation

/// Cameras on the synthetic scenes, scored with `fathom eval`'s camera metrics (ATE over path
/// length after Sim(3) alignment, RPE rotation, focal error) and moving-track detection against the
/// truth's object masks. `source`: "truth" — the exact tracks of `SceneTruth`; "engine" — the whole
/// engine (flow, tracks, cameras) on the lossless renders; "video" — the engine on frames decoded
/// from `<videos>/<scene>.mp4` (H.264 from `fathom synth`). Focal length unknown throughout.
/// `seed` varies the scenes' texture noise: the focal length is sensitive to the tracks' small
/// errors, so one rendering is one sample of its error, not the error ("video" needs videos
/// rendered with the same seed: `fathom synth --seed`). With the engine's tracks, APD3D too, the
/// 3D tracks' figure that follows the cameras most.
func benchmarkCameras(scenes: [String], width: Int, height: Int, frames: Int, source: String, videos: String, seed: UInt32) throws {
    for name in scenes {
        let scene = SceneCatalog.scene(name, width: width, height: height, frames: frames, seed: seed)!
        let truth = SceneTruth(scene: scene, trackSpacing: 8)
        let start = DispatchTime.now().uptimeNanoseconds
        var labels = truth.labels
        var camerasSeconds = 0.0
        var cpuSeconds = Double.nan
        var solution: CameraSolution?
        switch source {
        case "truth":
            let cpuStart = threadCPUSeconds()
            defer { cpuSeconds = threadCPUSeconds() - cpuStart }
            let s = CameraEstimator().estimate(tracks: truth.labels.tracks, width: width, height: height, knownIntrinsics: nil, referenceFrame: 0)
            solution = s
            labels = truth.labels(intrinsics: s.intrinsics, worldFromCamera: s.worldFromCamera)
            labels.quality = s.quality
            camerasSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        default:
            let rgb = source == "video" ? try decodedFrames((videos as NSString).appendingPathComponent("\(name).mp4"), width: width, frames: frames)
                                        : truth.labels.rgb!
            let input = ClipInput(id: labels.id, source: labels.source, fps: scene.fps, frameIndex: labels.frameIndex,
                                  timestamp: labels.timestamp, rgb: rgb)
            var timings = StageTimings()
            let engine = ClipReconstructor().reconstruct(input, storeRGB: false, timings: &timings)
            camerasSeconds = timings.seconds["cameras"] ?? .nan
            // The same estimate again, for its per-track moving flags and its CPU time.
            let cpuStart = threadCPUSeconds()
            solution = CameraEstimator().estimate(tracks: engine.tracks, width: width, height: height, knownIntrinsics: nil, referenceFrame: 0)
            cpuSeconds = threadCPUSeconds() - cpuStart
            labels.intrinsics = engine.intrinsics
            labels.worldFromCamera = engine.worldFromCamera
            labels.quality = engine.quality
            labels.tracks = engine.tracks
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let clip = GroundTruthClip(truth, name: name)
        let scores = try ClipEvaluator(labels: labels, truth: clip).evaluate()
        var result: [String: Any] = [
            "benchmark": "cameras", "source": source, "scene": name, "seed": seed, "frames": frames, "width": width, "height": height,
            "seconds": seconds, "cameras_seconds": camerasSeconds, "cameras_cpu_seconds": cpuSeconds,
            "ate_over_path": scores.cameras?.ateOverPathLength ?? NSNull(), "rpe_rotation_deg": scores.cameras?.rpeRotationDegrees ?? .nan,
            "focal_error": scores.cameras?.focalError ?? .nan, "apd_3d": scores.tracks3D?.apd3D ?? .nan,
        ]
        for (key, value) in labels.quality {
            switch value {
            case .number(let x): result[key] = x
            case .text(let s): result[key] = s
            }
        }
        if let solution {
            let (precision, recall) = truth.movingAgreement(solution.trackIsMoving, tracks: labels.tracks)
            result["moving_precision"] = precision
            result["moving_recall"] = recall
        }
        result = result.mapValues { ($0 as? Double)?.isFinite == false ? NSNull() : $0 }  // JSON has no NaN
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
}

/// The first `frames` frames of a video, decoded and scaled to `width` pixels wide.
func decodedFrames(_ path: String, width: Int, frames: Int) throws -> Tensor<UInt8> {
    let reader = try ClipReader(source: path, media: MediaOptions(longSide: width))
    var collected: [VideoFrame] = []
    while collected.count < frames, let clip = try reader.next() { collected += clip.frames }
    guard collected.count >= frames else { throw FathomError("bench.shortVideo", "'\(path)' has \(collected.count) frames, need \(frames)") }
    let size = collected[0].rgb.shape
    return Tensor(shape: [frames] + size, storage: collected.prefix(frames).flatMap(\.rgb.storage))
}

/// CPU time of the calling thread: the camera stage is sequential, so this is its cost free of
/// other processes' load on a shared machine.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
