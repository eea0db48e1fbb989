import FathomCore

/// Incremental structure from motion over one clip's tracks, built on keyframes (video frames are
/// near-redundant: a few well-spread frames fix the map, the others follow): a two-view start from
/// an essential matrix, then keyframe after keyframe registered against the points so far, new
/// points triangulated, a local bundle adjustment after each registration and global ones as the
/// model grows; finally the frames between keyframes are registered against the map. Observations
/// that stop fitting (moving objects, tracker slips) are set aside as outliers.
struct IncrementalMapper {
    let table: TrackTable
    let options: CameraEstimatorOptions
    let width: Int
    let height: Int
    var intrinsics: PinholeIntrinsics
    /// Frames the map is built and globally adjusted from; other frames are registered against it.
    let keyframes: [Int]
    /// Most PnP samples drawn for a frame the guided registration cannot place (fewer in the focal
    /// search, where a focal length that leaves frames hard to place is a poor one anyway).
    let registrationSamples: Int
    /// The frame whose camera is the world frame; never moved by bundle adjustment.
    private(set) var anchor = 0
    private(set) var cameraFromWorld: [RigidTransform?]
    private(set) var points: [SIMD3<Double>?]
    /// Per observation (index into the table): set aside as not fitting the static scene.
    private(set) var outlier: [Bool]
    /// Tracks whose observations mostly failed to fit: not triangulated again.
    private(set) var rejected: [Bool]
    private(set) var registrationOrder: [Int] = []
    private(set) var bundleIterations = 0
    private(set) var lastSummary: BundleAdjustmentSummary?

    init(table: TrackTable, options: CameraEstimatorOptions, intrinsics: PinholeIntrinsics, width: Int, height: Int, keyframes: [Int],
         registrationSamples: Int = 200) {
        self.table = table
        self.options = options
        self.intrinsics = intrinsics
        self.width = width
        self.height = height
        self.keyframes = keyframes
        self.registrationSamples = registrationSamples
        cameraFromWorld = Array(repeating: nil, count: table.frameCount)
        points = Array(repeating: nil, count: table.trackCount)
        outlier = Array(repeating: false, count: table.uv.count)
        rejected = Array(repeating: false, count: table.trackCount)
    }

    func normalized(_ uv: SIMD2<Double>) -> SIMD2<Double> {
        SIMD2((uv.x - intrinsics.cx) / intrinsics.fx, (uv.y - intrinsics.cy) / intrinsics.fy)
    }

    var registeredCount: Int { registrationOrder.count }

    // MARK: two-view start

    /// Relative pose of frames a (world) and b from an essential matrix, and the points it sees.
    mutating func initialize(_ a: Int, _ b: Int) -> Bool {
        let pairs = table.correspondences(a, b)
        guard pairs.tracks.count >= 30 else { return false }
        let x1 = pairs.x1.map(normalized)
        let x2 = pairs.x2.map(normalized)
        let problem = EssentialMatrixEstimation(x1: x1, x2: x2, focal: intrinsics.fx)
        guard let fit = RANSAC.estimate(problem, options: RANSACOptions(threshold: options.inlierThresholdPixels, seed: options.seed)),
              fit.inlierCount >= 30 else { return false }
        let inliers = fit.inlierIndices
        // Cheirality picks the motion: most inliers in front of both cameras.
        var best: (motion: RigidTransform, count: Int)?
        for motion in EssentialMatrix.motions(of: fit.model) {
            var count = 0
            for i in inliers {
                let p = Triangulation.point(count: 2, refinements: 0) { $0 == 0 ? (RigidTransform.identity, x1[i]) : (motion, x2[i]) }
                if let p, p.minDepth > 0 { count += 1 }
            }
            if count > best?.count ?? -1 { best = (motion, count) }
        }
        guard let best, best.count >= 30 else { return false }
        anchor = a
        cameraFromWorld[a] = .identity
        cameraFromWorld[b] = best.motion
        registrationOrder = [a, b]
        for i in inliers { triangulate(track: pairs.tracks[i]) }
        guard points.compactMap({ $0 }).count >= 20 else { return false }
        adjust(free: [b], optimizeFocal: false)
        return true
    }

    // MARK: registration

    /// Registers every one of `frames` it can, most-connected first, triangulating the tracks each
    /// adds. `localAdjustment` (building the map from keyframes): a windowed bundle adjustment after
    /// each registration and global ones as the model grows.
    mutating func registerAll(_ frames: [Int], optimizeFocal: Bool = false, localAdjustment: Bool) {
        var failed = Set<Int>()
        var lastGlobal = registeredCount
        while true {
            var best: (frame: Int, count: Int)?
            for f in frames where cameraFromWorld[f] == nil && !failed.contains(f) {
                let count = table.inFrame[f].count(where: isUsable)
                if count > best?.count ?? 11 { best = (f, count) }
            }
            guard let next = best?.frame else { break }
            guard register(next) else {
                failed.insert(next)
                continue
            }
            failed.removeAll()
            triangulate(seenIn: next)
            guard localAdjustment else { continue }
            let window = Set(registrationOrder.suffix(options.localWindow)).subtracting([anchor])
            adjust(free: window, optimizeFocal: false, maxIterations: 5)
            removeOutliers()
            if registeredCount >= lastGlobal + max(4, lastGlobal / 2) {
                adjustKeyframes(optimizeFocal: optimizeFocal, maxIterations: 15)
                removeOutliers()
                lastGlobal = registeredCount
            }
        }
    }

    /// Bundle adjustment of every registered camera and the points they see.
    mutating func adjustAll(maxIterations: Int) {
        adjust(free: Set(registrationOrder).subtracting([anchor]), optimizeFocal: false, maxIterations: maxIterations)
    }

    /// Whether observation k can place its frame: its track has a 3D point and k is not set aside.
    func isUsable(_ k: Int) -> Bool { points[table.track[k]] != nil && !outlier[k] }

    /// Tracks with a 3D point visible (and not set aside) in frame f.
    func correspondences(frame f: Int) -> (tracks: [Int], observations: [Int]) {
        var tracks: [Int] = []
        var observations: [Int] = []
        for k in table.inFrame[f] where isUsable(k) {
            tracks.append(table.track[k])
            observations.append(k)
        }
        return (tracks, observations)
    }

    /// Pose of frame f against the current points, then refined on the inliers. Guided first (as in
    /// tracking a video): the nearest registered frame's pose and that pose refined robustly on every
    /// correspondence are scored as RANSAC hypotheses (MSAC, local optimisation on their inliers)
    /// without sampling; the result is taken when a majority of the correspondences fit it, since no
    /// other pose could. Otherwise PnP + RANSAC, seeded with the same hypotheses.
    mutating func register(_ f: Int) -> Bool {
        let (tracks, observations) = correspondences(frame: f)
        guard tracks.count >= 12 else { return false }
        let world = tracks.map { points[$0]! }
        let image = observations.map { normalized(table.uv[$0]) }
        let problem = PoseEstimation(world: world, image: image, focal: intrinsics.fx)
        let nearest = registrationOrder.min { (abs($0 - f), $0) < (abs($1 - f), $1) }
        var hypotheses: [RigidTransform] = []
        if let prediction = nearest.flatMap({ cameraFromWorld[$0] }) {
            hypotheses.append(prediction)
            if let refined = PoseEstimation.refine(prediction, world: world, image: image, focal: intrinsics.fx, huberPixels: options.huberPixels) {
                hypotheses.append(refined)
            }
        }
        let seed = options.seed &+ UInt64(f)
        let guidedOnly = RANSACOptions(threshold: options.inlierThresholdPixels, minIterations: 0, maxIterations: 0, seed: seed)
        var fit = RANSAC.estimate(problem, options: guidedOnly, hypotheses: hypotheses)
        if fit.map({ $0.inlierCount * 2 <= problem.count }) ?? true {
            // A frame needs a quarter of its correspondences to fit, but 200 samples of six find an
            // all-inlier one with probability ≥ 1 − (1 − 0.25⁶)²⁰⁰ only for ratios above ~0.4; below
            // that the frame is better left unregistered than searched for thousands of iterations.
            let ransac = RANSACOptions(threshold: options.inlierThresholdPixels, minIterations: 8, maxIterations: registrationSamples, seed: seed)
            fit = RANSAC.estimate(problem, options: ransac, hypotheses: hypotheses)
        }
        guard let found = fit, found.inlierCount >= max(12, tracks.count / 4) else { return false }
        let kept = found.inlierIndices
        guard let pose = PoseEstimation.refine(found.model, world: kept.map { world[$0] }, image: kept.map { image[$0] },
                                               focal: intrinsics.fx, huberPixels: options.huberPixels) else { return false }
        cameraFromWorld[f] = pose
        registrationOrder.append(f)
        for (i, k) in observations.enumerated() where !found.inliers[i] { outlier[k] = true }
        return true
    }

    // MARK: triangulation

    /// Triangulates the tracks seen in frame f that have no point yet.
    mutating func triangulate(seenIn f: Int) {
        for k in table.inFrame[f] where points[table.track[k]] == nil && !rejected[table.track[k]] {
            triangulate(track: table.track[k])
        }
    }

    /// Triangulates every track without a point.
    mutating func triangulateAll() {
        for q in 0 ..< table.trackCount where points[q] == nil && !rejected[q] { triangulate(track: q) }
    }

    /// The point of one track from its observations in registered frames, kept only if it passes
    /// the angle, cheirality and reprojection checks.
    mutating func triangulate(track q: Int) {
        let usable = table.observations(of: q).filter { cameraFromWorld[table.frame[$0]] != nil && !outlier[$0] }
        guard usable.count >= 2 else { return }
        // Gathered once: the triangulation visits every view several times.
        let views = usable.map { (cameraFromWorld: cameraFromWorld[table.frame[$0]]!, x: normalized(table.uv[$0])) }
        guard let point = Triangulation.point(count: views.count, { views[$0] }),
              point.passes(minAngleDegrees: options.minTriangulationAngleDegrees, maxError: 2 * options.inlierThresholdPixels / intrinsics.fx)
        else { return }
        points[q] = point.position
    }

    // MARK: refinement

    /// Bundle adjustment of the `free` cameras and every point they see (other registered cameras
    /// fixed; only cameras in `observedBy` contribute observations when given); at most
    /// `maxBundlePoints` points, long and well spread ones first.
    @discardableResult
    mutating func adjust(free: Set<Int>, observedBy: Set<Int>? = nil, optimizeFocal: Bool, maxIterations: Int = 10,
                         relativeTolerance: Double = 1e-6, reportFocalDeviation: Bool = false) -> [Int] {
        func counts(_ k: Int) -> Bool { cameraFromWorld[table.frame[k]] != nil && !outlier[k] && observedBy?.contains(table.frame[k]) != false }
        let involved = (0 ..< table.trackCount).filter { q in
            points[q] != nil && table.observations(of: q).contains { free.contains(table.frame[$0]) && !outlier[$0] }
        }
        let chosen = selectWellSpread(involved, limit: options.maxBundlePoints)
        var pointOfTrack = [Int: Int]()
        var observations: [BundleObservation] = []
        var pointList: [SIMD3<Double>] = []
        for q in chosen {
            pointOfTrack[q] = pointList.count
            pointList.append(points[q]!)
            for k in table.observations(of: q) where counts(k) {
                observations.append(BundleObservation(camera: table.frame[k], point: pointList.count - 1, uv: table.uv[k]))
            }
        }
        guard !observations.isEmpty else { return [] }
        let fixed = Set(0 ..< table.frameCount).subtracting(free).union([anchor])
        var problem = BundleAdjustmentProblem(cameraFromWorld: cameraFromWorld.map { $0 ?? .identity }, points: pointList,
                                              intrinsics: intrinsics, observations: observations)
        let summary = BundleAdjustment.solve(&problem, options: BundleAdjustmentOptions(
            maxIterations: maxIterations, huberPixels: options.huberPixels, fixedCameras: fixed, optimizeFocal: optimizeFocal,
            relativeTolerance: relativeTolerance, reportFocalDeviation: reportFocalDeviation))
        bundleIterations += summary.iterations
        lastSummary = summary
        for f in free where cameraFromWorld[f] != nil { cameraFromWorld[f] = problem.cameraFromWorld[f] }
        for (q, p) in pointOfTrack { points[q] = problem.points[p] }
        intrinsics = problem.intrinsics
        return chosen
    }

    /// Global adjustment of the registered keyframes (observations of other frames left out), then
    /// every other registered frame's pose refined against the adjusted points: the cost does not
    /// grow with the square of the clip length.
    mutating func adjustKeyframes(optimizeFocal: Bool, maxIterations: Int, relativeTolerance: Double = 1e-6, reportFocalDeviation: Bool = false) {
        let keys = Set(keyframes.filter { cameraFromWorld[$0] != nil }).union([anchor])
        let adjusted = Set(adjust(free: keys.subtracting([anchor]), observedBy: keys, optimizeFocal: optimizeFocal,
                                  maxIterations: maxIterations, relativeTolerance: relativeTolerance, reportFocalDeviation: reportFocalDeviation))
        // The adjustment may shift the gauge a little: other frames follow the adjusted points only,
        // then the points left out are triangulated again from the updated cameras.
        for f in registrationOrder where !keys.contains(f) { refinePose(f, using: adjusted) }
        for q in 0 ..< table.trackCount where points[q] != nil && !adjusted.contains(q) {
            points[q] = nil
            triangulate(track: q)
        }
    }

    /// Motion-only refinement of frame f's pose against the points of `tracks` (robust loss).
    mutating func refinePose(_ f: Int, using subset: Set<Int>) {
        var (tracks, observations) = correspondences(frame: f)
        let keep = tracks.indices.filter { subset.contains(tracks[$0]) }
        (tracks, observations) = (keep.map { tracks[$0] }, keep.map { observations[$0] })
        guard let pose = cameraFromWorld[f],
              let refined = PoseEstimation.refine(pose, world: tracks.map { points[$0]! }, image: observations.map { normalized(table.uv[$0]) },
                                                  focal: intrinsics.fx, huberPixels: options.huberPixels) else { return }
        cameraFromWorld[f] = refined
    }

    /// Up to `limit` tracks, chosen round-robin over a 16 × 12 grid of image cells (by first
    /// observation), longest tracks first within a cell: the whole image constrains the cameras.
    func selectWellSpread(_ tracks: [Int], limit: Int) -> [Int] {
        guard tracks.count > limit else { return tracks }
        var cells = [[Int]](repeating: [], count: 16 * 12)
        for q in tracks {
            let p = table.uv[table.start[q]]
            let cx = min(15, max(0, Int(p.x / Double(width) * 16)))
            let cy = min(11, max(0, Int(p.y / Double(height) * 12)))
            cells[cy * 16 + cx].append(q)
        }
        for c in cells.indices {
            cells[c].sort { (table.observations(of: $0).count, -$0) > (table.observations(of: $1).count, -$1) }
        }
        var chosen: [Int] = []
        var round = 0
        while chosen.count < limit {
            var added = false
            for cell in cells where round < cell.count && chosen.count < limit {
                chosen.append(cell[round])
                added = true
            }
            if !added { break }
            round += 1
        }
        return chosen.sorted()
    }

    /// Sets aside observations that miss their point by more than the inlier threshold (what a
    /// RANSAC would reject), and drops (rejects) points many of whose observations do.
    mutating func removeOutliers() {
        let limit = options.inlierThresholdPixels
        for q in 0 ..< table.trackCount {
            guard let p = points[q] else { continue }
            var used = 0
            var bad = 0
            for k in table.observations(of: q) {
                guard let pose = cameraFromWorld[table.frame[k]], !outlier[k] else { continue }
                used += 1
                let c = pose * p
                let error = c.z > 0 ? length2(intrinsics.project(c) - table.uv[k]) : .infinity
                if error > limit {
                    outlier[k] = true
                    bad += 1
                }
            }
            if used - bad < 2 || bad * 3 > used {
                points[q] = nil
                rejected[q] = bad * 3 > used
            }
        }
    }

    /// Sets aside every observation of the flagged tracks (moving objects) and drops their points.
    mutating func setAside(_ tracks: [Bool]) {
        for q in 0 ..< table.trackCount where tracks[q] {
            points[q] = nil
            rejected[q] = true
            for k in table.observations(of: q) { outlier[k] = true }
        }
    }

    /// Truncated reprojection cost over every observation in the keyframes, normalised by their
    /// number: an observation without a registered camera or point costs the full threshold², so
    /// reconstructions that explain more of the tracks score better. Compares focal lengths.
    func truncatedCost() -> Double {
        let tau2 = options.inlierThresholdPixels * options.inlierThresholdPixels
        let allowed = Set(keyframes)
        var total = 0.0
        var count = 0
        for q in 0 ..< table.trackCount {
            for k in table.observations(of: q) where allowed.contains(table.frame[k]) {
                count += 1
                guard let p = points[q], let pose = cameraFromWorld[table.frame[k]] else {
                    total += tau2
                    continue
                }
                let c = pose * p
                guard c.z > 0 else {
                    total += tau2
                    continue
                }
                let e = intrinsics.project(c) - table.uv[k]
                total += min((e * e).sum(), tau2)
            }
        }
        return count > 0 ? total / Double(count) : .infinity
    }
}

func length2(_ v: SIMD2<Double>) -> Double { (v * v).sum().squareRoot() }
