import FathomCore
import FathomEngine
import FathomEval
import FathomScenes
import FathomTestSupport
import Testing

/// The engine end to end on rendered frames: its own flow and tracks, then cameras, scored by
/// `fathom eval` against the truth.
@Suite struct CameraStageTests {
    @Test func orbitFramesGiveCamerasWithinTargets() throws {
        let (w, h, t) = (128, 96, 12)
        let scene = SceneCatalog.scene("orbit", width: w, height: h, frames: t)!
        let truth = SceneTruth(scene: scene, trackSpacing: 16)
        // Intrinsics from the "manifest": the focal search is covered by the geometry tests and the benchmark.
        let input = ClipInput(id: truth.labels.id, source: truth.labels.source, fps: truth.labels.fps, frameIndex: truth.labels.frameIndex,
                              timestamp: truth.labels.timestamp, rgb: truth.labels.rgb!, knownIntrinsics: scene.intrinsics)
        var timings = StageTimings()
        let labels = ClipReconstructor().reconstruct(input, storeRGB: false, timings: &timings)
        #expect(timings.seconds["cameras"] != nil)
        #expect(labels.quality["geometry_status"] == .text("ok"))
        #expect(labels.quality["registered_fraction"] == .number(1))
        #expect(labels.tracks.xyz != nil && timings.seconds["depth"] != nil)
        let evaluation = try ClipEvaluator(labels: labels, truth: GroundTruthClip(truth, name: "orbit")).evaluate()
        // The depth stage runs on these cameras: end to end, depth is close to the truth.
        let depth = try #require(evaluation.depth)
        #expect(depth.absRel < 0.15 && depth.coverage > 0.5, "depth AbsRel \(depth.absRel), coverage \(depth.coverage)")
        let scores = try #require(evaluation.cameras)
        #expect(try #require(scores.ateOverPathLength) < 0.03, "ATE/path \(scores.ateOverPathLength ?? .nan)")
        #expect(scores.rpeRotationDegrees < 0.1, "RPE \(scores.rpeRotationDegrees)°/frame")
        #expect(scores.focalError < 1e-6)
    }

    /// The tracks the camera stage finds moving keep the depth stage from giving those objects a
    /// static scene's depth (with them 27 % of the movers' pixels get depth, AbsRel 0.035; without,
    /// 49 % and 0.056). Intrinsics given: the focal search is not what this is about.
    @Test func moversFoundByTheCamerasGetNoStaticSceneDepth() throws {
        let scene = SceneCatalog.scene("fast", width: 240, height: 180, frames: 24)!
        let truth = SceneTruth(scene: scene, trackSpacing: 16)
        let input = ClipInput(id: truth.labels.id, source: truth.labels.source, fps: truth.labels.fps, frameIndex: truth.labels.frameIndex,
                              timestamp: truth.labels.timestamp, rgb: truth.labels.rgb!, knownIntrinsics: scene.intrinsics)
        var timings = StageTimings()
        let labels = ClipReconstructor().reconstruct(input, storeRGB: false, timings: &timings)
        let depth = try #require(try ClipEvaluator(labels: labels, truth: GroundTruthClip(truth, name: "fast")).evaluate().depth)
        #expect(try #require(depth.movingCoverage) < 0.35, "moving objects' pixels with depth: \(depth.movingCoverage ?? .nan)")
        #expect(depth.absRel < 0.045 && depth.coverage > 0.9, "depth AbsRel \(depth.absRel), coverage \(depth.coverage)")
    }
}
