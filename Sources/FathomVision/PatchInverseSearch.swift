import FathomCore
/// DIS's sparse stage (Kroeger et al., "Fast Optical Flow using Dense Inverse Search", ECCV 2016):
/// for a grid of overlapping patches of the first frame, the translation that best matches the
/// second frame, by inverse-compositional Lucas–Kanade on mean-normalised patches.
///
/// Each patch starts from the better of the dense flow at its centre and its left neighbour's
/// result (spatial propagation along a patch row); rows are independent, so the result does not
/// depend on how rows are spread over workers.
struct PatchInverseSearch {
    /// Patch side, pixels: DIS uses 8 in every preset, and a row of 8 floats is one SIMD vector.
    static let size = 8
    let stride: Int
    let iterations: Int

    /// Patch origins along an axis of length `extent`: every `stride` pixels, the last flush with the edge.
    func origins(extent: Int) -> [Int] {
        guard extent > Self.size else { return [0] }
        var result = Array(Swift.stride(from: 0, through: extent - Self.size, by: stride))
        if result.last! != extent - Self.size { result.append(extent - Self.size) }
        return result
    }

    /// Sparse flow, one vector per patch (row-major over `rows` × `columns` origins). The image
    /// must be at least one patch wide and high.
    func run(first: GrayImage, gradientX: GrayImage, gradientY: GrayImage, second: GrayImage, initial: FlowField)
        -> (columns: [Int], rows: [Int], u: [Float], v: [Float]) {
        let (w, h) = (first.width, first.height)
        precondition(w >= Self.size && h >= Self.size, "patch search needs at least \(Self.size) × \(Self.size) pixels, got \(w) × \(h)")
        let columns = origins(extent: w)
        let rows = origins(extent: h)
        var su = [Float](repeating: 0, count: columns.count * rows.count)
        var sv = su
        let area = Float(Self.size * Self.size)
        let iterations = self.iterations
        first.pixels.withUnsafeBufferPointer { i0 in
        gradientX.pixels.withUnsafeBufferPointer { gx in
        gradientY.pixels.withUnsafeBufferPointer { gy in
        second.pixels.withUnsafeBufferPointer { i1 in
        initial.u.withUnsafeBufferPointer { iu in
        initial.v.withUnsafeBufferPointer { iv in
        su.withUnsafeMutableBufferPointer { suOut in
        sv.withUnsafeMutableBufferPointer { svOut in
            let outU = SharedBuffer(suOut)
            let outV = SharedBuffer(svOut)
            let image = PatchSampler(i1, width: w, height: h)
            parallelRows(rows.count, minimumWork: columns.count * 512) { r in
                let y0 = rows[r]
                var template = ImagePatch(), dx = ImagePatch(), dy = ImagePatch(), warped = ImagePatch()
                var previous: SIMD2<Float>? = nil
                for (c, x0) in columns.enumerated() {
                    template.load(i0, at: y0 * w + x0, stride: w)
                    dx.load(gx, at: y0 * w + x0, stride: w)
                    dy.load(gy, at: y0 * w + x0, stride: w)
                    template.subtract(template.sum / area)
                    dx.subtract(dx.sum / area)
                    dy.subtract(dy.sum / area)
                    let hxx = dx.dot(dx), hxy = dx.dot(dy), hyy = dy.dot(dy)
                    let centre = (y0 + Self.size / 2) * w + x0 + Self.size / 2
                    var u = SIMD2(iu[centre], iv[centre])
                    var cost = image.cost(x0, y0, template, u, &warped)
                    if let candidate = previous {
                        let candidateCost = image.cost(x0, y0, template, candidate, &warped)
                        if candidateCost < cost { u = candidate; cost = candidateCost }
                    }
                    let start = u, startCost = cost
                    let det = hxx * hyy - hxy * hxy
                    if det > 1e-3 * (hxx + hyy) * (hxx + hyy) + 1e-6 {
                        // The gradients have zero mean, so the warped patch's mean drops out of
                        // Σ ∇T (W − T): the steepest-descent sums need the raw warped patch only.
                        let fixed = SIMD2(dx.dot(template), dy.dot(template))
                        for _ in 0 ..< iterations {
                            let b = image.gradientProducts(x0, y0, u, dx, dy, scratch: &warped) - fixed
                            let (sx, sy) = (b.x, b.y)
                            let step = SIMD2((hyy * sx - hxy * sy) / det, (hxx * sy - hxy * sx) / det)
                            u -= step
                            if (step * step).sum() < 1e-4 { break }
                        }
                        cost = image.cost(x0, y0, template, u, &warped)
                        if !(cost < startCost) || ((u - start) * (u - start)).sum() > area { u = start }
                    }
                    outU[r * columns.count + c] = u.x
                    outV[r * columns.count + c] = u.y
                    previous = u
                }
            }
        } } } } } } } }
        return (columns, rows, su, sv)
    }
}

/// An 8 × 8 patch held as eight SIMD rows, so sums and dot products are vector operations.
private struct ImagePatch {
    var rows = InlineArray<8, SIMD8<Float>>(repeating: SIMD8())

    @inline(__always)
    mutating func load(_ pixels: UnsafeBufferPointer<Float>, at origin: Int, stride: Int) {
        let base = UnsafeRawPointer(pixels.baseAddress!)
        for a in 0 ..< PatchInverseSearch.size {
            rows[a] = base.loadUnaligned(fromByteOffset: (origin + a * stride) * 4, as: SIMD8<Float>.self)
        }
    }

    @inline(__always)
    var sum: Float {
        var total = SIMD8<Float>()
        for a in 0 ..< PatchInverseSearch.size { total += rows[a] }
        return total.sum()
    }

    @inline(__always)
    mutating func subtract(_ value: Float) {
        for a in 0 ..< PatchInverseSearch.size { rows[a] -= value }
    }

    @inline(__always)
    func dot(_ other: ImagePatch) -> Float {
        var total = SIMD8<Float>()
        for a in 0 ..< PatchInverseSearch.size { total += rows[a] * other.rows[a] }
        return total.sum()
    }
}

/// Samples the 8 × 8 patch at (x0, y0) shifted by a sub-pixel translation. The bilinear weights
/// are the same for every pixel of the patch, so a row is four vector loads and multiply-adds;
/// rows and columns outside the image are clamped to the border.
private struct PatchSampler {
    let pixels: UnsafeBufferPointer<Float>
    let width: Int
    let height: Int

    init(_ pixels: UnsafeBufferPointer<Float>, width: Int, height: Int) {
        self.pixels = pixels
        self.width = width
        self.height = height
    }

    @inline(__always)
    func sample(_ x0: Int, _ y0: Int, _ u: SIMD2<Float>, into out: inout ImagePatch) {
        let size = PatchInverseSearch.size
        let fx = u.x.rounded(.down), fy = u.y.rounded(.down)
        let ax = u.x - fx, ay = u.y - fy
        let (w00, w01, w10, w11) = ((1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay)
        let baseX = x0 + Int(fx), baseY = y0 + Int(fy)
        if baseX >= 0 && baseY >= 0 && baseX + size < width && baseY + size < height {
            let base = UnsafeRawPointer(pixels.baseAddress!)
            var row0 = base.loadUnaligned(fromByteOffset: (baseY * width + baseX) * 4, as: SIMD8<Float>.self)
            var row0Right = base.loadUnaligned(fromByteOffset: (baseY * width + baseX + 1) * 4, as: SIMD8<Float>.self)
            for a in 0 ..< size {
                let next = ((baseY + a + 1) * width + baseX) * 4
                let row1 = base.loadUnaligned(fromByteOffset: next, as: SIMD8<Float>.self)
                let row1Right = base.loadUnaligned(fromByteOffset: next + 4, as: SIMD8<Float>.self)
                out.rows[a] = w00 * row0 + w01 * row0Right + w10 * row1 + w11 * row1Right
                (row0, row0Right) = (row1, row1Right)
            }
        } else {
            for a in 0 ..< size {
                let y = min(max(baseY + a, 0), height - 1), y1 = min(max(baseY + a + 1, 0), height - 1)
                var row = SIMD8<Float>()
                for b in 0 ..< size {
                    let x = min(max(baseX + b, 0), width - 1), x1 = min(max(baseX + b + 1, 0), width - 1)
                    row[b] = w00 * pixels[y * width + x] + w01 * pixels[y * width + x1] + w10 * pixels[y1 * width + x] + w11 * pixels[y1 * width + x1]
                }
                out.rows[a] = row
            }
        }
    }

    /// (Σ dx · W, Σ dy · W) for the patch W at (x0, y0) + u, without keeping W where the patch is
    /// inside the image.
    @inline(__always)
    func gradientProducts(_ x0: Int, _ y0: Int, _ u: SIMD2<Float>, _ dx: ImagePatch, _ dy: ImagePatch, scratch: inout ImagePatch) -> SIMD2<Float> {
        let size = PatchInverseSearch.size
        let fx = u.x.rounded(.down), fy = u.y.rounded(.down)
        let baseX = x0 + Int(fx), baseY = y0 + Int(fy)
        var bx = SIMD8<Float>(), by = SIMD8<Float>()
        if baseX >= 0 && baseY >= 0 && baseX + size < width && baseY + size < height {
            let ax = u.x - fx, ay = u.y - fy
            let (w00, w01, w10, w11) = ((1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay)
            let base = UnsafeRawPointer(pixels.baseAddress!)
            var row0 = base.loadUnaligned(fromByteOffset: (baseY * width + baseX) * 4, as: SIMD8<Float>.self)
            var row0Right = base.loadUnaligned(fromByteOffset: (baseY * width + baseX + 1) * 4, as: SIMD8<Float>.self)
            for a in 0 ..< size {
                let next = ((baseY + a + 1) * width + baseX) * 4
                let row1 = base.loadUnaligned(fromByteOffset: next, as: SIMD8<Float>.self)
                let row1Right = base.loadUnaligned(fromByteOffset: next + 4, as: SIMD8<Float>.self)
                let warped = w00 * row0 + w01 * row0Right + w10 * row1 + w11 * row1Right
                bx += dx.rows[a] * warped
                by += dy.rows[a] * warped
                (row0, row0Right) = (row1, row1Right)
            }
        } else {
            sample(x0, y0, u, into: &scratch)
            for a in 0 ..< size {
                bx += dx.rows[a] * scratch.rows[a]
                by += dy.rows[a] * scratch.rows[a]
            }
        }
        return SIMD2(bx.sum(), by.sum())
    }

    /// Mean-normalised SSD between the template (zero mean) and the patch at (x0, y0) + u, up to
    /// a constant: Σ v² − (Σ v)² / n − 2 Σ v t.
    @inline(__always)
    func cost(_ x0: Int, _ y0: Int, _ template: ImagePatch, _ u: SIMD2<Float>, _ scratch: inout ImagePatch) -> Float {
        sample(x0, y0, u, into: &scratch)
        var squares = SIMD8<Float>(), cross = SIMD8<Float>(), sum = SIMD8<Float>()
        for a in 0 ..< PatchInverseSearch.size {
            let row = scratch.rows[a]
            squares += row * row
            cross += row * template.rows[a]
            sum += row
        }
        let total = sum.sum()
        return squares.sum() - total * total / Float(PatchInverseSearch.size * PatchInverseSearch.size) - 2 * cross.sum()
    }
}
