import FathomCore
import FathomScenes
import Testing

/// The renderer's ground truth agrees with itself: depth, cameras and object motion move a pixel
/// to another frame and back to where it started, colours match where surfaces stay visible, and
/// rendering is deterministic.
@Suite struct SceneTruthTests {
    @Test(arguments: ["orbit", "dynamic", "fast"])
    func warpingThereAndBackReturnsToThePixel(scene name: String) throws {
        let truth = SceneTruth(scene: SceneCatalog.scene(name, width: 64, height: 48, frames: 3)!, trackSpacing: 8)
        let follower = try follower(of: truth)
        var errors: [Double] = []
        for i in 0 ..< 48 {
            for j in 0 ..< 64 {
                guard let there = follower.follow(frame: 0, u: Double(j) + 0.5, v: Double(i) + 0.5), there.visible[1],
                      let uv = there.uv[1], let back = follower.follow(frame: 1, u: uv.x, v: uv.y), back.visible[0],
                      let home = back.uv[0] else { continue }
                errors.append(length(SIMD3(home.x - Double(j) - 0.5, home.y - Double(i) - 0.5, 0)))
            }
        }
        errors.sort()
        #expect(errors.count > 64 * 48 / 2, "only \(errors.count) pixels stayed visible")
        // Depth between pixel centres is interpolated, exact on planes; curved silhouettes add a little.
        let p99 = errors[errors.count * 99 / 100]
        #expect(p99 < 0.05, "99th percentile round trip error \(p99) px ≥ 0.05 px in \(name)")
        #expect(errors.last! < 0.5, "worst round trip error \(errors.last!) px ≥ 0.5 px in \(name)")
    }

    @Test func colourIsConstantAlongVisibleTracks() throws {
        let truth = SceneTruth(scene: SceneCatalog.scene("orbit", width: 96, height: 72, frames: 2)!, trackSpacing: 4)
        let labels = truth.labels
        let rgb = try #require(labels.rgb)
        var errors: [Double] = []
        for q in 0 ..< labels.tracks.count where labels.tracks.query.storage[q * 3] == 0 && labels.tracks.visible.storage[q * 2 + 1] == 1 {
            let (u0, v0) = (Int(labels.tracks.query.storage[q * 3 + 1]), Int(labels.tracks.query.storage[q * 3 + 2]))
            let (u1, v1) = (labels.tracks.uv.storage[(q * 2 + 1) * 2], labels.tracks.uv.storage[(q * 2 + 1) * 2 + 1])
            let a = rgb.storage[((0 * 72 + v0) * 96 + u0) * 3 + 1]
            let b = rgb.storage[((1 * 72 + Int(v1.rounded(.down))) * 96 + Int(u1.rounded(.down))) * 3 + 1]
            errors.append(abs(Double(a) - Double(b)))
        }
        errors.sort()
        #expect(errors.count > 100)
        // Nearest-pixel colour differs by the texture's gradient over up to half a pixel; the median stays small.
        #expect(errors[errors.count / 2] < 12, "median colour change \(errors[errors.count / 2]) along visible tracks")
    }

    @Test func staticPointsKeepOneWorldPosition() throws {
        let labels = SceneTruth(scene: SceneCatalog.scene("orbit", width: 48, height: 36, frames: 4)!, trackSpacing: 8).labels
        let xyz = try #require(labels.tracks.xyz)
        let t = labels.frameCount
        for q in 0 ..< labels.tracks.count {
            for frame in 1 ..< t {
                for axis in 0 ..< 3 {
                    #expect(abs(xyz.storage[(q * t + frame) * 3 + axis] - xyz.storage[(q * t) * 3 + axis]) < 1e-4)
                }
            }
        }
    }

    @Test func pureRotationHasNoTranslationAndStaticCameraNoMotion() {
        let pan = SceneTruth(scene: SceneCatalog.scene("pan", width: 32, height: 24, frames: 4)!).labels
        let tripod = SceneTruth(scene: SceneCatalog.scene("tripod", width: 32, height: 24, frames: 4)!).labels
        for frame in 0 ..< 4 {
            for axis in 0 ..< 3 {
                #expect(abs(pan.worldFromCamera.storage[frame * 16 + axis * 4 + 3]) < 1e-6)
            }
            for (value, identity) in zip(tripod.worldFromCamera.storage[frame * 16 ..< frame * 16 + 16], RigidTransform.identity.matrix4x4) {
                #expect(abs(Double(value) - identity) < 1e-6)
            }
        }
        #expect(abs(pan.worldFromCamera.storage[3 * 16 + 2]) > 0.01, "the pan camera turns")
    }

    @Test func renderingIsDeterministic() {
        let scene = SceneCatalog.scene("dynamic", width: 40, height: 30, frames: 2)!
        #expect(SceneRenderer(scene: scene).render(frame: 1).rgb == SceneRenderer(scene: scene).render(frame: 1).rgb)
    }

    private func follower(of truth: SceneTruth) throws -> TrackFollower {
        let labels = truth.labels
        let t = labels.frameCount
        let objects = truth.worldFromObject.shape[0]
        func pose(_ values: [Float], _ offset: Int) -> RigidTransform {
            let v = (0 ..< 12).map { Double(values[offset + $0]) }
            return RigidTransform(rotation: Matrix3(rows: [v[0], v[1], v[2]], [v[4], v[5], v[6]], [v[8], v[9], v[10]]), translation: [v[3], v[7], v[11]])
        }
        let k = labels.intrinsics.storage
        return TrackFollower(
            width: labels.width, height: labels.height,
            intrinsics: (0 ..< t).map { PinholeIntrinsics(fx: Double(k[$0 * 9]), fy: Double(k[$0 * 9 + 4]), cx: Double(k[$0 * 9 + 2]), cy: Double(k[$0 * 9 + 5])) },
            worldFromCamera: (0 ..< t).map { pose(labels.worldFromCamera.storage, $0 * 16) },
            worldFromObject: (0 ..< objects).map { o in (0 ..< t).map { pose(truth.worldFromObject.storage, (o * t + $0) * 16) } },
            depth: labels.depth, objectIndex: truth.objectIndex)
    }
}
