import FathomCore
@testable import FathomGeometry
@testable import FathomEval
import FathomScenes
import FathomTestSupport
import Testing

/// The camera pipeline on exact tracks of the synthetic scenes (focal length unknown): poses,
/// focal length, status and moving tracks against the truth.
@Suite struct CameraEstimatorTests {
    static let (width, height) = (96, 72)

    /// `knownFocal`: give the truth's intrinsics (skips the focal search, which dominates debug time).
    static func run(_ name: String, frames: Int, knownFocal: Bool = false) -> (truth: SceneTruth, solution: CameraSolution) {
        let scene = SceneCatalog.scene(name, width: width, height: height, frames: frames)!
        let truth = SceneTruth(scene: scene, trackSpacing: 6)
        let solution = CameraEstimator().estimate(tracks: truth.labels.tracks, width: width, height: height,
                                                  knownIntrinsics: knownFocal ? scene.intrinsics : nil, referenceFrame: 0)
        return (truth, solution)
    }

    /// `fathom eval`'s camera scores of the solution against the truth.
    static func errors(_ solution: CameraSolution, _ truth: SceneTruth) throws -> (ate: Double?, rpe: Double, focal: Double) {
        let labels = truth.labels(intrinsics: solution.intrinsics, worldFromCamera: solution.worldFromCamera)
        let scores = try #require(try ClipEvaluator(labels: labels, truth: GroundTruthClip(truth, name: "truth")).cameraScores())
        return (scores.ateOverPathLength, scores.rpeRotationDegrees, scores.focalError)
    }

    @Test func orbitWithParallaxIsExact() throws {
        let (truth, solution) = Self.run("orbit", frames: 20)
        #expect(solution.status == .ok && solution.depthObservable)
        #expect(solution.registered.allSatisfy { $0 })
        let (ate, rpe, focal) = try Self.errors(solution, truth)
        #expect(try #require(ate) < 0.01, "ATE/path \(ate ?? .nan)")
        #expect(rpe < 0.05, "RPE \(rpe)°/frame")
        #expect(focal < 0.03, "focal \(solution.intrinsics.fx)")
        #expect(solution.quality["focal_source"] == .text("estimated"))
        #expect(solution.worldFromCamera[0] == .identity)
        #expect(solution.trackIsMoving.filter { $0 }.isEmpty, "nothing moves in the orbit scene")
        // Scale: the reference frame's static points have median depth 1.
        let depths = solution.trackPoints.compactMap { $0?.z }.sorted()
        #expect(abs(depths[depths.count / 2] - 1) < 0.2)
    }

    @Test func dynamicSceneFlagsTheMoversAndKeepsTheCameras() throws {
        let (truth, solution) = Self.run("dynamic", frames: 16, knownFocal: true)
        #expect(solution.status == .ok)
        #expect(solution.quality["focal_source"] == .text("given"))
        let (ate, rpe, focal) = try Self.errors(solution, truth)
        #expect(try #require(ate) < 0.02, "ATE/path \(ate ?? .nan)")
        #expect(rpe < 0.1, "RPE \(rpe)°/frame")
        #expect(focal == 0)
        // Movers that barely move in a short clip cannot be told from parallax: recall is modest. Two
        // static tracks seen in only three frames at the left border (a two-frame baseline at 96 px)
        // triangulate too poorly to be told from movers: 8 of the 10 flagged tracks are on movers.
        let (precision, recall) = truth.movingAgreement(solution.trackIsMoving, tracks: truth.labels.tracks)
        #expect(precision >= 0.8 && recall > 0.3, "moving precision \(precision), recall \(recall)")
    }

    @Test func panIsRotationOnlyWithAccurateRotations() throws {
        let (truth, solution) = Self.run("pan", frames: 16)
        #expect(solution.status == .rotationOnly && !solution.depthObservable)
        #expect(solution.worldFromCamera.allSatisfy { $0.translation == .zero })
        let (_, rpe, focal) = try Self.errors(solution, truth)
        #expect(rpe < 0.05, "RPE \(rpe)°/frame")
        #expect(focal < 0.03, "focal \(solution.intrinsics.fx)")
    }

    @Test func tripodIsStaticAndItsMoversAreFlagged() throws {
        let (truth, solution) = Self.run("tripod", frames: 24)
        #expect(solution.status == .static && !solution.depthObservable)
        #expect(solution.worldFromCamera.allSatisfy { $0 == .identity })
        #expect(solution.quality["focal_source"] == .text("prior"))
        let (precision, recall) = truth.movingAgreement(solution.trackIsMoving, tracks: truth.labels.tracks)
        #expect(precision > 0.95 && recall > 0.6, "moving precision \(precision), recall \(recall)")
    }

    @Test func sameTracksGiveBitIdenticalCameras() {
        let scene = SceneCatalog.scene("dynamic", width: 96, height: 72, frames: 12)!
        let truth = SceneTruth(scene: scene, trackSpacing: 8)
        let estimate = { CameraEstimator().estimate(tracks: truth.labels.tracks, width: 96, height: 72, knownIntrinsics: scene.intrinsics, referenceFrame: 0) }
        let first = estimate()
        #expect(first.status == .ok)
        #expect(first == estimate())
    }

    @Test func framesThatCannotBeRegisteredAreMarkedNotGuessed() {
        let scene = SceneCatalog.scene("orbit", width: 96, height: 72, frames: 12)!
        let truth = SceneTruth(scene: scene, trackSpacing: 6)
        // From frame 9 on every track jumps to a random place: no camera explains those frames.
        var tracks = truth.labels.tracks
        var random = SplitMix(seed: 21)
        for q in 0 ..< tracks.count {
            for frame in 9 ..< 12 {
                let base = (q * 12 + frame) * 2
                tracks.uv.storage[base] = Float(random.unit() * 96)
                tracks.uv.storage[base + 1] = Float(random.unit() * 72)
            }
        }
        let solution = CameraEstimator().estimate(tracks: tracks, width: 96, height: 72, knownIntrinsics: scene.intrinsics, referenceFrame: 0)
        #expect(solution.status == .partial)
        #expect(solution.registered == Array(repeating: true, count: 9) + Array(repeating: false, count: 3))
        #expect(solution.worldFromCamera[9...].allSatisfy { $0 == solution.worldFromCamera[8] }, "copied from the nearest registered frame")
        #expect(solution.quality["unregistered_frames"] == .text("9,10,11"))
    }

    @Test func tooFewTracksFailHonestly() {
        let truth = SceneTruth(scene: SceneCatalog.scene("orbit", width: 96, height: 72, frames: 6)!, trackSpacing: 48)
        let solution = CameraEstimator().estimate(tracks: truth.labels.tracks, width: 96, height: 72, knownIntrinsics: nil, referenceFrame: 0)
        #expect(solution.status == .failed && !solution.depthObservable)
        #expect(solution.registered.allSatisfy { !$0 })
    }
}

