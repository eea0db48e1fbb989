import FathomCore
import FathomEngine
import FathomEval
import FathomScenes
import Foundation

/// The whole engine on the synthetic scenes, as the runner calls it (`ClipReconstructor`): every
/// label scored by `fathom eval`'s code against the exact truth, with labelled frames per second
/// and each stage's share of the time. Frames are the lossless renders; `seed` varies the scenes'
/// texture noise.
func benchmarkEngine(scenes: [String], width: Int, height: Int, frames: Int, seed: UInt32) throws {
    let engine = ClipReconstructor()
    for name in scenes {
        let truth = SceneTruth(scene: SceneCatalog.scene(name, width: width, height: height, frames: frames, seed: seed)!, trackSpacing: 16)
        let input = ClipInput(id: name, source: "\(name).mp4", fps: truth.labels.fps, frameIndex: truth.labels.frameIndex,
                              timestamp: truth.labels.timestamp, rgb: truth.labels.rgb!)
        var timings = StageTimings()
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = processCPUSeconds()
        let labels = engine.reconstruct(input, storeRGB: false, timings: &timings)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpuSeconds = processCPUSeconds() - cpuStart
        let s = try ClipEvaluator(labels: labels, truth: GroundTruthClip(truth, name: name)).evaluate()
        let status: String = if case .text(let text)? = labels.quality["geometry_status"] { text } else { "?" }
        let result: [String: Any] = [
            "benchmark": "engine", "scene": name, "width": width, "height": height, "frames": frames, "seconds": seconds,
            "cpu_seconds": cpuSeconds, "frames_per_second": Double(frames) / seconds, "geometry_status": status,
            "stage_seconds": timings.seconds,
            "depth_abs_rel": s.depth?.absRel ?? .nan, "depth_delta125": s.depth?.delta125 ?? .nan, "depth_coverage": s.depth?.coverage ?? .nan,
            "depth_moving_coverage": s.depth?.movingCoverage ?? .nan,
            "ate_over_path": s.cameras?.ateOverPathLength ?? .nan, "rpe_rotation_deg": s.cameras?.rpeRotationDegrees ?? .nan,
            "focal_error": s.cameras?.focalError ?? .nan,
            "delta_avg": s.tracks2D?.deltaAvg ?? .nan, "occlusion_accuracy": s.tracks2D?.occlusionAccuracy ?? .nan,
            "average_jaccard": s.tracks2D?.averageJaccard ?? .nan, "apd_3d": s.tracks3D?.apd3D ?? .nan, "apd_3d_within": s.tracks3D?.within ?? [], "apd_3d_scale": s.tracks3D?.scale ?? .nan, "occlusion_f1": s.occlusion?.f1 ?? .nan,
            "occlusion_counts": s.occlusion.map { [$0.truePositives, $0.predictedPositives, $0.actualPositives] } ?? [],
        ]
        // JSON has no NaN: unknown scores (e.g. depth on a rotation-only clip) are null.
        let finite = result.mapValues { value -> Any in (value as? Double).map { $0.isFinite ? $0 as Any : NSNull() } ?? value }
        print(String(decoding: try JSONSerialization.data(withJSONObject: finite, options: [.sortedKeys]), as: UTF8.self))
    }
}
