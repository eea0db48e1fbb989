import FathomCore
@testable import FathomEval
import FathomScenes
import FathomShards
import FathomTestSupport
import Foundation
import Testing

/// Perfect labels score perfectly; each known perturbation changes exactly the figures it should.
@Suite struct EvaluationTests {
    let directory = TemporaryDirectory()
    let truth: SceneTruth
    let truthClip: GroundTruthClip

    init() throws {
        let scene = SceneCatalog.scene("dynamic", width: 64, height: 48, frames: 6)!
        truth = SceneTruth(scene: scene, trackSpacing: 8)
        let path = directory.file("dynamic.h5")
        let writer = try ShardWriter(path: path, header: SampleShards.header, options: .init(depthPrecision: .float32))
        try writer.append(truth.labels, extras: truth.extras)
        try writer.finish()
        truthClip = try GroundTruthClip(path: path)
    }

    func score(_ labels: ClipLabels) throws -> ClipScores {
        try ClipEvaluator(labels: labels, truth: truthClip).evaluate()
    }

    @Test func truthScoresPerfectly() throws {
        let s = try score(truth.labels)
        #expect(s.depth?.absRel == 0 && s.depth?.delta125 == 1 && s.depth?.coverage == 1)
        #expect(try #require(s.cameras?.ate) < 1e-5, "ATE \(s.cameras?.ate ?? -1)")
        #expect(try #require(s.cameras?.rpeRotationDegrees) < 1e-3)
        #expect(s.tracks2D?.deltaAvg == 1 && s.tracks2D?.occlusionAccuracy == 1 && s.tracks2D?.averageJaccard == 1)
        #expect(s.tracks2D?.skippedQueries == 0)
        #expect(s.tracks3D?.apd3D == 1)
        #expect(s.occlusion?.f1 == 1)
    }

    @Test func depthScaleDoesNotMatterButHolesDo() throws {
        var labels = truth.labels
        labels.depth.storage = labels.depth.storage.map { $0 * 2.5 }
        let scaled = try #require(try score(labels).depth)
        #expect(scaled.absRel < 1e-6 && abs(scaled.scale - 0.4) < 1e-6)
        for i in stride(from: 0, to: labels.depth.count, by: 2) { labels.depth.storage[i] = .nan }
        let holes = try #require(try score(labels).depth)
        #expect(abs(holes.coverage - 0.5) < 0.02, "coverage \(holes.coverage)")
    }

    /// Coverage counts the static surface, where parallax makes depth observable; moving
    /// objects' pixels are counted apart, so leaving them unknown costs no coverage.
    @Test func movingObjectsAreCountedApartFromCoverage() throws {
        #expect(truthClip.objectMoves.contains(true) && truthClip.objectMoves.contains(false))
        var labels = truth.labels
        var movingPixels = 0
        for p in labels.depth.storage.indices where truthClip.objectMoves.indices.contains(Int(truth.objectIndex.storage[p]))
            && truthClip.objectMoves[Int(truth.objectIndex.storage[p])] {
            labels.depth.storage[p] = .nan
            movingPixels += 1
        }
        #expect(movingPixels > 0)
        let withoutMovers = try #require(try score(labels).depth)
        #expect(withoutMovers.coverage == 1 && withoutMovers.movingCoverage == 0 && withoutMovers.absRel == 0)
        #expect(try score(truth.labels).depth?.movingCoverage == 1)
    }

    /// A clip without any depth (rotation-only, say) has no AbsRel: the report says null, and
    /// `fathom eval --json` still writes it (JSON has no NaN).
    @Test func clipWithoutDepthReportsNullAbsRel() throws {
        var labels = truth.labels
        labels.depth.storage = labels.depth.storage.map { _ in .nan }
        let scores = try score(labels)
        #expect(scores.depth?.coverage == 0 && scores.depth?.absRel.isNaN == true)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(scores)) as? [String: Any]
        let depth = try #require(json?["depth"] as? [String: Any])
        #expect(depth["absRel"] is NSNull && depth["scale"] is NSNull && depth["coverage"] as? Double == 0)
    }

    @Test func depthNoiseLowersDepthScores() throws {
        var labels = truth.labels
        var random = SplitMix(seed: 3)
        labels.depth.storage = labels.depth.storage.map { $0 * Float(1 + 1.2 * (random.unit() - 0.5)) }
        let noisy = try #require(try score(labels).depth)
        #expect(noisy.absRel > 0.1, "AbsRel \(noisy.absRel)")
        #expect(noisy.delta125 > 0.3 && noisy.delta125 < 0.9, "δ<1.25 \(noisy.delta125)")
    }

    @Test func aOnePointFivePixelShiftFailsOnlyTheOnePixelThreshold() throws {
        var labels = truth.labels
        let t = labels.frameCount
        let shift = Float(1.5 * 64.0 / 256.0)  // 1.5 px at 256 px
        for q in 0 ..< labels.tracks.count {
            let start = Int(labels.tracks.query.storage[q * 3])
            for frame in 0 ..< t where frame != start {
                labels.tracks.uv.storage[(q * t + frame) * 2] += shift
            }
        }
        let s = try #require(try score(labels).tracks2D)
        #expect(s.within == [0, 1, 1, 1, 1])
        #expect(abs(s.deltaAvg - 0.8) < 1e-12 && s.occlusionAccuracy == 1 && abs(s.averageJaccard - 0.8) < 1e-12)
    }

    @Test func flippedVisibilityLowersOcclusionAccuracy() throws {
        var labels = truth.labels
        labels.tracks.visible.storage = labels.tracks.visible.storage.map { 1 - $0 }
        let s = try #require(try score(labels).tracks2D)
        #expect(s.occlusionAccuracy == 0)
        #expect(s.deltaAvg == 1, "positions are untouched")
        #expect(s.averageJaccard < 0.5)
    }

    @Test func rotationDriftShowsInRPE() throws {
        var labels = truth.labels
        for frame in 0 ..< labels.frameCount {
            let drift = RigidTransform(rotation: .rotation(axis: [0, 0, 1], angle: 0.2 * Double(frame) * .pi / 180), translation: .zero)
            let pose = labels.worldFromCameraOfFrame(frame) * drift
            labels.worldFromCamera.storage.replaceSubrange(frame * 16 ..< frame * 16 + 16, with: pose.matrix4x4.map(Float.init))
        }
        let s = try #require(try score(labels).cameras)
        #expect(abs(s.rpeRotationDegrees - 0.2) < 0.005, "RPE \(s.rpeRotationDegrees)")
    }

    @Test func cameraTranslationNoiseShowsInATE() throws {
        var labels = truth.labels
        var random = SplitMix(seed: 5)
        for frame in 1 ..< labels.frameCount {
            for axis in 0 ..< 3 { labels.worldFromCamera.storage[frame * 16 + axis * 4 + 3] += Float(0.05 * (random.unit() - 0.5)) }
        }
        let s = try #require(try score(labels).cameras)
        #expect(try #require(s.ateOverPathLength) > 0.001)
        #expect(s.pathLength > 0)
    }

    @Test func scaled3DTracksKeepAPDButNoiseLowersIt() throws {
        var labels = truth.labels
        labels.tracks.xyz!.storage = labels.tracks.xyz!.storage.map { $0 * 3 }
        labels.worldFromCamera.storage = labels.worldFromCamera.storage.enumerated().map { i, v in i % 16 == 3 || i % 16 == 7 || i % 16 == 11 ? v * 3 : v }
        #expect(try #require(try score(labels).tracks3D?.apd3D) > 0.999)
        var random = SplitMix(seed: 9)
        labels.tracks.xyz!.storage = labels.tracks.xyz!.storage.map { $0 + Float(3 * (random.unit() - 0.5)) }
        #expect(try #require(try score(labels).tracks3D?.apd3D) < 0.9)
    }

    /// TAPVid-3D's thresholds are back-projected pixels of the video resized to a short side of
    /// 256: an error of 1.03 such pixels misses the 1-pixel threshold and meets the 2-pixel one,
    /// 0.97 meets both, whatever the truth's own resolution.
    @Test func apdThresholdsAreIn256PixelUnits() throws {
        let toUnit = 256 / Double(min(truth.labels.width, truth.labels.height))
        for (pixels, expected) in [(1.03, [0.0, 1, 1, 1, 1]), (0.97, [1.0, 1, 1, 1, 1])] {
            var labels = truth.labels
            let t = labels.frameCount
            let xyz = labels.tracks.xyz!.storage
            for frame in 0 ..< t {
                let worldFromCamera = labels.worldFromCameraOfFrame(frame)
                let k = truthClip.follower.intrinsics[frame]
                let focal = (k.fx * k.fy).squareRoot() * toUnit
                for q in 0 ..< labels.tracks.count {
                    let base = (q * t + frame) * 3
                    let c = worldFromCamera.inverse * SIMD3(Double(xyz[base]), Double(xyz[base + 1]), Double(xyz[base + 2]))
                    // Sideways, perpendicular to the ray, so the norms the scale is taken from stay put.
                    let sideways = normalize(cross(c, [0, 1, 0]))
                    let moved = worldFromCamera * (c + pixels * c.z / focal * sideways)
                    for axis in 0 ..< 3 { labels.tracks.xyz!.storage[base + axis] = Float(moved[axis]) }
                }
            }
            let s = try #require(try score(labels).tracks3D)
            #expect(s.within == expected, "\(pixels) px: \(s.within)")
        }
    }

    @Test func occlusionBitsAreScoredAgainstTruth() throws {
        var labels = truth.labels
        labels.occlusion.storage = labels.occlusion.storage.map { $0 & ~1 }
        let none = try #require(try score(labels).occlusion)
        #expect(none.recall == 0 && none.f1 == 0)
        labels.occlusion.storage = labels.occlusion.storage.map { $0 | 1 }
        let all = try #require(try score(labels).occlusion)
        #expect(all.recall == 1 && all.precision < 0.5)
    }

    @Test func pooledOcclusionF1WeighsClipsByTheirPixels() throws {
        // Clip A: 90 of 100 hidden pixels found, 10 false alarms (F1 0.9); clip B: 1 hidden pixel, missed (F1 0).
        let a = OcclusionScores(precision: 0.9, recall: 0.9, f1: 0.9, truePositives: 90, predictedPositives: 100, actualPositives: 100)
        let b = OcclusionScores(precision: 0, recall: 0, f1: 0, truePositives: 0, predictedPositives: 0, actualPositives: 1)
        #expect(abs(try #require(OcclusionScores.pooledF1([a, b])) - 180.0 / 201.0) < 1e-12)
        #expect(OcclusionScores.pooledF1([]) == nil)
    }

    @Test func occlusionIsNotScoredOnSky() throws {
        var labels = truth.labels
        let sky = labels.depth.storage.indices.filter { !labels.depth.storage[$0].isFinite }
        #expect(sky.count > 100)
        for p in sky { labels.occlusion.storage[p] |= 1 }
        #expect(try #require(try score(labels).occlusion).f1 == 1)
    }

    @Test func labelsAtHalfResolutionAreScaled() throws {
        let full = truth.labels
        let (t, h, w) = (full.frameCount, full.height / 2, full.width / 2)
        var half = full
        func downsample<E>(_ x: Tensor<E>, channels: Int = 1) -> Tensor<E> {
            var out: [E] = []
            for f in 0 ..< t { for i in 0 ..< h { for j in 0 ..< w { for c in 0 ..< channels {
                out.append(x.storage[((f * full.height + 2 * i + 1) * full.width + 2 * j + 1) * channels + c])
            } } } }
            return Tensor(shape: channels == 1 ? [t, h, w] : [t, h, w, channels], storage: out)
        }
        half.depth = downsample(full.depth)
        half.depthConfidence = downsample(full.depthConfidence)
        half.occlusion = downsample(full.occlusion)
        half.rgb = full.rgb.map { downsample($0, channels: 3) }
        half.intrinsics.storage = full.intrinsics.storage.enumerated().map { i, v in i % 9 < 6 ? v / 2 : v }
        half.tracks.query.storage = full.tracks.query.storage.enumerated().map { i, v in i % 3 == 0 ? v : v / 2 }
        half.tracks.uv.storage = full.tracks.uv.storage.map { $0 / 2 }
        let s = try score(half)
        #expect(s.depth?.absRel == 0 && s.depth?.coverage == 1)
        #expect(s.tracks2D?.deltaAvg == 1 && s.tracks2D?.occlusionAccuracy == 1)
        #expect(try #require(s.occlusion?.f1) > 0.8)
    }

    @Test func sourceNamesTheScene() {
        #expect(Evaluation.sceneName(ofSource: "scenes/orbit.mp4") == "orbit")
        #expect(Evaluation.sceneName(ofSource: "synth:pan") == "pan")
    }
}
