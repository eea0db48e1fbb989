import FathomCore
import FathomVision

/// One reconstructed clip as the engine holds it, answering `PointQuery`s: its labels (depth,
/// cameras, tracks) and, when the clip was reconstructed in this process, its motion (flow and
/// occlusion) to follow any pixel. From labels alone (a shard), a point is followed by the static
/// scene's geometry: lifted with its depth and reprojected, visible where the target's depth agrees.
public struct ClipModel: Sendable {
    public let labels: ClipLabels
    let motion: ClipMotion?
    let tracker: PointTracker
    let lifting: TrackLifting

    public init(labels: ClipLabels, motion: ClipMotion? = nil, tracking: TrackingOptions = TrackingOptions()) {
        self.init(labels: labels, motion: motion, tracking: tracking, lifting: TrackLifting(labels: labels))
    }

    /// With the lifting the reconstructor already built for these labels (its track fits are the
    /// costly part).
    init(labels: ClipLabels, motion: ClipMotion?, tracking: TrackingOptions, lifting: TrackLifting) {
        self.labels = labels
        self.motion = motion
        tracker = PointTracker(options: tracking)
        self.lifting = lifting
    }

    /// Whether arbitrary pixels are followed by flow (true) or by reprojecting static geometry.
    public var followsMotion: Bool { motion != nil }

    /// Answers a batch of queries; queries sharing a source pixel share one track. Throws when a
    /// query names a frame or pixel outside the clip.
    public func answer(_ queries: [PointQuery]) throws(FathomError) -> [PointAnswer] {
        let (t, h, w) = (labels.frameCount, labels.height, labels.width)
        for (index, q) in queries.enumerated() {
            for (name, frame) in [("source", q.source), ("target", q.target), ("camera", q.camera)] where !(0 ..< t).contains(frame) {
                throw FathomError("query.badFrame", "query \(index): \(name) frame \(frame) is outside the clip's frames 0..<\(t)")
            }
            guard q.u >= 0, q.v >= 0, q.u < Float(w), q.v < Float(h) else {
                throw FathomError("query.badPixel", "query \(index): pixel (\(q.u), \(q.v)) is outside the \(w) × \(h) image (u in [0, \(w)), v in [0, \(h)))")
            }
        }
        var sources: [SIMD3<Float>] = []
        var sourceOfQuery: [Int] = []
        var known: [SIMD3<Float>: Int] = [:]
        for q in queries {
            let key = SIMD3(Float(q.source), q.u, q.v)
            if known[key] == nil {
                known[key] = sources.count
                sources.append(key)
            }
            sourceOfQuery.append(known[key]!)
        }
        let tracks = motion.map { tracker.track(queries: sources, $0) } ?? reprojected(sources)
        var lifted = [[(point: SIMD3<Double>, confidence: UInt8)?]](repeating: [], count: sources.count)
        lifted.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(buffer)
            parallelRows(sources.count, minimumWork: t * 64) { s in
                let path = TrackLifting.track(s, of: tracks)
                out[s] = lifting.lift(uv: path.uv, visible: path.visible, confidence: path.confidence)
            }
        }
        return queries.indices.map { index in
            let q = queries[index], s = sourceOfQuery[index]
            let base = s * t + q.target
            let uv = SIMD2(tracks.uv.storage[base * 2], tracks.uv.storage[base * 2 + 1])
            guard let entry = lifted[s][q.target] else {
                return PointAnswer(point: SIMD3(repeating: .nan), uv: uv, visible: tracks.visible.storage[base] == 1, confidence: 0)
            }
            let point = lifting.cameraFromWorld[q.camera] * entry.point
            return PointAnswer(point: SIMD3(Float(point.x), Float(point.y), Float(point.z)), uv: uv,
                               visible: tracks.visible.storage[base] == 1, confidence: min(entry.confidence, tracks.confidence.storage[base]))
        }
    }

    /// Tracks of `sources` from geometry alone: each source pixel's surface point, projected into
    /// every frame, visible where that frame's depth there agrees within 5 %.
    private func reprojected(_ sources: [SIMD3<Float>]) -> TrackLabels {
        let (t, h, w) = (labels.frameCount, labels.height, labels.width)
        let n = sources.count
        var uv = [Float](repeating: .nan, count: n * t * 2)
        var visible = [UInt8](repeating: 0, count: n * t)
        var confidence = visible
        for (s, source) in sources.enumerated() {
            guard let surface = lifting.surface(frame: Int(source.x), uv: SIMD2(source.y, source.z)) else { continue }
            for f in 0 ..< t {
                let camera = lifting.cameraFromWorld[f] * surface.point
                guard camera.z > 0 else { continue }
                let p = lifting.intrinsics[f].project(camera)
                let base = s * t + f
                uv[base * 2] = Float(p.x)
                uv[base * 2 + 1] = Float(p.y)
                confidence[base] = surface.confidence
                guard p.x >= 0, p.y >= 0, p.x < Double(w), p.y < Double(h) else { continue }
                let z = labels.depth.storage[(f * h + Int(p.y)) * w + Int(p.x)]
                visible[base] = z.isFinite && abs(Double(z) - camera.z) <= 0.05 * camera.z ? 1 : 0
            }
        }
        return TrackLabels(query: Tensor(shape: [n, 3], storage: sources.flatMap { [$0.x, $0.y, $0.z] }),
                           uv: Tensor(shape: [n, t, 2], storage: uv), xyz: nil,
                           visible: Tensor(shape: [n, t], storage: visible), confidence: Tensor(shape: [n, t], storage: confidence))
    }
}
