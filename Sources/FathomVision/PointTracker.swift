import FathomCore

/// Settings of long-range point tracking.
public struct TrackingOptions: Sendable, Equatable {
    /// Grid spacing of queries, pixels: at the first frame, and for new surface later.
    public var spacing: Int
    /// Frames an occluded point is extrapolated and searched for before it is given up.
    public var reacquireFrames: Int
    /// Whether to start new tracks where surface appears that no track covers.
    public var seedNewSurface: Bool
    /// Upper bound on tracks per clip.
    public var maxTracks: Int

    public init(spacing: Int = 8, reacquireFrames: Int = 8, seedNewSurface: Bool = true, maxTracks: Int = 20_000) {
        self.spacing = spacing
        self.reacquireFrames = reacquireFrames
        self.seedNewSurface = seedNewSurface
        self.maxTracks = maxTracks
    }
}

/// Everything a tracker needs about a clip, computed once: frames, flows both ways, and where
/// surfaces disappear (occlusion bit 0) and appear (bit 1).
public struct ClipMotion: Sendable {
    public let images: [GrayImage]
    /// forward[t]: frame t → t + 1; backward[t]: frame t + 1 → t.
    public let forward: [FlowField]
    public let backward: [FlowField]
    /// hiddenNext[t]: pixels of frame t not visible in t + 1; hiddenPrevious[t]: not visible in t − 1.
    public let hiddenNext: [[Bool]]
    public let hiddenPrevious: [[Bool]]
    /// inconsistency[t]: `OcclusionMask.inconsistency` of pair t → t + 1.
    public let inconsistency: [Double]

    /// Without `inconsistency`, it is worked out from the flows.
    public init(images: [GrayImage], forward: [FlowField], backward: [FlowField], hiddenNext: [[Bool]], hiddenPrevious: [[Bool]],
                inconsistency: [Double]? = nil) {
        self.images = images
        self.forward = forward
        self.backward = backward
        self.hiddenNext = hiddenNext
        self.hiddenPrevious = hiddenPrevious
        self.inconsistency = inconsistency ?? forward.indices.map {
            OcclusionMask(forward: forward[$0], backward: backward[$0], first: images[$0], second: images[$0 + 1]).inconsistency
        }
    }

    public var width: Int { images[0].width }
    public var height: Int { images[0].height }
    public var frameCount: Int { images.count }
}

/// Long 2D tracks by chaining flow, with drift control and re-acquisition after occlusion.
///
/// Each step moves a point by the flow at its position, then re-aligns it to the appearance of its
/// source patch (a small Lucas–Kanade correction, accepted only when it improves the match and
/// stays under a pixel), which stops the random-walk drift of plain chaining. The source patch is
/// compared in the shape the surface now has (`LinearWarp`, carried along from the flow's
/// derivatives), so perspective does not bias the match as the view changes. A point whose pixel
/// is flagged as hidden in the next frame becomes invisible and is carried at its last velocity
/// while the tracker looks for its source patch again; found within `reacquireFrames`, it is
/// visible again, else it is lost (NaN). Queries start on a grid at frame 0 and, where surface
/// appears that no visible track covers, at later frames; each is tracked forwards and backwards.
public struct PointTracker: Sendable {
    public let options: TrackingOptions

    public init(options: TrackingOptions = .init()) {
        self.options = options
    }

    public func track(_ motion: ClipMotion) -> TrackLabels {
        let (w, h, t) = (motion.width, motion.height, motion.frameCount)
        let s = options.spacing
        var queries: [SIMD3<Float>] = []  // (t_src, x, y) in pixel-index coordinates
        for i in stride(from: s / 2, to: h, by: s) {
            for j in stride(from: s / 2, to: w, by: s) { queries.append([0, Float(j), Float(i)]) }
        }
        queries = Array(queries.prefix(options.maxTracks))
        var paths = follow(queries, motion)
        if options.seedNewSurface {
            for frame in 1 ..< t where queries.count < options.maxTracks {
                let cellsX = (w + s - 1) / s
                var covered = [Bool](repeating: false, count: cellsX * ((h + s - 1) / s))
                for path in paths where path.visible[frame] {
                    let p = path.position[frame]
                    let (cx, cy) = (Int(p.x) / s, Int(p.y) / s)
                    if cx >= 0, cy >= 0, p.x < Float(w), p.y < Float(h) { covered[cy * cellsX + cx] = true }
                }
                var seeds: [SIMD3<Float>] = []
                for i in stride(from: s / 2, to: h, by: s) {
                    for j in stride(from: s / 2, to: w, by: s) where !covered[(i / s) * cellsX + j / s] {
                        seeds.append([Float(frame), Float(j), Float(i)])
                    }
                }
                seeds = Array(seeds.prefix(options.maxTracks - queries.count))
                queries += seeds
                paths += follow(seeds, motion)
            }
        }
        return labels(queries, paths, frames: t)
    }

    /// Tracks of arbitrary queries (t_src, u, v) in label pixels (pixel centres at j + 0.5): the
    /// same following as the grid's, so an answer for a grid point is that grid track.
    public func track(queries: [SIMD3<Float>], _ motion: ClipMotion) -> TrackLabels {
        let indexQueries = queries.map { SIMD3($0.x, $0.y - 0.5, $0.z - 0.5) }
        return labels(indexQueries, follow(indexQueries, motion), frames: motion.frameCount)
    }

    private func labels(_ queries: [SIMD3<Float>], _ paths: [Path], frames t: Int) -> TrackLabels {
        let n = queries.count
        var query = [Float](repeating: 0, count: n * 3)
        var uv = [Float](repeating: .nan, count: n * t * 2)
        var visible = [UInt8](repeating: 0, count: n * t)
        var confidence = visible
        for (q, path) in paths.enumerated() {
            query[q * 3 ..< q * 3 + 3] = [queries[q].x, queries[q].y + 0.5, queries[q].z + 0.5]
            for frame in 0 ..< t where path.position[frame].x.isFinite {
                uv[(q * t + frame) * 2] = path.position[frame].x + 0.5
                uv[(q * t + frame) * 2 + 1] = path.position[frame].y + 0.5
                visible[q * t + frame] = path.visible[frame] ? 1 : 0
                confidence[q * t + frame] = path.confidence[frame]
            }
        }
        return TrackLabels(query: Tensor(shape: [n, 3], storage: query), uv: Tensor(shape: [n, t, 2], storage: uv), xyz: nil,
                           visible: Tensor(shape: [n, t], storage: visible), confidence: Tensor(shape: [n, t], storage: confidence))
    }

    /// One tracked point through the clip, in pixel-index coordinates.
    struct Path {
        var position: [SIMD2<Float>]
        var visible: [Bool]
        var confidence: [UInt8]
    }

    private func follow(_ queries: [SIMD3<Float>], _ motion: ClipMotion) -> [Path] {
        var paths = [Path](repeating: Path(position: [], visible: [], confidence: []), count: queries.count)
        paths.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(buffer)
            parallelRows(queries.count, minimumWork: motion.frameCount * 400) { q in
                out[q] = followOne(queries[q], motion)
            }
        }
        return paths
    }

    private func followOne(_ query: SIMD3<Float>, _ motion: ClipMotion) -> Path {
        let t = motion.frameCount
        let start = Int(query.x)
        let origin = SIMD2(query.y, query.z)
        var path = Path(position: Array(repeating: SIMD2(.nan, .nan), count: t), visible: Array(repeating: false, count: t),
                        confidence: Array(repeating: 0, count: t))
        path.position[start] = origin
        path.visible[start] = true
        path.confidence[start] = 255
        let images = motion.images
        let template = Patch(images[start], at: origin)
        for direction in [1, -1] {
            // Frames, flows and masks are read in place, per step: copying one out of its array
            // would cost reference counting that both workers contend for.
            let (flows, hiddenMasks) = direction > 0 ? (motion.forward, motion.hiddenNext) : (motion.backward, motion.hiddenPrevious)
            var position = origin
            var warp = LinearWarp.identity
            var velocity = SIMD2<Float>(0, 0)
            var hiddenFor = 0
            var frame = start
            while frame + direction >= 0 && frame + direction < t {
                let next = frame + direction
                let pair = direction > 0 ? frame : next  // whose flow carries the point to `next`
                if hiddenFor == 0 {
                    let pixel = Int(position.y.rounded()) * motion.width + Int(position.x.rounded())
                    let inside = position.x >= 0 && position.y >= 0 && position.x <= Float(motion.width - 1) && position.y <= Float(motion.height - 1)
                    let step = flows[pair].sample(x: position.x, y: position.y)
                    if inside && !hiddenMasks[frame][min(max(pixel, 0), hiddenMasks[frame].count - 1)] {
                        var moved = position + step
                        if let local = LinearWarp(flow: flows[pair], at: position) { warp = warp.followed(by: local) }
                        moved = template.align(in: images[next], near: moved, warp: warp, maxShift: 1) ?? moved
                        velocity = moved - position
                        position = moved
                        let visible = isInside(position, motion)
                        path.position[next] = position
                        path.visible[next] = visible
                        path.confidence[next] = visible ? 255 : 64
                        if !visible { hiddenFor = 1 }
                        frame = next
                        continue
                    }
                    velocity = step
                    hiddenFor = 1
                }
                // Hidden: carry the point at its last velocity and look for its source patch again
                // (where it is predicted to be, when the search cannot improve on that).
                position += velocity
                let found = template.align(in: images[next], near: position, warp: warp, maxShift: 2) ?? position
                if isInside(found, motion), template.matches(images[next], at: found, warp: warp) {
                    position = found
                    hiddenFor = 0
                    path.position[next] = position
                    path.visible[next] = true
                    path.confidence[next] = 160
                } else {
                    hiddenFor += 1
                    if hiddenFor > options.reacquireFrames { break }
                    path.position[next] = position
                    path.confidence[next] = 32
                }
                frame = next
            }
        }
        return path
    }

    private func isInside(_ p: SIMD2<Float>, _ motion: ClipMotion) -> Bool {
        p.x >= -0.5 && p.y >= -0.5 && p.x < Float(motion.width) - 0.5 && p.y < Float(motion.height) - 0.5
    }
}

/// A small mean-normalised patch of a frame, matched elsewhere under a fixed `LinearWarp` by
/// Lucas–Kanade on the translation.
struct Patch {
    static let radius = 4
    static let side = 2 * radius + 1
    static let count = side * side
    /// Fractional bits of the fixed-point sample positions of a warped patch.
    private static let fractionBits = 16
    let values: [Float]
    let gradientX: [Float]
    let gradientY: [Float]
    let hessian: (xx: Float, xy: Float, yy: Float)
    let energy: Float

    init(_ image: GrayImage, at centre: SIMD2<Float>) {
        var values = [Float](repeating: 0, count: Self.count)
        values.withUnsafeMutableBufferPointer { Self.sample(image, at: centre, into: $0.baseAddress!) }
        var gx = [Float](repeating: 0, count: values.count)
        var gy = gx
        var xx: Float = 0, xy: Float = 0, yy: Float = 0
        for k in 0 ..< values.count {
            let (i, j) = (k / Self.side, k % Self.side)
            gx[k] = (values[i * Self.side + min(j + 1, Self.side - 1)] - values[i * Self.side + max(j - 1, 0)]) / 2
            gy[k] = (values[min(i + 1, Self.side - 1) * Self.side + j] - values[max(i - 1, 0) * Self.side + j]) / 2
            xx += gx[k] * gx[k]; xy += gx[k] * gy[k]; yy += gy[k] * gy[k]
        }
        self.values = values
        gradientX = gx
        gradientY = gy
        hessian = (xx, xy, yy)
        energy = values.reduce(0) { $0 + $1 * $1 }
    }

    /// Mean-normalised samples of `image` at `centre` + `warp` · offset into `out` (`count`
    /// floats), each bilinear; near the border each sample is clamped.
    static func sample(_ image: GrayImage, at centre: SIMD2<Float>, warp: LinearWarp, into out: UnsafeMutablePointer<Float>) {
        guard warp != .identity else { return sample(image, at: centre, into: out) }
        let (w, h) = (image.width, image.height)
        // Sample (i, j) of the patch is at first + j · column + i · row, stepped in fixed point
        // (1/65536 pixel, far finer than any match): the whole and fractional parts of a position
        // are then a shift and a mask, not a checked float-to-integer conversion per sample.
        let column = warp.apply([1, 0]), row = warp.apply([0, 1])
        let first = centre - Float(radius) * (column + row)
        let one = Float(1 << fractionBits)
        func fixed(_ v: SIMD2<Float>) -> SIMD2<Int>? {
            let scaled = v * one
            guard abs(scaled.x) < 0x1p52, abs(scaled.y) < 0x1p52 else { return nil }
            // Nearest, halves away from zero (truncation after adding ±½: no call into libm).
            return SIMD2(Int(scaled.x + (scaled.x < 0 ? -0.5 : 0.5)), Int(scaled.y + (scaled.y < 0 ? -0.5 : 0.5)))
        }
        var sum: Float = 0
        image.pixels.withUnsafeBufferPointer { p in
            // The warped square's corners bound it: when they are inside, no sample needs clamping.
            if let start = fixed(first), let columnStep = fixed(column), let rowStep = fixed(row) {
                let span = side - 1
                let (right, below) = (start &+ span &* columnStep, start &+ span &* rowStep)
                let far = right &+ span &* rowStep
                let low = pointwiseMin(pointwiseMin(start, right), pointwiseMin(below, far))
                let high = pointwiseMax(pointwiseMax(start, right), pointwiseMax(below, far))
                if all(low .>= 0 .& high .< SIMD2(w - 1, h - 1) &<< fractionBits) {
                    let mask = (1 << fractionBits) - 1, scale = 1 / one
                    for i in 0 ..< side {
                        var at = start &+ i &* rowStep
                        for j in 0 ..< side {
                            let top = (at.y &>> fractionBits) &* w &+ (at.x &>> fractionBits), bottom = top &+ w
                            let fx = Float(at.x & mask) * scale, fy = Float(at.y & mask) * scale
                            let upper = p[top] + fx * (p[top &+ 1] - p[top])
                            let lower = p[bottom] + fx * (p[bottom &+ 1] - p[bottom])
                            let value = upper + fy * (lower - upper)
                            out[i &* side &+ j] = value
                            sum += value
                            at &+= columnStep
                        }
                    }
                    return
                }
            }
            for i in 0 ..< side {
                let rowStart = first + Float(i) * row
                for j in 0 ..< side {
                    let at = rowStart + Float(j) * column
                    let value = sampleBilinear(p, width: w, height: h, x: at.x, y: at.y)
                    out[i &* side &+ j] = value
                    sum += value
                }
            }
        }
        let mean = sum / Float(count)
        for k in 0 ..< count { out[k] -= mean }
    }

    /// `sample` without a warp: every sample shares the centre's sub-pixel offset, so inside the
    /// image one set of bilinear weights serves the whole patch; near the border each sample is
    /// clamped.
    static func sample(_ image: GrayImage, at centre: SIMD2<Float>, into out: UnsafeMutablePointer<Float>) {
        let (w, h) = (image.width, image.height)
        // Summed (in sample order) while sampling: the sum is one long chain of dependent
        // additions, which then overlaps the sampling instead of following it.
        var sum: Float = 0
        image.pixels.withUnsafeBufferPointer { p in
            let floorX = centre.x.rounded(.down), floorY = centre.y.rounded(.down)
            // Tested as floats: a point carried far outside the image must not overflow Int.
            if floorX >= Float(radius), floorY >= Float(radius), floorX + Float(radius + 1) < Float(w), floorY + Float(radius + 1) < Float(h) {
                let (x0, y0) = (Int(floorX) - radius, Int(floorY) - radius)
                let (fx, fy) = (centre.x - floorX, centre.y - floorY)
                for i in 0 ..< side {
                    let top = (y0 &+ i) &* w &+ x0, bottom = top &+ w
                    for j in 0 ..< side {
                        let upper = p[top &+ j] + fx * (p[top &+ j &+ 1] - p[top &+ j])
                        let lower = p[bottom &+ j] + fx * (p[bottom &+ j &+ 1] - p[bottom &+ j])
                        let value = upper + fy * (lower - upper)
                        out[i &* side &+ j] = value
                        sum += value
                    }
                }
            } else {
                for k in 0 ..< count {
                    let value = sampleBilinear(p, width: w, height: h, x: centre.x + Float(k % side - radius), y: centre.y + Float(k / side - radius))
                    out[k] = value
                    sum += value
                }
            }
        }
        let mean = sum / Float(count)
        for k in 0 ..< count { out[k] -= mean }
    }

    /// The position near `guess` where `image`, sampled under `warp`, best matches the patch, if the
    /// search converges within `maxShift` pixels and improves on the guess. The template's own
    /// gradients serve as the image's: under the warp they are the image's mapped by Aᵀ, so the
    /// translation step is A times the unwarped step.
    func align(in image: GrayImage, near guess: SIMD2<Float>, warp: LinearWarp, maxShift: Float) -> SIMD2<Float>? {
        let det = hessian.xx * hessian.yy - hessian.xy * hessian.xy
        guard det > 1e-3 * (hessian.xx + hessian.yy) * (hessian.xx + hessian.yy) + 1e-6 else { return nil }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.count) { buffer in
            let warped = buffer.baseAddress!
            Self.sample(image, at: guess, warp: warp, into: warped)
            let initial = ssd(warped)
            var position = guess
            values.withUnsafeBufferPointer { values in
            gradientX.withUnsafeBufferPointer { gradientX in
            gradientY.withUnsafeBufferPointer { gradientY in
                for iteration in 0 ..< 6 {
                    // The first iteration starts from the guess, sampled already.
                    if iteration > 0 { Self.sample(image, at: position, warp: warp, into: warped) }
                    var bx: Float = 0, by: Float = 0
                    for k in 0 ..< Self.count {
                        let r = warped[k] - values[k]
                        bx += gradientX[k] * r
                        by += gradientY[k] * r
                    }
                    let step = warp.apply(SIMD2((hessian.yy * bx - hessian.xy * by) / det, (hessian.xx * by - hessian.xy * bx) / det))
                    position -= step
                    if (step * step).sum() < 1e-4 { break }
                }
            } } }
            let shift = position - guess
            guard (shift * shift).sum() <= maxShift * maxShift else { return nil }
            Self.sample(image, at: position, warp: warp, into: warped)
            return ssd(warped) < initial ? position : nil
        }
    }

    /// Whether `image` at `centre`, sampled under `warp`, looks like the patch: normalised
    /// cross-correlation above 0.8.
    func matches(_ image: GrayImage, at centre: SIMD2<Float>, warp: LinearWarp) -> Bool {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.count) { buffer in
            let other = buffer.baseAddress!
            Self.sample(image, at: centre, warp: warp, into: other)
            var cross: Float = 0, otherEnergy: Float = 0
            values.withUnsafeBufferPointer { values in
                for k in 0 ..< Self.count {
                    cross += values[k] * other[k]
                    otherEnergy += other[k] * other[k]
                }
            }
            return energy > 1 && otherEnergy > 1 && cross / (energy * otherEnergy).squareRoot() > 0.8
        }
    }

    private func ssd(_ other: UnsafeMutablePointer<Float>) -> Float {
        values.withUnsafeBufferPointer { values in
            var total: Float = 0
            for k in 0 ..< Self.count { total += (values[k] - other[k]) * (values[k] - other[k]) }
            return total
        }
    }
}
