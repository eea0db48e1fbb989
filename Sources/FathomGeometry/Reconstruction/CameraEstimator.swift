import FathomCore

/// A clip's cameras (shared intrinsics, one pose per frame) from its 2D tracks, robust to moving
/// objects, honest about what cannot be observed.
///
/// 1. Survey: between the reference frame and others, how far tracks move and how much a
///    homography leaves unexplained (parallax). No motion: a static camera. Motion but no parallax:
///    the camera only turns (`RotationEstimator`). Otherwise:
/// 2. Focal length, when not given: the one whose quick reconstruction of about eight frames
///    explains the tracks best, on a coarse grid; the bundle adjustments then refine it.
/// 3. Incremental reconstruction (`IncrementalMapper`) from the reference frame and a partner with
///    enough parallax, built on keyframes (every third frame); the frames between them are
///    registered against that map; global bundle adjustments of the keyframes, the other frames
///    following by pose refinement; tracks no static point explains are moving.
/// 4. World = camera of the reference frame; scale: median depth of its static points is 1.
public struct CameraEstimator: Sendable {
    public let options: CameraEstimatorOptions

    public init(options: CameraEstimatorOptions = CameraEstimatorOptions()) {
        self.options = options
    }

    public func estimate(tracks: TrackLabels, width: Int, height: Int, knownIntrinsics: PinholeIntrinsics?, referenceFrame: Int) -> CameraSolution {
        let table = TrackTable(tracks)
        let t = table.frameCount
        precondition(referenceFrame >= 0 && referenceFrame < t, "reference frame \(referenceFrame) outside [0, \(t))")
        let working = TrackTable(subsetOf: table, tracks: table.spread(limit: options.maxCameraTracks))
        let survey = MotionSurvey(table: working, reference: referenceFrame, options: options)
        let prior = knownIntrinsics ?? centredIntrinsics(FocalSearch.focal(width: width, horizontalFOVDegrees: options.fallbackHorizontalFOVDegrees),
                                                         width: width, height: height)
        // Without a frame that shares enough tracks with the reference nothing can be said.
        guard !survey.pairs.isEmpty else { return failedSolution(table, intrinsics: prior, known: knownIntrinsics != nil) }
        guard survey.cameraMoves(beyond: options.staticPixels) else {
            return staticSolution(table, intrinsics: prior, known: knownIntrinsics != nil)
        }
        let diagonal = (Double(width * width + height * height)).squareRoot()
        let partners = survey.initialPartners(minParallax: options.parallaxPixels, target: max(4 * options.parallaxPixels, 0.025 * diagonal))
        if !partners.isEmpty, let solution = reconstruct(working, all: table, partners: partners, reference: referenceFrame, width: width, height: height,
                                                         known: knownIntrinsics) {
            return solution
        }
        if survey.hasParallax(beyond: options.parallaxPixels) {
            return failedSolution(table, intrinsics: prior, known: knownIntrinsics != nil)
        }
        let rotation = RotationEstimator(table: working, options: options, reference: referenceFrame, width: width, height: height)
            .estimate(known: knownIntrinsics, classifying: table)
        return solution(table, intrinsics: rotation.intrinsics, cameraFromWorld: rotation.cameraFromWorld, reference: referenceFrame,
                        moving: rotation.trackIsMoving, points: Array(repeating: nil, count: table.trackCount),
                        status: .rotationOnly, depthObservable: false, summary: rotation.summary,
                        focalSource: knownIntrinsics != nil ? "given" : "estimated")
    }

    // MARK: reconstruction with parallax

    /// Cameras from the `table` of working tracks; moving flags and points for every track of `all`.
    private func reconstruct(_ table: TrackTable, all: TrackTable, partners: [Int], reference: Int, width: Int, height: Int,
                             known: PinholeIntrinsics?) -> CameraSolution? {
        let allFrames = Array(0 ..< table.frameCount)
        for partner in partners.prefix(3) {
            var intrinsics = known ?? centredIntrinsics(FocalSearch.focal(width: width, horizontalFOVDegrees: options.fallbackHorizontalFOVDegrees),
                                                        width: width, height: height)
            if known == nil {
                let subset = spreadFrames(count: table.frameCount, about: 8, including: [reference, partner])
                let low = FocalSearch.focal(width: width, horizontalFOVDegrees: options.focalSearchFOVDegrees.upperBound)
                let high = FocalSearch.focal(width: width, horizontalFOVDegrees: options.focalSearchFOVDegrees.lowerBound)
                // No golden-section refinement: the adjustments with a free focal length move it
                // further than that would, so the grid only has to find the right valley.
                let found = FocalSearch.minimize(over: low ... high, gridPoints: 9, refinements: 0) { f in
                    var mapper = IncrementalMapper(table: table, options: options, intrinsics: centredIntrinsics(f, width: width, height: height),
                                                   width: width, height: height, keyframes: subset, registrationSamples: 50)
                    guard mapper.initialize(reference, partner) else { return .infinity }
                    mapper.registerAll(subset, localAdjustment: false)
                    mapper.adjustAll(maxIterations: 10)
                    return mapper.truncatedCost()
                }
                guard found.cost.isFinite else { continue }
                intrinsics = centredIntrinsics(found.focal, width: width, height: height)
            }
            let keyframeCount = (table.frameCount + options.keyframeSpacing - 1) / options.keyframeSpacing
            let keyframes = spreadFrames(count: table.frameCount, about: keyframeCount, including: [reference, partner])
            var mapper = IncrementalMapper(table: table, options: options, intrinsics: intrinsics, width: width, height: height, keyframes: keyframes)
            guard mapper.initialize(reference, partner) else { continue }
            mapper.registerAll(keyframes, optimizeFocal: known == nil, localAdjustment: true)
            mapper.registerAll(allFrames, localAdjustment: false)  // the frames between keyframes
            for _ in 0 ..< 2 {
                mapper.triangulateAll()
                mapper.adjustKeyframes(optimizeFocal: known == nil, maxIterations: 15)
                mapper.removeOutliers()
            }
            // Tracks that slip by more than the inlier threshold are left out of the cameras, though
            // only those beyond the moving threshold are labelled moving.
            mapper.setAside(staticFit(mapper.table, cameraFromWorld: mapper.cameraFromWorld, intrinsics: mapper.intrinsics,
                                      missPixels: options.inlierThresholdPixels).moving)
            mapper.triangulateAll()
            // The focal length sits in a long shallow valley when the views span a small arc: the
            // last adjustment runs to a tight tolerance so it reaches the bottom.
            mapper.adjustKeyframes(optimizeFocal: known == nil, maxIterations: 100, relativeTolerance: 1e-10, reportFocalDeviation: true)
            let fit = staticFit(all, cameraFromWorld: mapper.cameraFromWorld, intrinsics: mapper.intrinsics, missPixels: options.movingThresholdPixels)
            let registeredFraction = Double(mapper.registeredCount) / Double(table.frameCount)
            let status: GeometryStatus = registeredFraction == 1 ? .ok : registeredFraction >= 0.3 ? .partial : .failed
            guard status != .failed else { continue }
            return solution(all, intrinsics: mapper.intrinsics, cameraFromWorld: mapper.cameraFromWorld, reference: reference,
                            moving: fit.moving, points: fit.points, status: status, depthObservable: true,
                            summary: mapper.lastSummary, focalSource: known != nil ? "given" : "estimated",
                            bundleIterations: mapper.bundleIterations)
        }
        return nil
    }

    /// About `about` frames evenly spread over the clip, always with the `including` ones (the
    /// starting pair): the keyframes of a reconstruction.
    private func spreadFrames(count: Int, about: Int, including: [Int]) -> [Int] {
        let step = max(1, count / about)
        return Array(Set(stride(from: 0, to: count, by: step)).union(including)).sorted()
    }

    /// Each track's best static 3D point, triangulated from all its observations in registered
    /// frames. A track is moving when that point misses at least a quarter of them, and two or
    /// more, by more than `missPixels`; a static track keeps its point when it passes the angle,
    /// cheirality and reprojection checks.
    private func staticFit(_ table: TrackTable, cameraFromWorld: [RigidTransform?], intrinsics k: PinholeIntrinsics, missPixels: Double)
        -> (moving: [Bool], points: [SIMD3<Double>?]) {
        var fits = [(moving: Bool, point: SIMD3<Double>?)](repeating: (false, nil), count: table.trackCount)
        let maxError = 2 * options.inlierThresholdPixels / k.fx
        // Tracks are fitted independently: in parallel, with the same result on any number of cores.
        fits.withUnsafeMutableBufferPointer { slots in
            let output = SharedBuffer(slots)
            parallelRows(table.trackCount, minimumWork: 256) { q in
                let usable = table.observations(of: q).filter { cameraFromWorld[table.frame[$0]] != nil }
                guard usable.count >= 2 else { return }
                // Gathered once: the triangulation visits every view several times.
                let views = usable.map { o in
                    (cameraFromWorld: cameraFromWorld[table.frame[o]]!, x: SIMD2((table.uv[o].x - k.cx) / k.fx, (table.uv[o].y - k.cy) / k.fy))
                }
                guard let point = Triangulation.point(count: views.count, { views[$0] }) else { return }
                var bad = 0
                for o in usable {
                    let c = cameraFromWorld[table.frame[o]]! * point.position
                    if c.z <= 0 || length2(k.project(c) - table.uv[o]) > missPixels { bad += 1 }
                }
                let moving = usable.count >= 3 && bad >= 2 && bad * 4 >= usable.count
                let keep = !moving && point.passes(minAngleDegrees: options.minTriangulationAngleDegrees, maxError: maxError)
                output[q] = (moving, keep ? point.position : nil)
            }
        }
        return (fits.map(\.moving), fits.map(\.point))
    }

    // MARK: degenerate clips

    private func staticSolution(_ table: TrackTable, intrinsics: PinholeIntrinsics, known: Bool) -> CameraSolution {
        // With the camera still, a track that moves is on a moving object.
        var moving = [Bool](repeating: false, count: table.trackCount)
        for q in 0 ..< table.trackCount {
            let range = table.observations(of: q)
            guard let first = range.first else { continue }
            let far = range.filter { length2(table.uv[$0] - table.uv[first]) > options.movingThresholdPixels }.count
            moving[q] = far >= 2
        }
        return solution(table, intrinsics: intrinsics, cameraFromWorld: Array(repeating: .identity, count: table.frameCount), reference: 0,
                        moving: moving, points: Array(repeating: nil, count: table.trackCount), status: .static, depthObservable: false,
                        summary: nil, focalSource: known ? "given" : "prior")
    }

    private func failedSolution(_ table: TrackTable, intrinsics: PinholeIntrinsics, known: Bool) -> CameraSolution {
        var failed = solution(table, intrinsics: intrinsics, cameraFromWorld: Array(repeating: .identity, count: table.frameCount), reference: 0,
                              moving: Array(repeating: false, count: table.trackCount), points: Array(repeating: nil, count: table.trackCount),
                              status: .failed, depthObservable: false, summary: nil, focalSource: known ? "given" : "prior")
        failed.registered = Array(repeating: false, count: table.frameCount)
        failed.quality["registered_fraction"] = .number(0)
        return failed
    }

    // MARK: output

    private func centredIntrinsics(_ focal: Double, width: Int, height: Int) -> PinholeIntrinsics {
        PinholeIntrinsics(fx: focal, fy: focal, cx: Double(width) / 2, cy: Double(height) / 2)
    }

    /// The solution in the reference camera's frame and scale, unregistered frames filled from the
    /// nearest registered one, with the quality figures.
    private func solution(_ table: TrackTable, intrinsics: PinholeIntrinsics, cameraFromWorld: [RigidTransform?], reference: Int,
                          moving: [Bool], points: [SIMD3<Double>?], status: GeometryStatus, depthObservable: Bool,
                          summary: BundleAdjustmentSummary?, focalSource: String, bundleIterations: Int? = nil) -> CameraSolution {
        let t = cameraFromWorld.count
        let referenceFromWorld = cameraFromWorld[reference] ?? .identity
        // Scale: median depth of the reference frame's static points.
        var depths: [Double] = []
        for k in table.inFrame[reference] where !moving[table.track[k]] {
            if let p = points[table.track[k]] { depths.append((referenceFromWorld * p).z) }
        }
        let positive = depths.filter { $0 > 0 }
        let scale = depthObservable && !positive.isEmpty ? 1 / upperMedian(positive) : 1
        let registered = cameraFromWorld.map { $0 != nil }
        var worldFromCamera = [RigidTransform](repeating: .identity, count: t)
        for f in 0 ..< t {
            let source = registered[f] ? f : nearestRegistered(f, registered) ?? reference
            var pose = referenceFromWorld * (cameraFromWorld[source] ?? referenceFromWorld).inverse
            pose.translation *= scale
            worldFromCamera[f] = pose
        }
        let trackPoints = points.enumerated().map { q, p in
            p.flatMap { moving[q] ? nil : (referenceFromWorld * $0) * scale }
        }
        let movingCount = moving.filter { $0 }.count
        var quality: [String: QualityValue] = [
            "geometry_status": .text(status.rawValue),
            "registered_fraction": .number(Double(registered.filter { $0 }.count) / Double(max(t, 1))),
            "moving_fraction": .number(table.trackCount > 0 ? Double(movingCount) / Double(table.trackCount) : 0),
            "focal_px": .number(intrinsics.fx),
            "focal_source": .text(focalSource),
        ]
        if let summary {
            quality["reprojection_rmse_px"] = .number(summary.rmsePixels)
            quality["ba_iterations"] = .number(Double(bundleIterations ?? summary.iterations))
            quality["ba_initial_cost"] = .number(summary.initialCost)
            quality["ba_final_cost"] = .number(summary.finalCost)
            quality["ba_inlier_fraction"] = .number(summary.observations > 0 ? Double(summary.inliers) / Double(summary.observations) : 0)
            if focalSource == "estimated", let sigma = summary.focalStandardDeviation, sigma.isFinite {
                quality["focal_sigma_percent"] = .number(100 * sigma / intrinsics.fx)
            }
        }
        let unregistered = (0 ..< t).filter { !registered[$0] }
        if !unregistered.isEmpty { quality["unregistered_frames"] = .text(unregistered.map(String.init).joined(separator: ",")) }
        return CameraSolution(intrinsics: intrinsics, worldFromCamera: worldFromCamera, status: status, depthObservable: depthObservable,
                              trackIsMoving: moving, trackPoints: trackPoints, registered: registered,
                              focalEstimated: focalSource == "estimated", quality: quality)
    }

    private func nearestRegistered(_ f: Int, _ registered: [Bool]) -> Int? {
        (0 ..< registered.count).filter { registered[$0] }.min { (abs($0 - f), $0) < (abs($1 - f), $1) }
    }
}
