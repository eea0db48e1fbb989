import FathomCore
import FathomEngine
import FathomScenes
import FathomVision
import Foundation

/// How well the consistency score separates clips with an impossible event (teleport, vanish,
/// pass-through) from their plausible twins: `EventPair`s on every scene × seed, each clip run
/// through the engine, then the AUROC of 1 − consistency (impossible = positive), overall and per
/// event kind, and the share of pairs in which the impossible clip scores lower than its twin.
/// `geometry`: "engine" — the labels as the engine makes them; "truth" — the same motion, with the
/// scene's exact depth and cameras in place of the engine's (what the geometric figures add once
/// the engine estimates depth and cameras well).
func benchmarkConsistency(scenes: [String], seeds: Int, width: Int, height: Int, frames: Int, geometry: String) {
    var twins: [String: ClipScore] = [:]
    var pairs: [(kind: EventPair.Kind, plausible: ClipScore, impossible: ClipScore)] = []
    for kind in EventPair.Kind.allCases {
        for name in scenes {
            for seed in 1 ... seeds {
                let base = SceneCatalog.scene(name, width: width, height: height, frames: frames, seed: UInt32(seed))!
                guard let pair = EventPair(kind, scene: base, seed: UInt64(seed)) else {
                    printLine(["benchmark": "consistency", "kind": kind.rawValue, "scene": name, "seed": seed, "skipped": "no object can carry the event in view"])
                    continue
                }
                // Teleport and vanish pairs of a scene and seed share their plausible twin.
                let twinKey = "\(name)-\(seed)-\(kind == .passThrough ? "crossing" : "base")"
                let plausible = twins[twinKey] ?? ClipScore(pair.plausible, geometry: geometry)
                twins[twinKey] = plausible
                let impossible = ClipScore(pair.impossible, geometry: geometry)
                pairs.append((kind, plausible, impossible))
                for (clip, isImpossible) in [(plausible, false), (impossible, true)] {
                    var line: [String: Any] = ["benchmark": "consistency", "kind": kind.rawValue, "scene": name, "seed": seed, "impossible": isImpossible,
                                               "event_frame": pair.event.frame, "event": "\(pair.event)", "consistency": clip.consistency, "seconds": clip.seconds,
                                               "quality_seconds": clip.qualitySeconds, "geometry": geometry, "width": width, "height": height, "frames": frames]
                    for (figure, value) in clip.figures { line[figure] = value }
                    printLine(line)
                }
            }
        }
    }
    var summary: [String: Any] = ["benchmark": "consistency_auroc", "geometry": geometry, "pairs": pairs.count, "width": width, "height": height, "frames": frames]
    summary["auroc"] = auroc(positives: pairs.map { 1 - $0.impossible.consistency }, negatives: twins.values.map { 1 - $0.consistency })
    let clips = Array(twins.values) + pairs.map(\.impossible)
    summary["seconds_per_clip"] = clips.map(\.seconds).reduce(0, +) / Double(max(clips.count, 1))
    summary["quality_seconds_per_clip"] = clips.map(\.qualitySeconds).reduce(0, +) / Double(max(clips.count, 1))
    summary["paired_accuracy"] = Double(pairs.filter { $0.impossible.consistency < $0.plausible.consistency }.count) / Double(max(pairs.count, 1))
    for kind in EventPair.Kind.allCases {
        let ofKind = pairs.filter { $0.kind == kind }
        summary["auroc_\(kind.rawValue)"] = auroc(positives: ofKind.map { 1 - $0.impossible.consistency }, negatives: ofKind.map { 1 - $0.plausible.consistency })
        summary["paired_accuracy_\(kind.rawValue)"] = Double(ofKind.filter { $0.impossible.consistency < $0.plausible.consistency }.count) / Double(max(ofKind.count, 1))
        summary["pairs_\(kind.rawValue)"] = ofKind.count
    }
    printLine(summary)
}

/// One clip's figures and score.
private struct ClipScore {
    let figures: [String: Double]
    let consistency: Double
    /// Engine seconds for the clip, and of those the quality stage's.
    let seconds: Double
    let qualitySeconds: Double

    init(_ scene: Scene, geometry: String) {
        let renderer = SceneRenderer(scene: scene)
        let rendered = (0 ..< scene.frameCount).map { renderer.render(frame: $0) }
        let (t, h, w) = (scene.frameCount, scene.height, scene.width)
        let input = ClipInput(id: scene.name, source: "synth:\(scene.name)", fps: scene.fps, frameIndex: (0 ..< t).map(Int64.init),
                              timestamp: (0 ..< t).map { scene.time(ofFrame: $0) }, rgb: Tensor(shape: [t, h, w, 3], storage: rendered.flatMap(\.rgb)))
        let start = DispatchTime.now().uptimeNanoseconds
        var timings = StageTimings()
        var labels = ClipReconstructor().reconstruct(input, storeRGB: false, timings: &timings)
        seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        qualitySeconds = timings.seconds["quality"] ?? .nan
        guard geometry == "truth" else {
            figures = labels.quality.compactMapValues { if case .number(let value) = $0 { value } else { nil } }.filter { $0.key != "consistency" }
            consistency = if case .number(let value)? = labels.quality["consistency"] { value } else { .nan }
            return
        }
        // The engine's motion again (deterministic), judged with the scene's exact depth and cameras.
        let images = (0 ..< t).map { GrayImage(rgb: input.rgb.storage[$0 * h * w * 3 ..< ($0 + 1) * h * w * 3], width: w, height: h) }
        let motion = ClipMotion.estimate(images, flow: DenseOpticalFlow(options: OpticalFlowOptions(EngineOptions().flowPreset)))
        let referenceFromWorld = scene.worldFromCamera(frame: 0).inverse
        labels.depth = Tensor(shape: [t, h, w], storage: rendered.flatMap(\.depth))
        labels.depthConfidence = Tensor(shape: [t, h, w], storage: labels.depth.storage.map { $0.isNaN ? 0 : 255 })
        labels.worldFromCamera = Tensor(shape: [t, 4, 4], storage: (0 ..< t).flatMap { (referenceFromWorld * scene.worldFromCamera(frame: $0)).matrix4x4.map(Float.init) })
        labels.intrinsics = Tensor(shape: [t, 3, 3], storage: (0 ..< t).flatMap { _ in scene.intrinsics.matrix3x3.map(Float.init) })
        let quality = ClipQuality(motion: motion, rgb: input.rgb, labels: labels)
        figures = quality.figures
        consistency = quality.consistency
    }
}

/// Area under the ROC curve: the probability that a random positive scores above a random
/// negative, ties counting half (Mann–Whitney U).
private func auroc(positives: [Double], negatives: [Double]) -> Double {
    guard !positives.isEmpty, !negatives.isEmpty else { return .nan }
    var wins = 0.0
    for p in positives {
        for n in negatives { wins += p > n ? 1 : p == n ? 0.5 : 0 }
    }
    return wins / Double(positives.count * negatives.count)
}

private func printLine(_ object: [String: Any]) {
    print(String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
}
