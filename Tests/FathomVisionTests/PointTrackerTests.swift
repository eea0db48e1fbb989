import FathomVision
import Foundation
import Testing

/// The tracker's re-acquisition: a point flagged hidden is found again where it is predicted to be.
@Suite struct PointTrackerTests {
    /// A still, textured scene whose mask wrongly flags every pixel hidden between frames 0 and 1:
    /// the point is predicted (zero velocity) exactly onto its source patch, which the search
    /// cannot improve on, and must be taken as found there rather than carried on as hidden.
    @Test func hiddenPointIsFoundAgainWhereItIsPredicted() {
        let (w, h, frames) = (48, 40, 3)
        let pixels = (0 ..< w * h).map { p -> Float in
            let (x, y) = (Float(p % w), Float(p / w))
            return 128 + 60 * sin(0.7 * x) * cos(0.45 * y + 0.3 * x) + 30 * sin(0.23 * y)
        }
        let image = GrayImage(width: w, height: h, pixels: pixels)
        let still = FlowField.zero(width: w, height: h)
        let none = [Bool](repeating: false, count: w * h), all = [Bool](repeating: true, count: w * h)
        let motion = ClipMotion(images: Array(repeating: image, count: frames), forward: [still, still], backward: [still, still],
                                hiddenNext: [all, none, none], hiddenPrevious: [none, none, none])
        let labels = PointTracker().track(queries: [[0, 20.5, 18.5]], motion)
        #expect(labels.visible.storage == [1, 1, 1])
        #expect(labels.uv.storage == [20.5, 18.5, 20.5, 18.5, 20.5, 18.5])
        #expect(labels.confidence.storage[1] < 255, "found again after being hidden, not followed")
    }
}
