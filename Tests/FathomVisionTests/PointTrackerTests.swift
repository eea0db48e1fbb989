import FathomVision
import Foundation
import Testing

/// The tracker's re-acquisition (a point flagged hidden is found again where it is predicted to
/// be) and its warped source patch (perspective does not pull a track off its point).
@Suite struct PointTrackerTests {
    /// A camera moving towards a textured wall: every frame is the previous one zoomed 4 % about
    /// the centre, and the flow is exact. A point off-centre must stay on its exact path. Matched
    /// as a fixed square, the source patch no longer fits the grown texture, and the correction
    /// pulls the point off it (0.16 px by the fifth frame).
    @Test func zoomedPatchStaysOnItsPoint() {
        let (w, h, frames) = (96, 80, 12)
        let zoom: Float = 1.04
        let centre = SIMD2<Float>(Float(w) / 2, Float(h) / 2)
        func texture(_ p: SIMD2<Float>) -> Float {
            128 + 50 * sin(0.55 * p.x + 0.2 * p.y) * cos(0.35 * p.y) + 35 * sin(0.27 * p.x - 0.41 * p.y + 1)
        }
        let images = (0 ..< frames).map { t in
            let scale = pow(zoom, Float(t))
            return GrayImage(width: w, height: h, pixels: (0 ..< w * h).map { p in
                texture(centre + (SIMD2(Float(p % w), Float(p / w)) - centre) / scale)
            })
        }
        func flow(_ factor: Float) -> FlowField {
            FlowField(width: w, height: h, u: (0 ..< w * h).map { (factor - 1) * (Float($0 % w) - centre.x) },
                      v: (0 ..< w * h).map { (factor - 1) * (Float($0 / w) - centre.y) })
        }
        let none = [[Bool]](repeating: [Bool](repeating: false, count: w * h), count: frames)
        let motion = ClipMotion(images: images, forward: Array(repeating: flow(zoom), count: frames - 1),
                                backward: Array(repeating: flow(1 / zoom), count: frames - 1), hiddenNext: none, hiddenPrevious: none)
        let source = centre + SIMD2(14, 9)
        let labels = PointTracker().track(queries: [[0, source.x + 0.5, source.y + 0.5]], motion)
        for t in 0 ..< frames {
            let truth = centre + pow(zoom, Float(t)) * (source - centre)
            let tracked = SIMD2(labels.uv.storage[t * 2], labels.uv.storage[t * 2 + 1]) - 0.5
            #expect(labels.visible.storage[t] == 1)
            #expect(((tracked - truth) * (tracked - truth)).sum().squareRoot() < 0.05, "frame \(t): tracked \(tracked), truth \(truth)")
        }
    }

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
