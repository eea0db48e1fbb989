import FathomCore
@testable import FathomEngine
import FathomScenes
import Testing

/// The lifting rule against a scene's exact tracks, depth and cameras: tracks on still scenery get
/// their one world point (triangulated), tracks on moving objects are left unknown rather than
/// given depth that motion stereo cannot observe.
@Suite struct TrackLiftingTests {
    static let truth = SceneTruth(scene: SceneCatalog.scene("dynamic", width: 160, height: 120, frames: 16)!, trackSpacing: 6)

    @Test func staticTracksKeepTheirWorldPointAndMovingOnesStayUnknown() {
        let labels = Self.truth.labels
        let (n, t) = (labels.tracks.count, labels.frameCount)
        let truthXYZ = labels.tracks.xyz!.storage
        let lifting = TrackLifting(labels: labels)
        let xyz = lifting.xyz().storage
        func point(_ storage: [Float], _ q: Int, _ f: Int) -> SIMD3<Double> {
            SIMD3(Double(storage[(q * t + f) * 3]), Double(storage[(q * t + f) * 3 + 1]), Double(storage[(q * t + f) * 3 + 2]))
        }
        var staticErrors: [Double] = [], staticKnown = 0, staticCount = 0, movingUnknown = 0, movingCount = 0
        for q in 0 ..< n {
            let frames = (0 ..< t).filter { labels.tracks.visible.storage[q * t + $0] == 1 }
            guard frames.count >= 3 else { continue }
            let first = point(truthXYZ, q, frames[0])
            let moves = frames.contains { length(point(truthXYZ, q, $0) - first) > 1e-4 * length(first) }
            if moves {
                movingCount += 1
                if point(xyz, q, frames[0]).x.isNaN { movingUnknown += 1 }
                continue
            }
            staticCount += 1
            guard !point(xyz, q, frames[0]).x.isNaN else { continue }
            staticKnown += 1
            for f in 0 ..< t {  // hidden frames too: a static point keeps its place
                staticErrors.append(length(point(xyz, q, f) - first) / length(first))
            }
        }
        staticErrors.sort()
        #expect(movingCount > 20 && staticCount > 200, "the scene has \(movingCount) moving and \(staticCount) static tracks")
        #expect(Double(staticKnown) / Double(staticCount) > 0.99, "static tracks lifted: \(staticKnown) of \(staticCount)")
        // Triangulated points are exact; the few with too little parallax fall back to depth, whose
        // off-centre interpolation on grazing surfaces costs up to about 1.5 %.
        let (p90, p99) = (staticErrors[staticErrors.count * 9 / 10], staticErrors[staticErrors.count * 99 / 100])
        #expect(p90 < 1e-5 && p99 < 0.02, "relative error: 90th percentile \(p90), 99th \(p99)")
        // Objects moving along the epipolar lines look static to any two-view test: about half of
        // the movers' tracks are detectable in 16 frames.
        #expect(Double(movingUnknown) / Double(movingCount) > 0.4, "moving tracks left unknown: \(movingUnknown) of \(movingCount)")
        #expect(lifting.movingResidual == TrackLifting.minMovingResidual, "exact tracks: the floor, got \(lifting.movingResidual) px")
    }

    @Test func aTrackOnStillSceneryIsTriangulatedAndOneThatMovesIsNot() throws {
        let labels = Self.truth.labels
        let t = labels.frameCount
        let cameraFromWorld = (0 ..< t).map { labels.worldFromCameraOfFrame($0).inverse }
        let intrinsics = (0 ..< t).map { labels.intrinsicsOfFrame($0) }
        let world = SIMD3(0.2, -0.1, 1.5)
        let still = (0 ..< t).map { f in SIMD2<Float>(intrinsics[f].project(cameraFromWorld[f] * world)) }
        let fit = try #require(StaticPointFit(frames: Array(0 ..< t), uv: still, intrinsics: intrinsics, cameraFromWorld: cameraFromWorld))
        let found = try #require(fit.point)
        #expect(length(found - world) < 1e-4 * length(world) && fit.medianResidual < 0.01)
        // The same point rising 1 % of its depth per frame, across the epipolar lines of a camera
        // that circles the scene: no static point explains it.
        let drifting = (0 ..< t).map { f in
            SIMD2<Float>(intrinsics[f].project(cameraFromWorld[f] * (world + SIMD3(0, 0.015 * Double(f), 0))))
        }
        let moving = try #require(StaticPointFit(frames: Array(0 ..< t), uv: drifting, intrinsics: intrinsics, cameraFromWorld: cameraFromWorld))
        #expect(moving.point == nil && moving.medianResidual > 2, "median residual \(moving.medianResidual) px")
        #expect(StaticPointFit(frames: [0, 1], uv: still, intrinsics: intrinsics, cameraFromWorld: cameraFromWorld) == nil)
    }
}
