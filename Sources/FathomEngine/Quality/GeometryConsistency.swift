import FathomCore
import FathomVision

/// What the clip's depth and cameras say, where the engine estimated them: whether the static
/// scene is one rigid world seen by the cameras, and whether every surface that disappears has a
/// nearer surface in front of it. Nil figures where depth is unknown throughout.
struct GeometryConsistency: Sendable {
    /// Share of pixels with a depth.
    let depthCoverage: Double
    /// Median distance (pixels) between where a static track is in frame t + 1 and where its point
    /// in frame t, lifted with that frame's depth and moved by the cameras, lands; nil without
    /// such tracks.
    let reprojection: Double?
    /// Per pair t → t + 1: share of the image that becomes hidden while the surface landing on it
    /// is not nearer than the hidden point (whose depth in t + 1 follows from its depth in t and
    /// the cameras): a disappearance with no occluder in front, such as an object sinking into
    /// another, or vanishing to reveal the background. Eroded like the motion figures.
    let uncoveredHiding: FrameSeries

    /// Relative depth gap under which a surface does not count as in front.
    static let occluderGap = 0.02

    init?(motion: ClipMotion, lost: [[Bool]], labels: ClipLabels) {
        let (t, h, w) = (labels.frameCount, labels.height, labels.width)
        let depth = labels.depth.storage, confidence = labels.depthConfidence.storage
        let known = depth.reduce(0) { $0 + ($1.isFinite && $1 > 0 ? 1 : 0) }
        guard known > 0 else { return nil }
        depthCoverage = Double(known) / Double(depth.count)
        let intrinsics = (0 ..< t).map { labels.intrinsicsOfFrame($0) }
        let cameras = (0 ..< t).map { labels.worldFromCameraOfFrame($0) }
        let nextFromThis = (0 ..< max(t - 1, 0)).map { cameras[$0 + 1].inverse * cameras[$0] }

        // Depth the engine is at least fairly sure of: a test of geometry needs geometry to test.
        func depthAt(_ f: Int, _ x: Double, _ y: Double) -> Double? {
            guard x >= 0, y >= 0, x < Double(w), y < Double(h) else { return nil }
            let pixel = (f * h + Int(y)) * w + Int(x)
            let z = Double(depth[pixel])
            return z.isFinite && z > 0 && confidence[pixel] >= 128 ? z : nil
        }

        // Tracks seen in consecutive frames: per track, the median reprojection error of its steps.
        let n = labels.tracks.count
        let uv = labels.tracks.uv.storage, visible = labels.tracks.visible.storage
        var trackErrors: [Double] = []
        for q in 0 ..< n {
            var errors: [Double] = []
            for f in 0 ..< max(t - 1, 0) where visible[q * t + f] == 1 && visible[q * t + f + 1] == 1 {
                let a = SIMD2(Double(uv[(q * t + f) * 2]), Double(uv[(q * t + f) * 2 + 1]))
                let b = SIMD2(Double(uv[(q * t + f + 1) * 2]), Double(uv[(q * t + f + 1) * 2 + 1]))
                guard let z = depthAt(f, a.x, a.y) else { continue }
                let moved = nextFromThis[f] * intrinsics[f].unproject(a, depth: z)
                guard moved.z > 0 else { continue }
                let d = intrinsics[f + 1].project(moved) - b
                errors.append((d * d).sum().squareRoot())
            }
            if !errors.isEmpty { trackErrors.append(FrameSeries(values: errors).median) }
        }
        // Tracks whose steps the static world does not explain are on moving objects.
        let diagonal = Double(w * w + h * h).squareRoot()
        let staticErrors = trackErrors.filter { $0 <= TrackConsistency.jumpThreshold(diagonal: diagonal) }
        reprojection = staticErrors.isEmpty ? nil : FrameSeries(values: staticErrors).median

        var hiding: [Double] = []
        for f in 0 ..< max(t - 1, 0) {
            var uncovered = [Bool](repeating: false, count: w * h)
            let flow = motion.forward[f], hidden = lost[f]
            for i in 0 ..< h {
                for j in 0 ..< w where hidden[i * w + j] {
                    let p = i * w + j
                    let (x, y) = (Double(j) + 0.5, Double(i) + 0.5)
                    guard let z = depthAt(f, x, y) else { continue }
                    let landing = SIMD2(x + Double(flow.u[p]), y + Double(flow.v[p]))
                    let moved = nextFromThis[f] * intrinsics[f].unproject(SIMD2(x, y), depth: z)
                    guard moved.z > 0, let occluder = depthAt(f + 1, landing.x, landing.y) else { continue }
                    uncovered[p] = occluder > moved.z * (1 - Self.occluderGap)
                }
            }
            hiding.append(Double(erodedCount(uncovered, width: w, height: h)) / Double(w * h))
        }
        uncoveredHiding = FrameSeries(values: hiding)
    }
}
