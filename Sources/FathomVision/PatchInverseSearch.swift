/// DIS's sparse stage (Kroeger et al., "Fast Optical Flow using Dense Inverse Search", ECCV 2016):
/// for a grid of overlapping patches of the first frame, the translation that best matches the
/// second frame, by inverse-compositional Lucas–Kanade on mean-normalised patches.
///
/// Each patch starts from the better of the dense flow at its centre and its left neighbour's
/// result (spatial propagation along a patch row); rows are independent, so the result does not
/// depend on how rows are spread over workers.
struct PatchInverseSearch {
    let patchSize: Int
    let stride: Int
    let iterations: Int

    /// Patch origins along an axis of length `extent`: every `stride` pixels, the last flush with the edge.
    func origins(extent: Int) -> [Int] {
        guard extent > patchSize else { return [0] }
        var result = Array(Swift.stride(from: 0, through: extent - patchSize, by: stride))
        if result.last! != extent - patchSize { result.append(extent - patchSize) }
        return result
    }

    /// Sparse flow, one vector per patch (row-major over `rows` × `columns` origins).
    func run(first: GrayImage, gradientX: GrayImage, gradientY: GrayImage, second: GrayImage, initial: FlowField)
        -> (columns: [Int], rows: [Int], u: [Float], v: [Float]) {
        let (w, h) = (first.width, first.height)
        let columns = origins(extent: w)
        let rows = origins(extent: h)
        var su = [Float](repeating: 0, count: columns.count * rows.count)
        var sv = su
        let ps = min(patchSize, w, h)
        let area = Float(ps * ps)
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
            let image = PaddedSampler(i1, width: w, height: h)
            parallelRows(rows.count, minimumWork: columns.count * ps * ps * 8) { r in
                let y0 = rows[r]
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 4 * ps * ps)
                defer { scratch.deallocate() }
                let template = scratch, dx = scratch + ps * ps, dy = scratch + 2 * ps * ps, warped = scratch + 3 * ps * ps
                var previous: SIMD2<Float>? = nil
                for (c, x0) in columns.enumerated() {
                    var sumT: Float = 0, sumX: Float = 0, sumY: Float = 0
                    for a in 0 ..< ps {
                        for b in 0 ..< ps {
                            let p = (y0 + a) * w + x0 + b, k = a * ps + b
                            template[k] = i0[p]; dx[k] = gx[p]; dy[k] = gy[p]
                            sumT += i0[p]; sumX += gx[p]; sumY += gy[p]
                        }
                    }
                    let meanT = sumT / area, meanX = sumX / area, meanY = sumY / area
                    var hxx: Float = 0, hxy: Float = 0, hyy: Float = 0
                    for k in 0 ..< ps * ps {
                        template[k] -= meanT; dx[k] -= meanX; dy[k] -= meanY
                        hxx += dx[k] * dx[k]; hxy += dx[k] * dy[k]; hyy += dy[k] * dy[k]
                    }
                    let centre = (y0 + ps / 2) * w + x0 + ps / 2
                    var u = SIMD2(iu[centre], iv[centre])
                    var cost = image.cost(x0, y0, ps, template, u, warped)
                    if let candidate = previous {
                        let candidateCost = image.cost(x0, y0, ps, template, candidate, warped)
                        if candidateCost < cost { u = candidate; cost = candidateCost }
                    }
                    let start = u, startCost = cost
                    let det = hxx * hyy - hxy * hxy
                    if det > 1e-3 * (hxx + hyy) * (hxx + hyy) + 1e-6 {
                        for _ in 0 ..< iterations {
                            let meanW = image.sample(x0, y0, ps, u, into: warped) / area
                            var bx: Float = 0, by: Float = 0
                            for k in 0 ..< ps * ps {
                                let residual = warped[k] - meanW - template[k]
                                bx += dx[k] * residual
                                by += dy[k] * residual
                            }
                            let step = SIMD2((hyy * bx - hxy * by) / det, (hxx * by - hxy * bx) / det)
                            u -= step
                            if (step * step).sum() < 1e-4 { break }
                        }
                        cost = image.cost(x0, y0, ps, template, u, warped)
                        if !(cost < startCost) || ((u - start) * (u - start)).sum() > Float(ps * ps) { u = start }
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

/// Samples a ps × ps patch shifted by a sub-pixel translation. The bilinear weights are the same
/// for every pixel of the patch, so each sample is four loads and three multiply-adds; rows and
/// columns outside the image are clamped to the border.
private struct PaddedSampler {
    let pixels: UnsafeBufferPointer<Float>
    let width: Int
    let height: Int

    init(_ pixels: UnsafeBufferPointer<Float>, width: Int, height: Int) {
        self.pixels = pixels
        self.width = width
        self.height = height
    }

    /// Fills `out` with the patch at (x0, y0) + u and returns the sum of the samples.
    @inline(__always)
    func sample(_ x0: Int, _ y0: Int, _ ps: Int, _ u: SIMD2<Float>, into out: UnsafeMutablePointer<Float>) -> Float {
        let fx = u.x.rounded(.down), fy = u.y.rounded(.down)
        let ax = u.x - fx, ay = u.y - fy
        let (w00, w01, w10, w11) = ((1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay)
        let baseX = x0 + Int(fx), baseY = y0 + Int(fy)
        var sum: Float = 0
        let inside = baseX >= 0 && baseY >= 0 && baseX + ps < width && baseY + ps < height
        for a in 0 ..< ps {
            if inside {
                let row0 = (baseY + a) * width + baseX
                let row1 = row0 + width
                for b in 0 ..< ps {
                    let value = w00 * pixels[row0 + b] + w01 * pixels[row0 + b + 1] + w10 * pixels[row1 + b] + w11 * pixels[row1 + b + 1]
                    out[a * ps + b] = value
                    sum += value
                }
            } else {
                let y = min(max(baseY + a, 0), height - 1), y1 = min(max(baseY + a + 1, 0), height - 1)
                for b in 0 ..< ps {
                    let x = min(max(baseX + b, 0), width - 1), x1 = min(max(baseX + b + 1, 0), width - 1)
                    let value = w00 * pixels[y * width + x] + w01 * pixels[y * width + x1] + w10 * pixels[y1 * width + x] + w11 * pixels[y1 * width + x1]
                    out[a * ps + b] = value
                    sum += value
                }
            }
        }
        return sum
    }

    /// Mean-normalised SSD between the template (zero mean) and the patch at (x0, y0) + u, up to
    /// a constant: Σ v² − (Σ v)² / n − 2 Σ v t.
    @inline(__always)
    func cost(_ x0: Int, _ y0: Int, _ ps: Int, _ template: UnsafeMutablePointer<Float>, _ u: SIMD2<Float>,
              _ scratch: UnsafeMutablePointer<Float>) -> Float {
        let sum = sample(x0, y0, ps, u, into: scratch)
        var squares: Float = 0, cross: Float = 0
        for k in 0 ..< ps * ps {
            squares += scratch[k] * scratch[k]
            cross += scratch[k] * template[k]
        }
        return squares - sum * sum / Float(ps * ps) - 2 * cross
    }
}
