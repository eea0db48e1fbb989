import FathomCore
@testable import FathomGeometry
import Testing

/// Minimal and linear solvers on exact correspondences (machine precision) and on noisy ones
/// (bounded error).
@Suite struct SolverTests {
    @Test func eightPointRecoversTheEssentialMatrixAndMotion() throws {
        let views = SyntheticViews(count: 40)
        let truth = views.motion(to: 1)
        let e = try #require(EssentialMatrix.eightPoint(views.normalized(0), views.normalized(1)))
        #expect(projectiveDistance(e, EssentialMatrix.of(truth)) < 1e-9)
        for (a, b) in zip(views.normalized(0), views.normalized(1)) { #expect(EssentialMatrix.sampsonSquared(e, a, b) < 1e-20) }
        let candidates = EssentialMatrix.motions(of: e)
        let best = candidates.min { Rotation.angleDegrees($0.rotation.transposed * truth.rotation) < Rotation.angleDegrees($1.rotation.transposed * truth.rotation) }!
        #expect(Rotation.angleDegrees(best.rotation.transposed * truth.rotation) < 1e-7)
        let direction = normalize(truth.translation)
        #expect(min(length(best.translation - direction), length(best.translation + direction)) < 1e-9)
    }

    @Test func homographyOfAPlaneIsExactAndPureRotationIsKRKInverse() throws {
        var random = SplitMix(seed: 4)
        let k = Matrix3(rows: [300, 0, 160], [0, 300, 120], [0, 0, 1])
        let rotation = Matrix3.rotation(axis: [0.2, 1, 0.1], angle: 0.15)
        let x1 = (0 ..< 30).map { _ in SIMD2(random.unit() * 320, random.unit() * 240) }
        let truth = k * rotation * k.inverse
        let x2 = x1.map { Homography.transfer(truth, $0)! }
        let h = try #require(Homography.directLinearTransform(x1, x2))
        #expect(projectiveDistance(h, truth) < 1e-10)
        for (a, b) in zip(x1, x2) { #expect(Homography.symmetricTransferSquared(h, inverse: h.inverse, a, b) < 1e-16) }
    }

    @Test func epnpIsExactOnCleanDataAndCloseOnNoisyData() throws {
        let views = SyntheticViews(count: 60, cameras: 3)
        let truth = views.cameraFromWorld[2]
        let pose = try #require(EPnP.pose(world: views.points, image: views.normalized(2)))
        #expect(Rotation.angleDegrees(pose.rotation.transposed * truth.rotation) < 1e-8)
        #expect(length(pose.translation - truth.translation) < 1e-8)
        // Half a pixel of noise at f = 300.
        var random = SplitMix(seed: 2)
        let noisy = views.normalized(2).map { $0 + SIMD2(gaussian(&random), gaussian(&random)) * (0.5 / 300) }
        let rough = try #require(EPnP.pose(world: views.points, image: noisy))
        #expect(Rotation.angleDegrees(rough.rotation.transposed * truth.rotation) < 0.5)
        #expect(length(rough.translation - truth.translation) < 0.05)
    }

    @Test func epnpHandlesPlanarPointsAndSixPoints() throws {
        var views = SyntheticViews(count: 30, cameras: 2)
        views.points = views.points.map { SIMD3($0.x, $0.y, 6) }
        let pose = try #require(EPnP.pose(world: views.points, image: views.normalized(1)))
        #expect(length(pose.translation - views.cameraFromWorld[1].translation) < 1e-6)
        let six = SyntheticViews(count: 6, cameras: 2, seed: 9)
        let minimal = try #require(EPnP.pose(world: six.points, image: six.normalized(1)))
        #expect(length(minimal.translation - six.cameraFromWorld[1].translation) < 1e-6)
    }

    @Test func triangulationIsExactAndReportsAngleAndCheirality() throws {
        let views = SyntheticViews(count: 20, cameras: 4)
        let observations = (0 ..< 4).map { views.normalized($0) }
        for (index, truth) in views.points.enumerated() {
            let point = try #require(Triangulation.point(count: 4) { (views.cameraFromWorld[$0], observations[$0][index]) })
            #expect(length(point.position - truth) < 1e-9)
            #expect(point.minDepth > 1 && point.maxError < 1e-12)
            #expect(point.maxRayAngleDegrees > 2 && point.maxRayAngleDegrees < 40)
        }
        // A point seen behind the second camera fails cheirality.
        let behind = Triangulation.evaluate([0, 0, -5], count: 2) { (views.cameraFromWorld[$0], .zero) }
        #expect(!behind.passes(minAngleDegrees: 0, maxError: 1))
    }
}
