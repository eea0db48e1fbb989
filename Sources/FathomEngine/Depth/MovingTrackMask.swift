import FathomCore
import FathomVision

/// The camera stage's per-track moving decision as a per-pixel mask for the depth stage. Motion
/// stereo assumes a static scene: on an object that moves along its epipolar lines the flow still
/// triangulates, to a wrong depth, and the depth stage's own checks catch only part of it. The
/// camera stage has seen each track over the whole clip, so what it found moving gets no
/// static-scene depth.
///
/// - Each pixel takes the decision of the nearest track visible in its frame, within `radius`
///   pixels in x and y (the tracks' grid spacing, so that tracked surface is covered without gaps);
///   farther pixels are not marked.
/// - A track on a plain patch cannot tell its own drift from motion: its flag does not count.
/// - One moving track among static ones is more likely a tracking error than a mover of its own,
///   so a track marks pixels moving only when, in that frame, at least as many of its visible
///   neighbours within 2 × `radius` are moving as static.
struct MovingTrackMask {
    /// Pixels, at least 1.
    let radius: Int

    /// [T, H, W] pixels on surfaces the camera stage found moving: `moving` holds its flag per
    /// track, `images` are the clip's frames (for the texture under each track's query point).
    func mask(tracks: TrackLabels, moving flags: [Bool], images: [GrayImage]) -> Tensor<Bool> {
        let (n, t) = (tracks.count, tracks.uv.shape[1])
        precondition(flags.count == n, "one moving flag per track: \(flags.count) for \(n) tracks")
        precondition(images.count == t, "one image per frame: \(images.count) for \(t) frames")
        let (w, h) = (images.first?.width ?? 0, images.first?.height ?? 0)
        var mask = [Bool](repeating: false, count: t * h * w)
        guard flags.contains(true) else { return Tensor(shape: [t, h, w], storage: mask) }
        let noise = ImageNoise.estimate(images)
        let moving = (0 ..< n).map { q in
            flags[q] && QueryTexture.isTextured(tracks, q, images: images, noise: noise)
        }
        mask.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(buffer)
            tracks.uv.storage.withUnsafeBufferPointer { uv in
                tracks.visible.storage.withUnsafeBufferPointer { visible in
                    parallelRows(t, minimumWork: n) { frame in
                        var seen: [(track: Int, x: Float, y: Float)] = []
                        for q in 0 ..< n where visible[q * t + frame] == 1 {
                            // Pixel coordinates, pixel centres at integers.
                            let x = uv[(q * t + frame) * 2] - 0.5, y = uv[(q * t + frame) * 2 + 1] - 0.5
                            if x.isFinite, y.isFinite { seen.append((q, x, y)) }
                        }
                        paint(seen, moving: moving, into: out, offset: frame * h * w, width: w, height: h)
                    }
                }
            }
        }
        return Tensor(shape: [t, h, w], storage: mask)
    }

    /// Marks one frame's pixels, given the tracks visible in it.
    private func paint(_ seen: [(track: Int, x: Float, y: Float)], moving: [Bool], into out: SharedBuffer<Bool>,
                       offset: Int, width w: Int, height h: Int) {
        guard seen.contains(where: { moving[$0.track] }) else { return }
        // Tracks bucketed into cells a little wider than the neighbourhood, so that the neighbours
        // of a track, and the tracks whose squares overlap its square, are all in the 3 × 3 cells
        // around it (squares are centred on the pixel nearest the track, so centres of overlapping
        // squares are up to 2 × radius + 1 apart).
        let reach = 2 * radius
        let size = Float(reach + 1)
        let (columns, rows) = (w / (reach + 1) + 1, h / (reach + 1) + 1)
        func cell(_ x: Float, _ y: Float) -> Int {
            min(max(Int((y / size).rounded(.down)), 0), rows - 1) * columns + min(max(Int((x / size).rounded(.down)), 0), columns - 1)
        }
        let cells = seen.map { cell($0.x, $0.y) }
        var start = [Int](repeating: 0, count: columns * rows + 1)
        for c in cells { start[c + 1] += 1 }
        for c in 0 ..< columns * rows { start[c + 1] += start[c] }
        var members = [Int](repeating: 0, count: seen.count)
        var next = start
        for (k, c) in cells.enumerated() { members[next[c]] = k; next[c] += 1 }
        func neighbourhood(of c: Int) -> [Int] {
            let (row, column) = c.quotientAndRemainder(dividingBy: columns)
            return (max(row - 1, 0) ... min(row + 1, rows - 1)).flatMap { r in
                (max(column - 1, 0) ... min(column + 1, columns - 1)).map { r * columns + $0 }
            }
        }

        // Moving tracks backed by their neighbours, and the cells whose pixels they may reach.
        var marks = [Bool](repeating: false, count: seen.count)
        var near = [Bool](repeating: false, count: columns * rows)
        let reachSquared = Float(reach * reach)
        for k in seen.indices where moving[seen[k].track] {
            let around = neighbourhood(of: cells[k])
            var (movingNear, staticNear) = (0, 0)
            for c in around {
                for other in members[start[c] ..< start[c + 1]] where other != k {
                    let (dx, dy) = (seen[other].x - seen[k].x, seen[other].y - seen[k].y)
                    guard dx * dx + dy * dy < reachSquared else { continue }
                    if moving[seen[other].track] { movingNear += 1 } else { staticNear += 1 }
                }
            }
            guard movingNear >= staticNear else { continue }
            marks[k] = true
            for c in around { near[c] = true }
        }
        guard marks.contains(true) else { return }

        // Nearest track per pixel: only tracks within reach of a marked one can own its pixels.
        var nearest = [Float](repeating: .infinity, count: w * h)
        for k in seen.indices where near[cells[k]] {
            let (x, y) = (seen[k].x, seen[k].y)
            let (cx, cy) = (Int(x.rounded()), Int(y.rounded()))
            guard cx + radius >= 0, cx - radius < w, cy + radius >= 0, cy - radius < h else { continue }
            for i in max(cy - radius, 0) ... min(cy + radius, h - 1) {
                let dy = Float(i) - y
                for j in max(cx - radius, 0) ... min(cx + radius, w - 1) {
                    let dx = Float(j) - x
                    let d = dx * dx + dy * dy
                    if d < nearest[i * w + j] {
                        nearest[i * w + j] = d
                        out[offset + i * w + j] = marks[k]
                    }
                }
            }
        }
    }
}

