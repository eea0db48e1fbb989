import FathomCore
import FathomEngine
import FathomScenes
import FathomVision
import Testing

/// Query answers agree with the labels they come from: depth maps at pixel centres, the static
/// scene's geometry, the 2D tracks, and `tracks/xyz`; bad queries get named errors.
@Suite struct ClipModelTests {
    static let truth = SceneTruth(scene: SceneCatalog.scene("orbit", width: 64, height: 48, frames: 5)!, trackSpacing: 8)

    @Test func sameFrameQueriesAreTheDepthMap() throws {
        let labels = Self.truth.labels
        let model = ClipModel(labels: labels)
        let (h, w) = (labels.height, labels.width)
        var queries: [PointQuery] = []
        for i in stride(from: 0, to: h, by: 5) {
            for j in stride(from: 0, to: w, by: 5) { queries.append(PointQuery(u: Float(j) + 0.5, v: Float(i) + 0.5, source: 2, target: 2, camera: 2)) }
        }
        let answers = try model.answer(queries)
        for (q, a) in zip(queries, answers) {
            let z = labels.depth.storage[(2 * h + Int(q.v)) * w + Int(q.u)]
            if z.isFinite {
                #expect(abs(a.point.z - z) <= 1e-5 * z && a.visible, "depth \(z) at (\(q.u), \(q.v)), answer \(a)")
                let k = labels.intrinsicsOfFrame(2)
                let uv = k.project(SIMD3(Double(a.point.x), Double(a.point.y), Double(a.point.z)))
                #expect(abs(uv.x - Double(q.u)) < 1e-3 && abs(uv.y - Double(q.v)) < 1e-3)
            } else {
                #expect(a.point.x.isNaN && a.confidence == 0, "sky must stay unknown")
            }
        }
    }

    @Test func staticGeometryFollowsTheTruthTracks() throws {
        let labels = Self.truth.labels
        let model = ClipModel(labels: labels)
        let t = labels.frameCount
        var errors: [Float] = []
        var visibilityAgrees = 0, compared = 0
        for n in 0 ..< labels.tracks.count where labels.tracks.query.storage[n * 3] == 0 {
            let (u, v) = (labels.tracks.query.storage[n * 3 + 1], labels.tracks.query.storage[n * 3 + 2])
            let answers = try model.answer((0 ..< t).map { PointQuery(u: u, v: v, source: 0, target: $0, camera: 0) })
            for f in 0 ..< t {
                let truthVisible = labels.tracks.visible.storage[n * t + f] == 1
                compared += 1
                if answers[f].visible == truthVisible { visibilityAgrees += 1 }
                guard truthVisible else { continue }
                let base = (n * t + f) * 2
                errors.append(max(abs(answers[f].uv.x - labels.tracks.uv.storage[base]), abs(answers[f].uv.y - labels.tracks.uv.storage[base + 1])))
                // In the reference camera (the world frame) a static point does not move; depth
                // sampled off pixel centres on grazing surfaces costs up to about 1 %.
                let world = SIMD3((0 ..< 3).map { labels.tracks.xyz!.storage[(n * t + f) * 3 + $0] })
                let offset = answers[f].point - world
                #expect((offset * offset).sum().squareRoot() < 0.02 * world.z, "\(answers[f]) vs \(world) in frame \(f)")
            }
        }
        errors.sort()
        #expect(errors[errors.count * 9 / 10] < 0.05, "90th percentile of reprojected track error \(errors[errors.count * 9 / 10]) px")
        #expect(Double(visibilityAgrees) / Double(compared) > 0.95)
    }

    @Test func flowFollowedQueriesAreTheTrackerTracks() throws {
        let labels = Self.truth.labels
        let (t, h, w) = (labels.frameCount, labels.height, labels.width)
        let images = (0 ..< t).map { GrayImage(rgb: labels.rgb!.storage[$0 * h * w * 3 ..< ($0 + 1) * h * w * 3], width: w, height: h) }
        let motion = ClipMotion.estimate(images, flow: DenseOpticalFlow(options: OpticalFlowOptions(.fast)))
        let grid = PointTracker().track(motion)
        var withTracks = labels
        withTracks.tracks = grid
        let model = ClipModel(labels: withTracks, motion: motion)
        #expect(model.followsMotion)
        for n in stride(from: 0, to: grid.count, by: 7) {
            let (s, u, v) = (Int(grid.query.storage[n * 3]), grid.query.storage[n * 3 + 1], grid.query.storage[n * 3 + 2])
            let answers = try model.answer((0 ..< t).map { PointQuery(u: u, v: v, source: s, target: $0, camera: 0) })
            for f in 0 ..< t {
                let base = (n * t + f) * 2
                #expect(answers[f].uv == SIMD2(grid.uv.storage[base], grid.uv.storage[base + 1]) || answers[f].uv.x.isNaN && grid.uv.storage[base].isNaN)
                #expect(answers[f].visible == (grid.visible.storage[n * t + f] == 1))
            }
        }
    }

    @Test func queriesOutsideTheClipAreNamed() {
        let model = ClipModel(labels: Self.truth.labels)
        #expect(throws: FathomError.self) { try model.answer([PointQuery(u: 1, v: 1, source: 0, target: 5, camera: 0)]) }
        #expect(throws: FathomError.self) { try model.answer([PointQuery(u: 64, v: 1, source: 0, target: 1, camera: 0)]) }
        do {
            _ = try model.answer([PointQuery(u: 1, v: 1, source: -1, target: 0, camera: 0)])
        } catch {
            #expect(error.code == "query.badFrame" && error.message.contains("source frame -1"))
        }
    }
}
