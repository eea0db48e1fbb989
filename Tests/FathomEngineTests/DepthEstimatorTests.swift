import FathomCore
@testable import FathomEngine
import FathomEval
import FathomScenes
import FathomVision
import Testing

/// Dense depth against the exact depth of the synthetic scenes, with the true cameras: the
/// accuracy targets on a static textured scene, the geometry exact when the flow is, movers and
/// sky left unknown, nothing made up without parallax, and the contract (confidence 0 exactly
/// where depth is NaN, determinism).
@Suite struct DepthEstimatorTests {
    @Test func staticTexturedSceneMeetsTheAccuracyTargets() throws {
        let clip = DepthFixture.orbit
        let scores = try #require(try clip.scores(clip.estimate()))
        #expect(scores.absRel <= 0.05, "AbsRel \(scores.absRel)")
        #expect(scores.delta125 >= 0.95, "δ<1.25 \(scores.delta125)")
        #expect(scores.coverage >= 0.9, "coverage \(scores.coverage)")
    }

    /// With exact correspondences, triangulation alone gives back the exact geometry, in the
    /// cameras' metric units, wherever parallax is well measured (4σ; at the default 3σ pixels
    /// near the horizon come in, where chaining the flow's bilinear samples costs a few 0.1 %).
    @Test func exactFlowTriangulatesExactly() throws {
        let clip = DepthFixture.orbit
        let maps = DepthEstimator(options: DepthOptions(workingLevel: 0, minimumParallaxRatio: 4, refinementIterations: 0))
            .estimate(motion: DepthFixture.orbitExactMotion, intrinsics: clip.intrinsics, worldFromCamera: clip.cameras, depthObservable: true)
        let scores = try #require(try clip.scores(maps))
        #expect(scores.absRel <= 0.002, "AbsRel \(scores.absRel)")
        #expect(abs(scores.scale - 1) <= 0.002, "scale \(scores.scale)")
        #expect(scores.coverage >= 0.95, "coverage \(scores.coverage)")
    }

    /// The whole pipeline on exact flow: what is left is the photometric refinement's sub-pixel
    /// precision (≈ 0.1 px against parallaxes of a few pixels at this size), the working
    /// resolution and the upsampling; coverage loses the ground near the horizon, whose
    /// parallax over 12 frames at 80 × 60 working pixels is too small to report.
    @Test func exactFlowGivesNearlyExactDepth() throws {
        let clip = DepthFixture.orbit
        let maps = DepthEstimator().estimate(motion: DepthFixture.orbitExactMotion, intrinsics: clip.intrinsics, worldFromCamera: clip.cameras,
                                             depthObservable: true)
        let scores = try #require(try clip.scores(maps))
        #expect(scores.absRel <= 0.02, "AbsRel \(scores.absRel)")
        #expect(abs(scores.scale - 1) <= 0.01, "scale \(scores.scale)")
        #expect(scores.coverage >= 0.85, "coverage \(scores.coverage)")
    }

    @Test func movingPixelsGetNoDepthAndStaticOnesStayAccurate() throws {
        let clip = DepthFixture.dynamic
        let moving = clip.trulyMoving
        let maps = clip.estimate(moving: moving)
        for p in moving.storage.indices where moving.storage[p] {
            #expect(maps.depth.storage[p].isNaN && maps.confidence.storage[p] == 0 && maps.moving.storage[p])
        }
        var (errorSum, count, staticPixels) = (0.0, 0, 0)
        for p in moving.storage.indices where !moving.storage[p] && clip.truth.labels.depth.storage[p].isFinite {
            staticPixels += 1
            guard !maps.depth.storage[p].isNaN else { continue }
            let truth = Double(clip.truth.labels.depth.storage[p])
            errorSum += abs(Double(maps.depth.storage[p]) - truth) / truth
            count += 1
        }
        // Over 12 frames the dolly moves 0.4 m: at 160 × 120 the far wall and ground have too
        // little parallax to measure, so only part of the static surface gets depth.
        #expect(count > staticPixels / 3, "static pixels with depth: \(count) of \(staticPixels)")
        #expect(errorSum / Double(count) <= 0.1, "static AbsRel \(errorSum / Double(count))")
    }

    @Test func rotationOnlyCameraGivesNoDepth() {
        let clip = DepthFixture.pan
        #expect(!DepthEstimator.hasTranslation(clip.cameras))
        let maps = clip.estimate()
        #expect(maps.depth.storage.allSatisfy(\.isNaN) && maps.confidence.storage.allSatisfy { $0 == 0 })
        // Told depth is observable anyway, the estimator finds no parallax to measure.
        let forced = DepthEstimator().estimate(motion: clip.motion, intrinsics: clip.intrinsics, worldFromCamera: clip.cameras,
                                               depthObservable: true)
        let covered = forced.depth.storage.filter { !$0.isNaN }.count
        #expect(Double(covered) <= 0.02 * Double(forced.depth.count), "\(covered) pixels given depth without parallax")
    }

    /// Sky is never given depth, except within a few pixels of the surfaces it borders: where the
    /// texture window (5 working pixels, 10 here) reaches an edge, the flow is the edge's and no
    /// window can tell which side of it a uniform pixel is on.
    @Test func skyStaysUnknown() {
        let clip = DepthFixture.orbit
        let maps = clip.estimate()
        let (t, h, w) = (clip.truth.labels.frameCount, clip.truth.labels.height, clip.truth.labels.width)
        let sky = clip.truth.objectIndex.storage.map { $0 == SceneTruth.sky }
        let margin = 8
        var (open, filled) = (0, 0)
        for frame in 0 ..< t {
            for i in 0 ..< h {
                for j in 0 ..< w where sky[(frame * h + i) * w + j] {
                    let nearSurface = (max(i - margin, 0) ... min(i + margin, h - 1)).contains { y in
                        (max(j - margin, 0) ... min(j + margin, w - 1)).contains { x in !sky[(frame * h + y) * w + x] }
                    }
                    guard !nearSurface else { continue }
                    open += 1
                    if !maps.depth.storage[(frame * h + i) * w + j].isNaN { filled += 1 }
                }
            }
        }
        #expect(open > 100, "the scene shows open sky")
        #expect(filled == 0, "\(filled) of \(open) open-sky pixels given depth")
    }

    @Test func confidenceIsZeroExactlyWhereDepthIsUnknown() {
        for clip in [DepthFixture.orbit, DepthFixture.dynamic] {
            let maps = clip.estimate()
            #expect(zip(maps.depth.storage, maps.confidence.storage).allSatisfy { $0.isNaN == ($1 == 0) })
            #expect(maps.depth.storage.allSatisfy { $0.isNaN || ($0 > 0 && $0.isFinite) })
        }
    }

    @Test func deterministic() {
        let clip = DepthFixture.dynamic
        let (first, second) = (clip.estimate(), clip.estimate())
        // Bit patterns, so NaN equals NaN.
        #expect(first.depth.storage.map(\.bitPattern) == second.depth.storage.map(\.bitPattern))
        #expect(first.confidence == second.confidence && first.moving == second.moving)
    }
}
