import FathomCore

/// Lifts 2D tracks into the world frame with a clip's depth and cameras, the one rule behind
/// `tracks/xyz` and every query answer:
/// - a track that one static point explains (`StaticPointFit`) is that point in every frame,
///   visible or hidden: triangulated from all its views, it is more accurate than any one depth map;
/// - a track that no static point explains (median reprojection error above `movingResidual`) is
///   on a moving surface, whose depth motion stereo cannot observe: it stays unknown (NaN);
/// - any other track is, where visible, the depth under it unprojected in that frame's camera (at a
///   pixel centre exactly the depth map's); where hidden, a track whose lifted positions stay put
///   keeps their median, and one that moves is interpolated between its nearest visible positions.
struct TrackLifting {
    let depth: Tensor<Float>
    let depthConfidence: Tensor<UInt8>
    let intrinsics: [PinholeIntrinsics]
    let worldFromCamera: [RigidTransform]
    let cameraFromWorld: [RigidTransform]
    /// Median reprojection error, pixels, above which a track is on a moving surface: a few times
    /// the clip's typical error (which grows with tracking noise and camera error), at least 1 px.
    let movingResidual: Double
    /// The clip's own tracks and their fits (which set `movingResidual`), lifted by `xyz()`.
    let tracks: TrackLabels
    let trackFits: [StaticPointFit?]

    /// Relative spread (median distance from the median position / median depth) under which a
    /// track counts as static.
    static let staticSpread = 0.02
    /// `movingResidual` in multiples of the clip's median track residual, and its floor in pixels.
    static let movingFactor = 3.0
    static let minMovingResidual = 1.0

    init(labels: ClipLabels) {
        depth = labels.depth
        depthConfidence = labels.depthConfidence
        let t = labels.frameCount
        let intrinsics = (0 ..< t).map { labels.intrinsicsOfFrame($0) }
        let worldFromCamera = (0 ..< t).map { labels.worldFromCameraOfFrame($0) }
        let cameraFromWorld = worldFromCamera.map(\.inverse)
        (self.intrinsics, self.worldFromCamera, self.cameraFromWorld) = (intrinsics, worldFromCamera, cameraFromWorld)
        var fits = [StaticPointFit?](repeating: nil, count: labels.tracks.count)
        fits.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(buffer)
            parallelRows(buffer.count, minimumWork: t * 64) { q in
                let path = Self.track(q, of: labels.tracks)
                out[q] = Self.fit(uv: path.uv, visible: path.visible, intrinsics: intrinsics, cameraFromWorld: cameraFromWorld)
            }
        }
        let residuals = fits.compactMap { $0?.medianResidual }
        (tracks, trackFits) = (labels.tracks, fits)
        movingResidual = residuals.isEmpty ? .infinity : max(Self.minMovingResidual, Self.movingFactor * median(residuals))
    }

    /// The static-point fit of a track's visible observations.
    static func fit(uv: [SIMD2<Float>], visible: [Bool], intrinsics: [PinholeIntrinsics], cameraFromWorld: [RigidTransform]) -> StaticPointFit? {
        StaticPointFit(frames: uv.indices.filter { visible[$0] && uv[$0].x.isFinite }, uv: uv,
                       intrinsics: intrinsics, cameraFromWorld: cameraFromWorld)
    }

    var frameCount: Int { depth.shape[0] }

    /// The world point seen at `uv` of `frame`, and the depth's confidence there; nil where depth is
    /// unknown. Depth between pixel centres is interpolated (as inverse depth) when the four pixels
    /// around `uv` lie on one surface, else taken from the pixel under `uv`; at a pixel centre it is
    /// that pixel's depth exactly.
    func surface(frame: Int, uv: SIMD2<Float>) -> (point: SIMD3<Double>, confidence: UInt8)? {
        let (h, w) = (depth.shape[1], depth.shape[2])
        guard uv.x >= 0, uv.y >= 0, uv.x < Float(w), uv.y < Float(h) else { return nil }
        let plane = frame * h * w
        let pixel = plane + Int(uv.y) * w + Int(uv.x)
        var z = Double(depth.storage[pixel])
        guard z.isFinite, z > 0 else { return nil }
        // The four pixel centres around uv and the bilinear weights.
        let x = Double(uv.x) - 0.5, y = Double(uv.y) - 0.5
        let x0 = min(max(Int(x.rounded(.down)), 0), w - 1), y0 = min(max(Int(y.rounded(.down)), 0), h - 1)
        let x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
        let fx = min(max(x - Double(x0), 0), 1), fy = min(max(y - Double(y0), 0), 1)
        let corners = [(y0, x0, (1 - fx) * (1 - fy)), (y0, x1, fx * (1 - fy)), (y1, x0, (1 - fx) * fy), (y1, x1, fx * fy)]
        let values = corners.map { Double(depth.storage[plane + $0.0 * w + $0.1]) }
        if values.allSatisfy({ $0.isFinite && $0 > 0 && abs($0 - z) <= 0.05 * z }) {
            z = 1 / zip(corners, values).reduce(0) { $0 + $1.0.2 / $1.1 }
        }
        let camera = intrinsics[frame].unproject(SIMD2(Double(uv.x), Double(uv.y)), depth: z)
        return (worldFromCamera[frame] * camera, depthConfidence.storage[pixel])
    }

    /// World positions of one track in every frame (nil where unknown), with a confidence each.
    func lift(uv: [SIMD2<Float>], visible: [Bool], confidence: [UInt8]) -> [(point: SIMD3<Double>, confidence: UInt8)?] {
        lift(uv: uv, visible: visible, confidence: confidence,
             fit: Self.fit(uv: uv, visible: visible, intrinsics: intrinsics, cameraFromWorld: cameraFromWorld))
    }

    private func lift(uv: [SIMD2<Float>], visible: [Bool], confidence: [UInt8], fit staticFit: StaticPointFit?) -> [(point: SIMD3<Double>, confidence: UInt8)?] {
        let t = frameCount
        var seen = [(point: SIMD3<Double>, confidence: UInt8)?](repeating: nil, count: t)
        if let staticFit, staticFit.medianResidual > movingResidual { return seen }
        if let point = staticFit?.point {
            let observed = (0 ..< t).map { visible[$0] && uv[$0].x.isFinite }
            let hiddenConfidence = (0 ..< t).filter { observed[$0] }.map { confidence[$0] }.min()! / 2
            return (0 ..< t).map { (point, observed[$0] ? confidence[$0] : hiddenConfidence) }
        }
        for f in 0 ..< t where visible[f] && uv[f].x.isFinite {
            if let s = surface(frame: f, uv: uv[f]) { seen[f] = (s.point, min(s.confidence, confidence[f])) }
        }
        let known = seen.indices.filter { seen[$0] != nil }
        guard !known.isEmpty else { return seen }
        let points = known.map { seen[$0]!.point }
        let centre = SIMD3(median(points.map { $0.x }), median(points.map { $0.y }), median(points.map { $0.z }))
        let spread = median(points.map { length($0 - centre) })
        let scale = median(known.map { (cameraFromWorld[$0] * seen[$0]!.point).z })
        let isStatic = spread <= Self.staticSpread * scale
        let hiddenConfidence = UInt8(known.map { Int(seen[$0]!.confidence) }.min()! / 2)
        var lifted = seen
        for f in 0 ..< t where seen[f] == nil {
            if isStatic {
                lifted[f] = (centre, hiddenConfidence)
                continue
            }
            let before = known.last { $0 < f }, after = known.first { $0 > f }
            switch (before, after) {
            case let (b?, a?):
                let s = Double(f - b) / Double(a - b)
                lifted[f] = (seen[b]!.point + s * (seen[a]!.point - seen[b]!.point), hiddenConfidence / 2)
            case let (b?, nil): lifted[f] = (seen[b]!.point, hiddenConfidence / 4)
            case let (nil, a?): lifted[f] = (seen[a]!.point, hiddenConfidence / 4)
            case (nil, nil): break
            }
        }
        return lifted
    }

    /// `tracks/xyz` [N, T, 3] of the clip's own tracks: world-frame points, NaN where unknown.
    func xyz() -> Tensor<Float> {
        let (n, t) = (tracks.count, frameCount)
        var xyz = [Float](repeating: .nan, count: n * t * 3)
        xyz.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(buffer)
            parallelRows(n, minimumWork: t * 64) { q in
                let path = Self.track(q, of: tracks)
                for (f, entry) in lift(uv: path.uv, visible: path.visible, confidence: path.confidence, fit: trackFits[q]).enumerated() {
                    guard let entry else { continue }
                    let base = (q * t + f) * 3
                    (out[base], out[base + 1], out[base + 2]) = (Float(entry.point.x), Float(entry.point.y), Float(entry.point.z))
                }
            }
        }
        return Tensor(shape: [n, t, 3], storage: xyz)
    }

    static func track(_ q: Int, of tracks: TrackLabels) -> (uv: [SIMD2<Float>], visible: [Bool], confidence: [UInt8]) {
        let t = tracks.uv.shape[1]
        return ((0 ..< t).map { SIMD2(tracks.uv.storage[(q * t + $0) * 2], tracks.uv.storage[(q * t + $0) * 2 + 1]) },
                (0 ..< t).map { tracks.visible.storage[q * t + $0] == 1 },
                (0 ..< t).map { tracks.confidence.storage[q * t + $0] })
    }
}
