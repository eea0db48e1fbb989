import FathomCore
import FathomEngine
import FathomEval
import FathomScenes
import FathomVision
import Foundation

/// Dense depth from the engine's own flow (rendered frames, fast preset) and the TRUE cameras, per
/// scene: `fathom eval`'s depth scores (median-scaled AbsRel, δ<1.25, coverage), coverage of the
/// static surface, how well the moving mask finds the truly moving objects, and milliseconds per
/// frame of the depth stage alone.
func benchmarkDepth(scenes: [String], width: Int, height: Int, frames: Int, preset: OpticalFlowOptions.Preset) throws {
    for name in scenes {
        let scene = SceneCatalog.scene(name, width: width, height: height, frames: frames)!
        let truth = SceneTruth(scene: scene, trackSpacing: 32)
        let size = width * height
        let rgb = truth.labels.rgb!
        let images = (0 ..< frames).map { GrayImage(rgb: rgb.storage[$0 * size * 3 ..< ($0 + 1) * size * 3], width: width, height: height) }
        let motion = ClipMotion.estimate(images, flow: DenseOpticalFlow(options: OpticalFlowOptions(preset)))
        let cameras = (0 ..< frames).map { truth.labels.worldFromCameraOfFrame($0) }
        var o = DepthOptions()
        let env = ProcessInfo.processInfo.environment
        if let x = env["SPAN"] { o.longestSpan = Int(x)! }
        if let x = env["LEVEL"] { o.workingLevel = Int(x)! }
        if let x = env["FLOWNOISE"] { o.flowNoise = Float(x)! }
        if let x = env["IMAGENOISE"] { o.imageNoise = Float(x)! }
        if let x = env["TOL"] { o.poseTolerance = Float(x)! }
        if let x = env["RATIO"] { o.minimumParallaxRatio = Float(x)! }
        if let x = env["ITER"] { o.refinementIterations = Int(x)! }
        let estimator = DepthEstimator(options: o)
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = processorSeconds()
        let maps = estimator.estimate(motion: motion, intrinsics: scene.intrinsics, worldFromCamera: cameras,
                                      depthObservable: DepthEstimator.hasTranslation(cameras))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpuSeconds = processorSeconds() - cpuStart
        var labels = truth.labels
        labels.depth = maps.depth
        labels.depthConfidence = maps.confidence
        let scores = try ClipEvaluator(labels: labels, truth: GroundTruthClip(truth, name: name)).evaluate().depth
        let audit = DepthAudit(maps: maps, truth: truth)
        depthDiagnostics(maps: maps, truth: truth)
        if let dir = env["DUMP"] {
            func dump<T>(_ a: [T], _ n: String) { a.withUnsafeBytes { try! Data($0).write(to: URL(fileURLWithPath: "\(dir)/\(name)-\(n).bin")) } }
            dump(maps.depth.storage, "depth"); dump(maps.confidence.storage, "conf"); dump(maps.moving.storage.map { UInt8($0 ? 1 : 0) }, "moving")
            dump(truth.labels.depth.storage, "truth"); dump(truth.objectIndex.storage, "object"); dump(rgb.storage, "rgb")
        }
        let result: [String: Any] = [
            "benchmark": "depth", "scene": name, "width": width, "height": height, "frames": frames, "preset": preset.rawValue,
            "ms_per_frame": seconds / Double(frames) * 1000, "cpu_ms_per_frame": cpuSeconds / Double(frames) * 1000,
            "abs_rel": scores?.absRel ?? .nan, "delta125": scores?.delta125 ?? .nan, "coverage": scores?.coverage ?? .nan,
            "confident_abs_rel": scores?.confidentAbsRel ?? .nan, "confident_coverage": scores?.confidentCoverage ?? .nan,
            "static_coverage": audit.staticCoverage, "moving_recall": audit.movingRecall, "moving_precision": audit.movingPrecision,
            "sky_with_depth": audit.skyWithDepth,
        ]
        // JSON has no NaN: unknown figures are null.
        let json = result.mapValues { ($0 as? Double)?.isNaN == true ? NSNull() : $0 }
        print(String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self))
    }
}

/// CPU seconds this process has used, all threads: a cost measure less disturbed than wall time
/// when other work shares the cores.
func processorSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Depth maps checked against a scene's object masks: which pixels are static surface, truly
/// moving, or sky.
struct DepthAudit {
    /// Share of static-surface pixels with depth.
    var staticCoverage = Double.nan
    /// Share of truly moving pixels the moving mask marks, and of marked pixels truly moving.
    var movingRecall = Double.nan
    var movingPrecision = Double.nan
    /// Share of sky pixels given a depth (should be 0).
    var skyWithDepth = Double.nan

    init(maps: DepthMaps, truth: SceneTruth) {
        let t = truth.labels.frameCount
        let objects = truth.worldFromObject.shape[0]
        let movers = Set((0 ..< objects).filter { k in
            let first = Array(truth.worldFromObject.storage[k * t * 16 ..< k * t * 16 + 16])
            return (1 ..< t).contains { Array(truth.worldFromObject.storage[(k * t + $0) * 16 ..< (k * t + $0 + 1) * 16]) != first }
        })
        var (staticPixels, staticCovered, moving, movingFound, marked, sky, skyFilled) = (0, 0, 0, 0, 0, 0, 0)
        for (p, object) in truth.objectIndex.storage.enumerated() {
            let hasDepth = !maps.depth.storage[p].isNaN
            if maps.moving.storage[p] { marked += 1 }
            if object == SceneTruth.sky {
                sky += 1
                if hasDepth { skyFilled += 1 }
            } else if movers.contains(Int(object)) {
                moving += 1
                if maps.moving.storage[p] { movingFound += 1 }
            } else {
                staticPixels += 1
                if hasDepth { staticCovered += 1 }
            }
        }
        if staticPixels > 0 { staticCoverage = Double(staticCovered) / Double(staticPixels) }
        if moving > 0 { movingRecall = Double(movingFound) / Double(moving) }
        if marked > 0 { movingPrecision = Double(movingFound) / Double(marked) }
        if sky > 0 { skyWithDepth = Double(skyFilled) / Double(sky) }
    }
}

// TEMP diagnostics
func depthDiagnostics(maps: DepthMaps, truth: SceneTruth) {
    let t = truth.labels.frameCount
    var perObject: [UInt8: (n: Int, covered: Int, moving: Int, err: Double, bad: Int)] = [:]
    for (p, object) in truth.objectIndex.storage.enumerated() {
        var e = perObject[object] ?? (0, 0, 0, 0, 0)
        e.n += 1
        if maps.moving.storage[p] { e.moving += 1 }
        let d = Double(maps.depth.storage[p]), g = Double(truth.labels.depth.storage[p])
        if d.isFinite { e.covered += 1; if g.isFinite { let r = abs(d - g) / g; e.err += r; if r > 0.25 { e.bad += 1 } } }
        perObject[object] = e
    }
    _ = t
    for (k, e) in perObject.sorted(by: { $0.key < $1.key }) {
        FileHandle.standardError.write(Data(String(format: "  obj %3d n %7d cov %.3f moving %.3f absrel %.3f bad %.3f\n", Int(k), e.n, Double(e.covered) / Double(e.n), Double(e.moving) / Double(e.n), e.err / Double(max(e.covered, 1)), Double(e.bad) / Double(max(e.covered, 1))).utf8))
    }
}
