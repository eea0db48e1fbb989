/// Scores of one label clip against its ground truth. A group is nil when the labels do not carry
/// what it measures, a figure is nil when it is undefined for the clip (ATE of a static camera).
public struct ClipScores: Sendable, Encodable, Equatable {
    public var clip: String
    public var truth: String
    public var frames: Int
    public var depth: DepthScores?
    public var cameras: CameraScores?
    public var tracks2D: TrackScores?
    public var tracks3D: Track3DScores?
    public var occlusion: OcclusionScores?

    enum CodingKeys: String, CodingKey {
        case clip, truth, frames, depth, cameras, occlusion
        case tracks2D = "tracks_2d"
        case tracks3D = "tracks_3d"
    }
}

/// Depth after per-clip median scale alignment, on pixels where the truth has depth.
public struct DepthScores: Sendable, Encodable, Equatable {
    /// Fraction of the static surface's pixels (with truth depth, not on a moving object) where
    /// the labels give a finite depth: where parallax makes depth observable. NaN (null) when no
    /// pixel shows static surface.
    public var coverage: Double
    /// The same on moving objects' pixels, nil when nothing moves: motion stereo cannot observe
    /// their depth, so a high figure here is not a merit.
    public var movingCoverage: Double?
    /// NaN (null in JSON), as is `scale`, when the labels give no depth at all.
    public var absRel: Double
    /// Fraction with max(d/d*, d*/d) < 1.25.
    public var delta125: Double
    /// The same on pixels with depth_confidence ≥ 128.
    public var confidentCoverage: Double
    public var confidentAbsRel: Double?
    public var confidentDelta125: Double?
    /// The scale that aligned the labels to the truth (1 for perfect metric depth).
    public var scale: Double

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeFigure(coverage, forKey: .coverage)
        try container.encodeIfPresent(movingCoverage, forKey: .movingCoverage)
        try container.encodeFigure(absRel, forKey: .absRel)
        try container.encodeFigure(delta125, forKey: .delta125)
        try container.encodeFigure(confidentCoverage, forKey: .confidentCoverage)
        try container.encodeIfPresent(confidentAbsRel, forKey: .confidentAbsRel)
        try container.encodeIfPresent(confidentDelta125, forKey: .confidentDelta125)
        try container.encodeFigure(scale, forKey: .scale)
    }

    enum CodingKeys: String, CodingKey {
        case coverage, movingCoverage, absRel, delta125, confidentCoverage, confidentAbsRel, confidentDelta125, scale
    }
}

extension KeyedEncodingContainer {
    /// JSON has no NaN: a figure that does not apply (the AbsRel of a clip without depth, such as
    /// a rotation-only one) is written as null.
    mutating func encodeFigure(_ value: Double, forKey key: Key) throws {
        if value.isFinite { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}

public struct CameraScores: Sendable, Encodable, Equatable {
    /// RMSE of camera centres after Sim(3) alignment, divided by the truth path length; nil when
    /// the truth camera does not move.
    public var ateOverPathLength: Double?
    /// RMSE of camera centres after Sim(3) alignment, in truth units.
    public var ate: Double?
    public var pathLength: Double
    /// Mean rotation error of frame-to-frame relative rotations, degrees per frame.
    public var rpeRotationDegrees: Double
    /// |fx − fx*| / fx* of the mean focal length (label fx scaled to truth pixels).
    public var focalError: Double
}

/// TAP-Vid metrics, coordinates scaled to 256 × 256, query frames excluded.
public struct TrackScores: Sendable, Encodable, Equatable {
    public var queries: Int
    /// Queries on pixels where the truth sees nothing (sky), not scored.
    public var skippedQueries: Int
    /// Fraction of truth-visible points within 1, 2, 4, 8, 16 px.
    public var within: [Double]
    public var deltaAvg: Double
    public var occlusionAccuracy: Double
    public var jaccard: [Double]
    public var averageJaccard: Double
}

/// TAPVid-3D's APD: points in each frame's camera, median-scaled, depth-adaptive thresholds.
public struct Track3DScores: Sendable, Encodable, Equatable {
    public var apd3D: Double
    public var within: [Double]
    /// NaN when no point has a label to align.
    public var scale: Double

    enum CodingKeys: String, CodingKey {
        case within, scale
        case apd3D = "apd_3d"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeFigure(apd3D, forKey: .apd3D)
        try container.encode(within, forKey: .within)
        try container.encodeFigure(scale, forKey: .scale)
    }
}

/// Bit 0 of the occlusion labels against true forward occlusion.
public struct OcclusionScores: Sendable, Encodable, Equatable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// The pixel counts behind them, so F1 can also be pooled over clips (`occlusion.f1_pooled`).
    public var truePositives: Int
    public var predictedPositives: Int
    public var actualPositives: Int

    /// F1 of all pixels of `scores` together: clips with more occlusion weigh more, unlike the
    /// mean of per-clip F1, where a clip with a few hidden pixels counts as much as any other.
    public static func pooledF1(_ scores: [OcclusionScores]) -> Double? {
        guard !scores.isEmpty else { return nil }
        let truePositives = scores.reduce(0) { $0 + $1.truePositives }
        let positives = scores.reduce(0) { $0 + $1.predictedPositives + $1.actualPositives }
        return positives > 0 ? 2 * Double(truePositives) / Double(positives) : 1
    }
}

/// All clips, and the mean of every figure over the clips that have it (plus the pooled occlusion F1).
public struct EvaluationReport: Sendable, Encodable, Equatable {
    public var clips: [ClipScores]
    public var overall: [String: Double]
}
