import FathomCore
import FathomEval
import FathomScenes
import FathomVision
import Foundation

/// Engine I end to end on the synthetic scenes: flow both ways, occlusion masks and long 2D tracks
/// from the rendered frames, scored with `fathom eval`'s TAP-Vid and occlusion metrics (depth and
/// cameras are the truth's, since this stage does not produce them).
func benchmarkTracks(scenes: [String], width: Int, height: Int, frames: Int, preset: OpticalFlowOptions.Preset) throws {
    let engine = DenseOpticalFlow(options: OpticalFlowOptions(preset))
    for name in scenes {
        let truth = SceneTruth(scene: SceneCatalog.scene(name, width: width, height: height, frames: frames)!, trackSpacing: 16)
        let rgb = truth.labels.rgb!
        let size = width * height
        let images = (0 ..< frames).map { GrayImage(rgb: rgb.storage[$0 * size * 3 ..< ($0 + 1) * size * 3], width: width, height: height) }
        let start = DispatchTime.now().uptimeNanoseconds
        let motion = ClipMotion.estimate(images, flow: engine)
        let flowSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let tracks = PointTracker().track(motion)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var labels = truth.labels
        labels.tracks = tracks
        labels.occlusion = Tensor(shape: [frames, height, width], storage: motion.occlusionBits)
        let scores = try ClipEvaluator(labels: labels, truth: GroundTruthClip(truth, name: name)).evaluate()
        let clip = GroundTruthClip(truth, name: name)
        var epe = 0.0
        for t in 0 ..< frames - 1 { epe += endPointError(motion.forward[t], clip.forwardFlow(frame: t).flow) }
        let result: [String: Any] = [
            "benchmark": "tracks", "scene": name, "frames": frames, "tracks": tracks.count, "seconds": seconds,
            "flow_seconds": flowSeconds, "epe_all": epe / Double(frames - 1),
            "delta_avg": scores.tracks2D?.deltaAvg ?? .nan, "occlusion_accuracy": scores.tracks2D?.occlusionAccuracy ?? .nan,
            "average_jaccard": scores.tracks2D?.averageJaccard ?? .nan, "occlusion_f1": scores.occlusion?.f1 ?? .nan,
            "occlusion_precision": scores.occlusion?.precision ?? .nan, "occlusion_recall": scores.occlusion?.recall ?? .nan,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
}
