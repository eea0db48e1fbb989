import FathomEval
import FathomScenes
import FathomVision
import Foundation

/// Forward + backward flow of consecutive frames of the synthetic scenes: pairs per second and
/// end-point error against the exact flow, per scene. Frames are the lossless renders. With
/// `export`, each scene's luma frames and exact forward flow are also written there as .npy, for
/// the OpenCV reference (scripts/bench_dis_flow.py). Times are the best of `repeats` runs.
func benchmarkFlow(scenes: [String], width: Int, height: Int, frames: Int, preset: OpticalFlowOptions.Preset, export: String?,
                   repeats: Int) throws {
    let engine = DenseOpticalFlow(options: OpticalFlowOptions(preset))
    for name in scenes {
        guard let scene = SceneCatalog.scene(name, width: width, height: height, frames: frames) else {
            throw NSError(domain: "fathom-bench", code: 64, userInfo: [NSLocalizedDescriptionKey: "unknown scene \(name)"])
        }
        let truth = SceneTruth(scene: scene, trackSpacing: 16)
        let clip = GroundTruthClip(truth, name: name)
        let rgb = truth.labels.rgb!
        let images = (0 ..< frames).map { GrayImage(rgb: rgb.storage[$0 * width * height * 3 ..< ($0 + 1) * width * height * 3], width: width, height: height) }
        if let export {
            let prefix = (export as NSString).appendingPathComponent("\(name)-\(width)x\(height)")
            try writeNumpy(images.flatMap { $0.pixels.map { UInt8(min(max($0.rounded(), 0), 255)) } }, shape: [frames, height, width], to: "\(prefix)-frames.npy")
            let exact = (0 ..< frames - 1).map { clip.forwardFlow(frame: $0).flow }
            try writeNumpy(exact.flatMap { flow in zip(flow.u, flow.v).flatMap { [$0, $1] } }, shape: [frames - 1, height, width, 2], to: "\(prefix)-flow.npy")
        }
        // Best of `repeats` timed runs (flow is deterministic, so every run has the same error).
        var seconds = Double.infinity
        var cpuSeconds = Double.infinity
        var flows: [FlowField] = []
        for _ in 0 ..< repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = processCPUSeconds()
            flows = engine.consecutiveFlows(images).forward
            seconds = min(seconds, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            cpuSeconds = min(cpuSeconds, processCPUSeconds() - cpuStart)
        }
        var errorAll = 0.0
        var errorVisible = 0.0
        for (t, forward) in flows.enumerated() {
            let exact = clip.forwardFlow(frame: t)
            errorAll += endPointError(forward, exact.flow)
            errorVisible += endPointError(forward, exact.flow) { exact.visible[$0] }
        }
        let pairs = Double(frames - 1)
        let result: [String: Any] = [
            "benchmark": "flow", "scene": name, "width": width, "height": height, "preset": preset.rawValue, "pairs": frames - 1,
            "pairs_per_second": pairs / seconds, "ms_per_pair": seconds / pairs * 1000, "cpu_ms_per_pair": cpuSeconds / pairs * 1000,
            "epe_all": errorAll / pairs, "epe_visible": errorVisible / pairs,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
}

