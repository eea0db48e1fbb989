import FathomCore
import Foundation

/// Cameras of a clip whose camera only turns (no parallax): each frame's homography to an already
/// oriented frame is a rotation conjugated by K, H = K R K⁻¹. With the focal length unknown, the
/// one that makes every K⁻¹ H K closest to a rotation is chosen; then a bundle adjustment over
/// rotations, ray directions and the focal length removes the drift of chaining.
struct RotationEstimator {
    let table: TrackTable
    let options: CameraEstimatorOptions
    let reference: Int
    let width: Int
    let height: Int

    struct Result {
        var intrinsics: PinholeIntrinsics
        var cameraFromWorld: [RigidTransform?]
        var trackIsMoving: [Bool]
        var summary: BundleAdjustmentSummary?
    }

    /// Rotations and focal length from `table`; moving flags for every track of `all`.
    func estimate(known: PinholeIntrinsics?, classifying all: TrackTable) -> Result {
        let t = table.frameCount
        // Each frame's homography from its anchor: the reference, or the nearest frame before it
        // (towards the reference) when the reference shares too few tracks.
        var homographies: [(anchor: Int, frame: Int, matrix: Matrix3)] = []
        let order = (0 ..< t).filter { $0 != reference }.sorted { (abs($0 - reference), $0) < (abs($1 - reference), $1) }
        for frame in order {
            let neighbour = frame > reference ? frame - 1 : frame + 1
            let direct = table.correspondences(reference, frame)
            let anchor = direct.tracks.count >= max(30, table.inFrame[frame].count / 2) ? reference : neighbour
            let c = anchor == reference ? direct : table.correspondences(anchor, frame)
            guard c.tracks.count >= 8,
                  let fit = RANSAC.estimate(HomographyEstimation(x1: c.x1, x2: c.x2),
                                            options: RANSACOptions(threshold: options.inlierThresholdPixels, seed: options.seed &+ UInt64(frame))),
                  fit.inlierCount >= 8 else { continue }
            homographies.append((anchor, frame, fit.model.matrix))
        }
        let centre = SIMD2(Double(width) / 2, Double(height) / 2)
        func intrinsics(_ f: Double) -> PinholeIntrinsics { PinholeIntrinsics(fx: f, fy: f, cx: centre.x, cy: centre.y) }
        var k = known ?? intrinsics(FocalSearch.focal(width: width, horizontalFOVDegrees: options.fallbackHorizontalFOVDegrees))
        if known == nil {
            let range = FocalSearch.focal(width: width, horizontalFOVDegrees: options.focalSearchFOVDegrees.upperBound)
                ... FocalSearch.focal(width: width, horizontalFOVDegrees: options.focalSearchFOVDegrees.lowerBound)
            let found = FocalSearch.minimize(over: range) { f in
                homographies.reduce(0) { $0 + Self.rotationResidual($1.matrix, intrinsics: intrinsics(f)) }
            }
            k = intrinsics(found.focal)
        }
        // Chain the rotations outwards from the reference.
        var rotations = [Matrix3?](repeating: nil, count: t)
        rotations[reference] = .identity
        for h in homographies {
            guard let anchorRotation = rotations[h.anchor], let relative = Self.rotation(of: h.matrix, intrinsics: k) else { continue }
            rotations[h.frame] = relative * anchorRotation
        }
        // Bundle adjustment: rays as points at unit distance, translations fixed at zero.
        var poses = rotations.map { $0.map { RigidTransform(rotation: $0, translation: .zero) } }
        var directions = [SIMD3<Double>?](repeating: nil, count: table.trackCount)
        for q in 0 ..< table.trackCount { directions[q] = Self.direction(of: q, in: table, poses: poses, intrinsics: k) }
        var observations: [BundleObservation] = []
        var pointOfTrack = [Int](repeating: -1, count: table.trackCount)
        var points: [SIMD3<Double>] = []
        let limit = options.maxBundlePoints
        let stride = max(1, (directions.compactMap { $0 }.count + limit - 1) / limit)
        var seen = 0
        for q in 0 ..< table.trackCount {
            guard let d = directions[q] else { continue }
            seen += 1
            guard seen % stride == 0 else { continue }
            pointOfTrack[q] = points.count
            points.append(d)
            for o in table.observations(of: q) where poses[table.frame[o]] != nil {
                observations.append(BundleObservation(camera: table.frame[o], point: points.count - 1, uv: table.uv[o]))
            }
        }
        var summary: BundleAdjustmentSummary?
        if !observations.isEmpty {
            var problem = BundleAdjustmentProblem(cameraFromWorld: poses.map { $0 ?? .identity }, points: points, intrinsics: k, observations: observations)
            summary = BundleAdjustment.solve(&problem, options: BundleAdjustmentOptions(
                maxIterations: 50, huberPixels: options.huberPixels, fixedCameras: [reference], optimizeFocal: known == nil, fixTranslation: true,
                reportFocalDeviation: true))
            for f in 0 ..< t where poses[f] != nil { poses[f] = problem.cameraFromWorld[f] }
            k = problem.intrinsics
        }
        // A track that no single direction explains moves on its own.
        var moving = [Bool](repeating: false, count: all.trackCount)
        for q in 0 ..< all.trackCount {
            guard let d = Self.direction(of: q, in: all, poses: poses, intrinsics: k) else { continue }
            var bad = 0
            var used = 0
            for o in all.observations(of: q) {
                guard let pose = poses[all.frame[o]] else { continue }
                used += 1
                let c = pose * d
                if c.z <= 0 || length2(k.project(c) - all.uv[o]) > options.movingThresholdPixels { bad += 1 }
            }
            moving[q] = bad >= 2 && bad * 4 >= used
        }
        return Result(intrinsics: k, cameraFromWorld: poses, trackIsMoving: moving, summary: summary)
    }

    /// Mean world direction of a track's viewing rays.
    private static func direction(of q: Int, in table: TrackTable, poses: [RigidTransform?], intrinsics k: PinholeIntrinsics) -> SIMD3<Double>? {
        var sum = SIMD3<Double>.zero
        for o in table.observations(of: q) {
            guard let pose = poses[table.frame[o]] else { continue }
            let uv = table.uv[o]
            sum += normalize(pose.rotation.transposed * SIMD3((uv.x - k.cx) / k.fx, (uv.y - k.cy) / k.fy, 1))
        }
        return length(sum) > 0 ? normalize(sum) : nil
    }

    /// K⁻¹ H K scaled to unit determinant.
    private static func calibrated(_ h: Matrix3, intrinsics k: PinholeIntrinsics) -> Matrix3? {
        let kMatrix = Matrix3(rows: [k.fx, 0, k.cx], [0, k.fy, k.cy], [0, 0, 1])
        let m = kMatrix.inverse * h * kMatrix
        let det = determinant(m)
        guard det.isFinite, abs(det) > 1e-300 else { return nil }
        return (1 / Foundation.cbrt(det)) * m
    }

    /// How far K⁻¹ H K is from a rotation: ‖MᵀM − I‖²_F.
    static func rotationResidual(_ h: Matrix3, intrinsics: PinholeIntrinsics) -> Double {
        guard let m = calibrated(h, intrinsics: intrinsics) else { return .infinity }
        let e = m.transposed * m - .identity
        return e.norm * e.norm
    }

    /// The rotation nearest K⁻¹ H K.
    static func rotation(of h: Matrix3, intrinsics: PinholeIntrinsics) -> Matrix3? {
        guard let m = calibrated(h, intrinsics: intrinsics) else { return nil }
        return try? Rotation.nearest(to: m)
    }
}
