@testable import FathomEngine
import FathomVision
import Testing

/// The depth stages on inputs small enough to know the answer by hand.
@Suite struct DepthStageTests {
    /// A frame-sized plane of one value.
    func plane(_ value: Float, width: Int = 8, height: Int = 6) -> [Float] {
        [Float](repeating: value, count: width * height)
    }

    /// Chains add up consecutive motions, and break where a pixel is hidden or leaves the view.
    @Test func chainsComposeAndStopAtOcclusionsAndBorders() {
        let (w, h) = (8, 6)
        let image = GrayImage(width: w, height: h, pixels: plane(0))
        let step = FlowField(width: w, height: h, u: plane(1), v: plane(0))
        var hidden = [[Bool]](repeating: [Bool](repeating: false, count: w * h), count: 4)
        hidden[1][2 * w + 3] = true
        let motion = ClipMotion(images: [image, image, image, image], forward: [step, step, step], backward: [step, step, step],
                                hiddenNext: hidden, hiddenPrevious: hidden)
        let working = WorkingMotion(motion, intrinsics: .init(fx: 10, fy: 10, cx: 4, cy: 3), level: 0)
        let twice = ChainedFlow(working, forwards: true).doubled()
        #expect(twice.span == 2)
        // Frame 0, row 4: one pixel right per frame, two in all; the last column leaves the view.
        #expect(twice.u[0][4 * w + 2] == 2 && twice.v[0][4 * w + 2] == 0)
        #expect(twice.u[0][4 * w + 7].isNaN)
        // Row 2 of frame 0 passes pixel (2, 3) of frame 1, hidden there: its chain, and its
        // bilinear neighbours', stop.
        #expect(twice.u[0][2 * w + 2].isNaN)
        // Frames whose partner is outside the clip have no correspondences.
        #expect(twice.u[2].isEmpty && twice.u[3].isEmpty)
    }

    /// Evidence becomes inverse depth only when it is confident and consistent; confident
    /// negative inverse depth (behind the cameras) and dominant conflict mean independent motion.
    @Test func inverseDepthFromEvidence() {
        let image = GrayImage(width: 5, height: 1, pixels: [0, 10, 0, 10, 0])
        var evidence = ParallaxEvidence(texture: StructureTensor(image))
        // σ_ρ = 1/√information = 0.01 everywhere it is measured.
        evidence.information = [1e4, 1e4, 1e4, 1e4, 0]
        evidence.weightedParallax = [0.5 * 1e4, 0.02 * 1e4, -0.5 * 1e4, 0.5 * 1e4, 0]
        evidence.conflict = [0, 0, 0, 2e4, 0]
        let estimate = InverseDepth(evidence, givenMoving: nil, minimumParallaxRatio: 4)
        #expect(estimate.rho[0] == 0.5 && !estimate.moving[0])
        #expect(estimate.rho[1].isNaN && !estimate.moving[1], "2σ from infinity: too far to tell, not moving")
        #expect(estimate.rho[2].isNaN && estimate.moving[2], "behind the cameras")
        #expect(estimate.rho[3].isNaN && estimate.moving[3], "conflicting views outweigh agreeing ones")
        #expect(estimate.rho[4].isNaN && !estimate.moving[4], "nothing measured")
        #expect(abs(estimate.consistency[0] - 1) < 1e-6)
    }
}
