import FathomCore
import FathomShards
import Foundation

/// `fathom eval`: every clip of the label shards scored against the ground truth of the scene its
/// source video was rendered from (`<truth>/<scene>.h5`, written by `fathom synth`).
public struct Evaluation {
    public let truthDirectory: String
    private var truthCache: [String: GroundTruthClip] = [:]

    public init(truthDirectory: String) {
        self.truthDirectory = truthDirectory
    }

    /// The scene a clip's source names: `scenes/orbit.mp4`, `synth:orbit` → `orbit`.
    public static func sceneName(ofSource source: String) -> String {
        let last = source.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? source
        return (last as NSString).deletingPathExtension
    }

    /// Scores every clip of `shards`; `progress` hears each clip as it is done.
    public mutating func evaluate(_ shards: [String], progress: (ClipScores) -> Void = { _ in }) throws(FathomError) -> EvaluationReport {
        var clips: [ClipScores] = []
        for path in shards {
            let reader = try ShardReader(path: path)
            for id in try reader.clipIDs() {
                let labels = try reader.clip(id)
                let scores = try ClipEvaluator(labels: labels, truth: try truth(for: labels)).evaluate()
                progress(scores)
                clips.append(scores)
            }
        }
        return EvaluationReport(clips: clips, overall: Self.overall(clips))
    }

    private mutating func truth(for labels: ClipLabels) throws(FathomError) -> GroundTruthClip {
        let name = Self.sceneName(ofSource: labels.source)
        if let cached = truthCache[name] { return cached }
        let path = (truthDirectory as NSString).appendingPathComponent("\(name).h5")
        guard FileManager.default.fileExists(atPath: path) else {
            throw FathomError("eval.noTruth", "no ground truth for clip '\(labels.id)' (source '\(labels.source)'): expected '\(path)'; write it with 'fathom synth --scene \(name) --out \(truthDirectory)'")
        }
        let truth = try GroundTruthClip(path: path)
        truthCache[name] = truth
        return truth
    }

    /// Mean of every figure over the clips that have it, keyed "group.figure", and the occlusion
    /// F1 of all clips' pixels pooled ("occlusion.f1_pooled").
    static func overall(_ clips: [ClipScores]) -> [String: Double] {
        var sums: [String: (Double, Int)] = [:]
        for clip in clips {
            for (key, value) in clip.figures where value.isFinite {
                let (sum, count) = sums[key] ?? (0, 0)
                sums[key] = (sum + value, count + 1)
            }
        }
        var overall = sums.mapValues { $0.0 / Double($0.1) }
        overall["occlusion.f1_pooled"] = OcclusionScores.pooledF1(clips.compactMap(\.occlusion))
        return overall
    }
}

extension ClipScores {
    /// The headline figures, flat, in report order.
    public var figures: KeyValuePairs<String, Double> {
        [
            "depth.coverage": depth?.coverage ?? .nan, "depth.moving_coverage": depth?.movingCoverage ?? .nan, "depth.abs_rel": depth?.absRel ?? .nan, "depth.delta_1.25": depth?.delta125 ?? .nan,
            "depth.confident_abs_rel": depth?.confidentAbsRel ?? .nan,
            "cameras.ate_over_path": cameras?.ateOverPathLength ?? .nan, "cameras.rpe_rotation_deg": cameras?.rpeRotationDegrees ?? .nan,
            "cameras.focal_error": cameras?.focalError ?? .nan,
            "tracks_2d.delta_avg": tracks2D?.deltaAvg ?? .nan, "tracks_2d.occlusion_accuracy": tracks2D?.occlusionAccuracy ?? .nan,
            "tracks_2d.average_jaccard": tracks2D?.averageJaccard ?? .nan, "tracks_3d.apd_3d": tracks3D?.apd3D ?? .nan,
            "occlusion.precision": occlusion?.precision ?? .nan, "occlusion.recall": occlusion?.recall ?? .nan, "occlusion.f1": occlusion?.f1 ?? .nan,
        ]
    }
}
