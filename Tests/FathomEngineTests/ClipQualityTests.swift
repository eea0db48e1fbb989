import FathomCore
import FathomEngine
import FathomScenes
import FathomVision
import Foundation
import Testing

/// The consistency figures on clips whose answer is known by hand (a square that vanishes, or
/// moves as its flow says, or is covered by a nearer one), and on an injected teleport through
/// the whole engine: lower than its plausible twin, in [0, 1], deterministic.
@Suite struct ClipQualityTests {
    static let (width, height, frames) = (40, 30, 5)
    static let background: SIMD3<UInt8> = [128, 128, 128], red: SIMD3<UInt8> = [200, 60, 60], blue: SIMD3<UInt8> = [40, 40, 200]

    /// A clip of flat grey frames with 10 × 10 squares painted in: (frame, left column, colour, depth).
    private func clip(_ squares: [(frame: Int, left: Int, colour: SIMD3<UInt8>, depth: Float)], flows: [(forward: FlowField, backward: FlowField)]? = nil,
                      withDepth: Bool = false) -> ClipQuality {
        let (w, h, t) = (Self.width, Self.height, Self.frames)
        var rgb = [UInt8](repeating: 128, count: t * h * w * 3)
        var depth = [Float](repeating: withDepth ? 5 : .nan, count: t * h * w)
        for square in squares {
            for i in 10 ..< 20 {
                for j in square.left ..< square.left + 10 {
                    let p = (square.frame * h + i) * w + j
                    for c in 0 ..< 3 { rgb[p * 3 + c] = square.colour[c] }
                    if withDepth { depth[p] = square.depth }
                }
            }
        }
        let zero = FlowField.zero(width: w, height: h)
        let flow = flows ?? Array(repeating: (zero, zero), count: t - 1)
        let images = (0 ..< t).map { GrayImage(rgb: rgb[$0 * h * w * 3 ..< ($0 + 1) * h * w * 3], width: w, height: h) }
        let none = [[Bool]](repeating: [Bool](repeating: false, count: w * h), count: t)
        let motion = ClipMotion(images: images, forward: flow.map(\.forward), backward: flow.map(\.backward), hiddenNext: none, hiddenPrevious: none)
        let k: [Float] = [50, 0, 20, 0, 50, 15, 0, 0, 1]
        let identity = RigidTransform.identity.matrix4x4.map(Float.init)
        let labels = ClipLabels(id: "squares", source: "test", fps: 24, depthUnits: .relative, frameIndex: (0 ..< t).map(Int64.init),
                                timestamp: (0 ..< t).map { Double($0) / 24 }, rgb: nil, depth: Tensor(shape: [t, h, w], storage: depth),
                                depthConfidence: Tensor(shape: [t, h, w], storage: depth.map { $0.isNaN ? 0 : 255 }),
                                occlusion: Tensor(shape: [t, h, w], repeating: 0), intrinsics: Tensor(shape: [t, 3, 3], storage: (0 ..< t).flatMap { _ in k }),
                                worldFromCamera: Tensor(shape: [t, 4, 4], storage: (0 ..< t).flatMap { _ in identity }), tracks: .empty(frameCount: t))
        return ClipQuality(motion: motion, rgb: Tensor(shape: [t, h, w, 3], storage: rgb), labels: labels)
    }

    @Test func aVanishingSquareIsReplacedColour() {
        let quality = clip([(0, 15, Self.red, 2)])
        // Frame 0's square is not found in frame 1 (72 levels off in red and green), and frame 1's
        // grey is not found around the same pixels of frame 0 except along the square's rim: the
        // 8 × 8 inside fails both ways, in the first of four pairs.
        let expected = 64 * 72.0 / 255 / Double(Self.width * Self.height)
        #expect(abs(quality.figures["replacement_peak"]! - expected) < 1e-9, "\(quality.figures)")
        #expect(quality.figures["replacement_peak_frame"] == 0)
        #expect(abs(quality.consistency - exp(-expected / 0.001)) < 1e-12)
        #expect(quality.figures["depth_coverage"] == nil, "no depth, no geometric figures")
    }

    @Test func aSquareMovingAsItsFlowSaysIsExplained() {
        let (w, h) = (Self.width, Self.height)
        var squares: [(frame: Int, left: Int, colour: SIMD3<UInt8>, depth: Float)] = []
        var flows: [(forward: FlowField, backward: FlowField)] = []
        for t in 0 ..< Self.frames {
            squares.append((t, 5 + 3 * t, Self.red, 2))
            guard t < Self.frames - 1 else { continue }
            var forward = FlowField.zero(width: w, height: h), backward = forward
            for i in 10 ..< 20 {
                for j in 0 ..< 10 {
                    forward.u[i * w + 5 + 3 * t + j] = 3
                    backward.u[i * w + 5 + 3 * (t + 1) + j] = -3
                }
            }
            flows.append((forward, backward))
        }
        let quality = clip(squares, flows: flows, withDepth: true)
        // Background is covered at the square's front and revealed behind it, each failing one way only.
        #expect(quality.figures["replacement_peak"] == 0)
        #expect(quality.figures["uncovered_hiding_peak"] == 0, "what the square covers is farther away")
        #expect(quality.consistency == 1)
    }

    @Test func hidingWithoutANearerSurfaceIsUncovered() {
        let vanishing = clip([(0, 15, Self.red, 2)], withDepth: true)
        // The 10 × 10 square is lost and lands on background at depth 5 > 2: eroded, 8 × 8 pixels.
        #expect(abs(vanishing.figures["uncovered_hiding_peak"]! - 64.0 / Double(Self.width * Self.height)) < 1e-12)
        #expect(vanishing.figures["depth_coverage"] == 1)
        // The same square covered by a nearer blue one that stays: hidden, with an occluder in front
        // (the blue square comes from nowhere, which the replacement figure, not this one, counts).
        let covered = clip([(0, 15, Self.red, 2)] + (1 ..< Self.frames).map { ($0, 15, Self.blue, 1) }, withDepth: true)
        #expect(covered.figures["uncovered_hiding_peak"] == 0)
        #expect(covered.figures["replacement_peak"]! > 0)
    }

    @Test func aTeleportScoresBelowItsTwinThroughTheEngine() throws {
        let base = SceneCatalog.scene("tripod", width: 96, height: 72, frames: 12)!
        let pair = try #require(EventPair(.teleport, scene: base, seed: 2))
        let engine = ClipReconstructor()
        func labels(_ scene: Scene) -> (ClipLabels, StageTimings) {
            let renderer = SceneRenderer(scene: scene)
            let (t, h, w) = (scene.frameCount, scene.height, scene.width)
            let input = ClipInput(id: scene.name, source: "synth", fps: scene.fps, frameIndex: (0 ..< t).map(Int64.init),
                                  timestamp: (0 ..< t).map { scene.time(ofFrame: $0) },
                                  rgb: Tensor(shape: [t, h, w, 3], storage: (0 ..< t).flatMap { renderer.render(frame: $0).rgb }))
            var timings = StageTimings()
            return (engine.reconstruct(input, storeRGB: false, timings: &timings), timings)
        }
        func score(_ labels: ClipLabels) -> Double {
            guard case .number(let value)? = labels.quality["consistency"] else { return .nan }
            return value
        }
        let (plausible, timings) = labels(pair.plausible)
        let impossible = labels(pair.impossible).0
        #expect(timings.seconds["quality"] != nil)
        for value in [score(plausible), score(impossible)] { #expect(value >= 0 && value <= 1) }
        #expect(score(impossible) < score(plausible) - 0.3, "impossible \(score(impossible)), plausible \(score(plausible))")
        guard case .number(let frame)? = impossible.quality["replacement_peak_frame"] else { Issue.record("no replacement_peak_frame"); return }
        #expect(Int(frame) == pair.event.frame - 1, "the worst pair is the jump")
        #expect(labels(pair.impossible).0.quality == impossible.quality, "figures are deterministic")
    }
}
