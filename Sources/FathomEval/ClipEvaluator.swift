import FathomCore

/// Scores one label clip against the ground truth of the scene it was computed from. Labels may
/// be at another resolution (coordinates and K are scaled) and on a subset of the truth frames
/// (matched by `frame_index`).
public struct ClipEvaluator: Sendable {
    public let labels: ClipLabels
    public let truth: GroundTruthClip
    /// Truth frame of each label frame.
    let truthFrames: [Int]
    /// Label pixels → truth pixels.
    let scale: SIMD2<Double>

    public init(labels: ClipLabels, truth: GroundTruthClip) throws(FathomError) {
        var frames: [Int] = []
        for index in labels.frameIndex {
            guard let frame = truth.frameOfIndex[index] else {
                throw FathomError("eval.frameMismatch", "clip '\(labels.id)' labels source frame \(index), which ground truth '\(truth.path)' does not have")
            }
            frames.append(frame)
        }
        self.labels = labels
        self.truth = truth
        truthFrames = frames
        scale = [Double(truth.labels.width) / Double(labels.width), Double(truth.labels.height) / Double(labels.height)]
    }

    public func evaluate() throws(FathomError) -> ClipScores {
        ClipScores(clip: labels.id, truth: truth.path, frames: labels.frameCount,
                   depth: depthScores(), cameras: try cameraScores(), tracks2D: trackScores(),
                   tracks3D: track3DScores(), occlusion: occlusionScores())
    }

    /// The truth pixel (flat index within a frame) under the centre of label pixel (i, j).
    func truthPixel(row i: Int, column j: Int) -> Int {
        let x = min(Int((Double(j) + 0.5) * scale.x), truth.labels.width - 1)
        let y = min(Int((Double(i) + 0.5) * scale.y), truth.labels.height - 1)
        return y * truth.labels.width + x
    }

    func toTruth(_ uv: SIMD2<Double>) -> SIMD2<Double> { uv * scale }
}

