import FathomCore
@testable import FathomGeometry
import Testing

/// Robust estimation with outliers, and bundle adjustment reducing the cost and recovering the focal length.
@Suite struct RANSACAndBundleAdjustmentTests {
    /// Line fitting y = a x + b: RANSAC's behaviour without any geometry.
    struct LineFit: RobustModelProblem {
        let points: [SIMD2<Double>]
        var count: Int { points.count }
        var sampleSize: Int { 2 }
        func models(from sample: [Int]) -> [SIMD2<Double>] {
            let (p, q) = (points[sample[0]], points[sample[1]])
            guard p.x != q.x else { return [] }
            let a = (q.y - p.y) / (q.x - p.x)
            return [SIMD2(a, p.y - a * p.x)]
        }
        func squaredResidual(of index: Int, under model: SIMD2<Double>) -> Double {
            let r = points[index].y - (model.x * points[index].x + model.y)
            return r * r
        }
    }

    @Test func ransacFindsTheLineAmongFortyPercentOutliersDeterministically() throws {
        var random = SplitMix(seed: 11)
        let points = (0 ..< 200).map { i -> SIMD2<Double> in
            let x = random.unit() * 10
            return i % 5 < 2 ? SIMD2(x, random.unit() * 40 - 20) : SIMD2(x, 2 * x - 3 + (random.unit() - 0.5) * 0.01)
        }
        let options = RANSACOptions(threshold: 0.05, seed: 3)
        let fit = try #require(RANSAC.estimate(LineFit(points: points), options: options))
        #expect(abs(fit.model.x - 2) < 0.01 && abs(fit.model.y + 3) < 0.05)
        #expect(fit.inlierCount >= 120 && fit.inlierCount <= 125)
        #expect(fit.iterations < options.maxIterations, "the adaptive count stops early")
        let again = try #require(RANSAC.estimate(LineFit(points: points), options: options))
        #expect(again.model == fit.model && again.inliers == fit.inliers)
    }

    @Test func essentialMatrixRANSACRejectsOutliers() throws {
        let views = SyntheticViews(count: 150)
        var x2 = views.normalized(1)
        var random = SplitMix(seed: 5)
        for i in stride(from: 0, to: x2.count, by: 3) { x2[i] += SIMD2(random.unit() - 0.5, random.unit() - 0.5) * 0.2 }
        let problem = EssentialMatrixEstimation(x1: views.normalized(0), x2: x2, focal: 300)
        let fit = try #require(RANSAC.estimate(problem, options: RANSACOptions(threshold: 1)))
        #expect(projectiveDistance(fit.model, EssentialMatrix.of(views.motion(to: 1))) < 1e-6)
        #expect(fit.inlierCount >= 100 && fit.inlierCount <= 102, "the 100 clean points, and perhaps an outlier that happens to fit")
    }

    @Test func bundleAdjustmentRemovesNoiseAndRecoversTheFocalLength() throws {
        let views = SyntheticViews(count: 80, cameras: 5)
        var random = SplitMix(seed: 8)
        var observations: [BundleObservation] = []
        for c in 0 ..< 5 {
            for (p, uv) in views.pixels(c).enumerated() {
                observations.append(BundleObservation(camera: c, point: p, uv: uv + SIMD2(gaussian(&random), gaussian(&random)) * 0.3))
            }
        }
        // Perturbed start: focal 15% off, poses and points jittered.
        var problem = BundleAdjustmentProblem(
            cameraFromWorld: views.cameraFromWorld.enumerated().map { c, pose in
                c == 0 ? pose : RigidTransform(rotation: Rotation.exp([0.01, -0.01, 0.005]) * pose.rotation, translation: pose.translation + [0.05, -0.03, 0.02])
            },
            points: views.points.map { $0 + SIMD3(random.unit() - 0.5, random.unit() - 0.5, random.unit() - 0.5) * 0.1 },
            intrinsics: PinholeIntrinsics(fx: 345, fy: 345, cx: 160, cy: 120), observations: observations)
        let summary = BundleAdjustment.solve(&problem, options: BundleAdjustmentOptions(maxIterations: 100, huberPixels: nil, fixedCameras: [0],
                                                                                         optimizeFocal: true, relativeTolerance: 1e-12))
        #expect(summary.finalCost < summary.initialCost / 100)
        #expect(summary.rmsePixels < 0.35, "noise is 0.3 px per coordinate; rmse \(summary.rmsePixels)")
        #expect(abs(problem.intrinsics.fx - 300) / 300 < 0.01, "focal \(problem.intrinsics.fx)")
        // Up to the scale gauge: compare directions of camera centres.
        let centre = { (pose: RigidTransform) in -(pose.rotation.transposed * pose.translation) }
        for c in 1 ..< 5 {
            #expect(Rotation.angleDegrees(problem.cameraFromWorld[c].rotation.transposed * views.cameraFromWorld[c].rotation) < 0.3)
            #expect(length(normalize(centre(problem.cameraFromWorld[c])) - normalize(centre(views.cameraFromWorld[c]))) < 0.01)
        }
    }

    /// The focal length's standard deviation the adjustment reports is the spread of its estimate
    /// over repeated noise: 60 draws of 0.5 px Gaussian noise on the same views (two cameras fixed,
    /// which also fixes the scale). Fixed, or not asked for, the focal length has none.
    @Test func focalStandardDeviationMatchesTheSpreadOverNoise() throws {
        let views = SyntheticViews(count: 60, cameras: 4, baseline: 1.2)
        var random = SplitMix(seed: 21)
        var focals: [Double] = []
        var reported: [Double] = []
        for _ in 0 ..< 60 {
            var observations: [BundleObservation] = []
            for c in 0 ..< 4 {
                for (p, uv) in views.pixels(c).enumerated() {
                    observations.append(BundleObservation(camera: c, point: p, uv: uv + SIMD2(gaussian(&random), gaussian(&random)) * 0.5))
                }
            }
            var problem = BundleAdjustmentProblem(cameraFromWorld: views.cameraFromWorld, points: views.points, intrinsics: views.intrinsics,
                                                  observations: observations)
            let summary = BundleAdjustment.solve(&problem, options: BundleAdjustmentOptions(maxIterations: 50, huberPixels: nil, fixedCameras: [0, 1],
                                                                                             optimizeFocal: true, relativeTolerance: 1e-12,
                                                                                             reportFocalDeviation: true))
            focals.append(problem.intrinsics.fx)
            reported.append(try #require(summary.focalStandardDeviation))
        }
        let mean = focals.reduce(0, +) / Double(focals.count)
        let spread = (focals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(focals.count - 1)).squareRoot()
        let typical = reported.sorted()[reported.count / 2]
        #expect(spread > 0.5 && typical > 0.5, "the views leave the focal length a few pixels of play: spread \(spread) px")
        #expect(abs(typical / spread - 1) < 0.25, "reported \(typical) px, spread over the draws \(spread) px")
        var fixed = BundleAdjustmentProblem(cameraFromWorld: views.cameraFromWorld, points: views.points, intrinsics: views.intrinsics,
                                            observations: (0 ..< 60).map { BundleObservation(camera: 1, point: $0, uv: views.pixels(1)[$0]) })
        #expect(BundleAdjustment.solve(&fixed, options: BundleAdjustmentOptions(fixedCameras: [0], reportFocalDeviation: true)).focalStandardDeviation == nil)
        #expect(BundleAdjustment.solve(&fixed, options: BundleAdjustmentOptions(fixedCameras: [0], optimizeFocal: true)).focalStandardDeviation == nil)
    }

    /// The Schur complement's batched update: C − Aᵀ A on the lower triangle, the upper one untouched.
    @Test func subtractGramUpdatesTheLowerTriangleOnly() {
        let a: [Double] = [1, 2, 3,
                           4, 5, 6]  // 2 × 3
        var c = [Double](repeating: 100, count: 9)
        c.withUnsafeMutableBufferPointer { c in a.withUnsafeBufferPointer { LAPACK.subtractGram(of: $0, rows: 2, from: c, n: 3) } }
        // Aᵀ A = [[17, 22, 27], [22, 29, 36], [27, 36, 45]].
        #expect(c == [83, 100, 100,
                      78, 71, 100,
                      73, 64, 55])
    }
}
