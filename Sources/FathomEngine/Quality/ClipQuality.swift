import FathomCore
import FathomVision
import Foundation

/// Per-clip consistency figures and the 0–1 `consistency` score (Schemas/README.md, "Quality
/// figures"): how far what the engine found in a clip agrees with a physical world seen by a
/// camera. Stored as clip attributes so users can filter clips, and printed by `fathom score`.
///
/// The score counts only violations that physical footage does not produce, whatever it shows:
///
///     consistency = exp(−(replacement_peak / 0.001 + uncovered_hiding_peak / 0.002))
///
/// `replacement_peak`: colour that the motion explains in neither direction, in the worst frame
/// pair above the clip's typical pair; 0.001 is 0.1 % of the image replaced at full contrast (or
/// 1 % at a tenth of it). `uncovered_hiding_peak` (only where the engine has confident depth):
/// share of the image that disappears with no nearer surface in front of it, above typical; 0.002
/// is 0.2 % of the image. Each tolerance costs a factor e. The other figures describe the clip
/// (flow quality, tracks, depth) and are not in the score.
public struct ClipQuality: Sendable, Equatable {
    /// Figure name (snake_case, as stored) → value.
    public let figures: [String: Double]
    /// 1 for a clip whose motion and geometry are explained everywhere, towards 0 the more they are not.
    public let consistency: Double

    /// The figures of a clip from its motion, its frames ([T, H, W, 3] sRGB) and its labels.
    public init(motion: ClipMotion, rgb: Tensor<UInt8>, labels: ClipLabels) {
        let flow = MotionConsistency(motion, rgb: rgb)
        let tracks = TrackConsistency(labels.tracks, replaced: flow.replaced, width: labels.width, height: labels.height)
        var figures: [String: Double] = [
            "flow_inconsistency": flow.inconsistent.median,
            "flow_inconsistency_peak": flow.inconsistent.peak,
            "photometric_residual": flow.residual.median,
            "photometric_residual_peak": flow.residual.peak,
            "replacement_peak": flow.replacement.peak,
            "replacement_peak_frame": Double(flow.replacement.worst),
            "track_jump_peak": tracks.jumps.peak,
            "track_vanish_peak": tracks.vanishings.peak,
            "track_survival": tracks.survival,
        ]
        if let textured = QueryTexture.texturedFraction(labels.tracks, images: motion.images) { figures["textured_track_fraction"] = textured }
        var penalty = flow.replacement.peak / 0.001
        if let geometry = GeometryConsistency(motion: motion, lost: flow.lost, labels: labels) {
            figures["depth_coverage"] = geometry.depthCoverage
            figures["uncovered_hiding_peak"] = geometry.uncoveredHiding.peak
            if let reprojection = geometry.reprojection { figures["depth_reprojection_px"] = reprojection }
            penalty += geometry.uncoveredHiding.peak / 0.002
        }
        self.figures = figures
        consistency = exp(-penalty)
    }

    /// The figures and the score as clip attributes.
    public var entries: [String: QualityValue] {
        figures.mapValues(QualityValue.number).merging(["consistency": .number(consistency)]) { $1 }
    }
}
