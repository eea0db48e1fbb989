import FathomCore
import FathomGeometry
import Foundation

extension ClipEvaluator {
    /// ATE of camera centres after Sim(3) alignment (over the truth path length) and RPE rotation.
    func cameraScores() throws(FathomError) -> CameraScores? {
        let predicted = (0 ..< labels.frameCount).map { labels.worldFromCameraOfFrame($0) }
        let actual = truthFrames.map { truth.labels.worldFromCameraOfFrame($0) }
        guard predicted.count >= 2 else { return nil }
        var pathLength = 0.0
        for t in 1 ..< actual.count { pathLength += length(actual[t].translation - actual[t - 1].translation) }
        var ate: Double?
        if pathLength > 1e-9, let alignment = try? SimilarityAlignment.align(source: predicted.map(\.translation), target: actual.map(\.translation)) {
            let squared = zip(predicted, actual).map { p, g in
                let r = alignment * p.translation - g.translation
                return dot(r, r)
            }
            ate = (squared.reduce(0, +) / Double(squared.count)).squareRoot()
        } else if pathLength > 1e-9 {
            // The labels' camera does not move while the truth's does: the error is the whole path's spread.
            let mean = actual.map(\.translation).reduce(.zero, +) / Double(actual.count)
            ate = (actual.map { dot($0.translation - mean, $0.translation - mean) }.reduce(0, +) / Double(actual.count)).squareRoot()
        }
        var rotationError = 0.0
        for t in 1 ..< predicted.count {
            let relativePredicted = predicted[t - 1].rotation.transposed * predicted[t].rotation
            let relativeActual = actual[t - 1].rotation.transposed * actual[t].rotation
            rotationError += angleDegrees(relativeActual.transposed * relativePredicted)
        }
        let focal = (0 ..< labels.frameCount).map { labels.intrinsicsOfFrame($0).fx * scale.x }.reduce(0, +) / Double(labels.frameCount)
        let truthFocal = truthFrames.map { truth.labels.intrinsicsOfFrame($0).fx }.reduce(0, +) / Double(truthFrames.count)
        return CameraScores(ateOverPathLength: pathLength > 1e-9 ? ate.map { $0 / pathLength } : nil, ate: ate,
                            pathLength: pathLength, rpeRotationDegrees: rotationError / Double(predicted.count - 1),
                            focalError: abs(focal - truthFocal) / truthFocal)
    }
}

/// Rotation angle of a rotation matrix, degrees; atan2 of sine and cosine stays accurate for the
/// tiny angles between float32 poses, where acos of the trace would not.
func angleDegrees(_ r: Matrix3) -> Double {
    let axis = SIMD3(r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1])
    return atan2(length(axis) / 2, (r[0, 0] + r[1, 1] + r[2, 2] - 1) / 2) * 180 / .pi
}
