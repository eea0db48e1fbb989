import FathomCore
/// DIS's dense stage: every pixel's flow is the average of the flows of the patches covering it,
/// each weighted by how well it explains that pixel, 1 / max(1, |I1(x + u) − I0(x)|), so a patch
/// straddling a motion boundary counts little on its wrong side.
///
/// Worked patch by patch along each image row: a patch's flow is one translation, so the eight
/// pixels it covers in a row are warped with the same bilinear weights, as one vector. Each pixel
/// sums its patches in (patch row, patch column) order whatever the worker count.
enum Densification {
    static func dense(first: GrayImage, second: GrayImage, columns: [Int], rows: [Int], u: [Float], v: [Float]) -> FlowField {
        let (w, h) = (first.width, first.height)
        let size = PatchInverseSearch.size
        precondition(w >= size && h >= size, "densification needs at least \(size) × \(size) pixels, got \(w) × \(h)")
        let rowRange = coverage(rows, extent: h, size: size)
        var du = [Float](repeating: 0, count: w * h)
        var dv = du
        first.pixels.withUnsafeBufferPointer { i0 in
        second.pixels.withUnsafeBufferPointer { i1 in
        u.withUnsafeBufferPointer { u in
        v.withUnsafeBufferPointer { v in
        du.withUnsafeMutableBufferPointer { duOut in
        dv.withUnsafeMutableBufferPointer { dvOut in
            let (outU, outV) = (duOut.baseAddress!, dvOut.baseAddress!)
            let sampler = RowSampler(i1, width: w, height: h)
            parallelRows(h, minimumWork: w * 8) { i in
                // The weights are summed in place of the flow: sum of weights here, of weighted u and v in the outputs.
                withUnsafeTemporaryAllocation(of: Float.self, capacity: w) { weights in
                    let sumWeight = weights.baseAddress!
                    sumWeight.initialize(repeating: 0, count: w)
                    let (sumU, sumV) = (outU + i * w, outV + i * w)
                    let reference = i0.baseAddress! + i * w
                    for r in rowRange[i].0 ... rowRange[i].1 {
                        for (c, x0) in columns.enumerated() {
                            let flow = SIMD2(u[r * columns.count + c], v[r * columns.count + c])
                            let warped = sampler.row(x0, i, flow)
                            let difference = warped - load(reference, x0)
                            var error = difference.replacing(with: -difference, where: difference .< 0)
                            error.replace(with: 1, where: error .< 1)
                            let weight = 1 / error
                            store(load(sumU, x0) + weight * flow.x, sumU, x0)
                            store(load(sumV, x0) + weight * flow.y, sumV, x0)
                            store(load(sumWeight, x0) + weight, sumWeight, x0)
                        }
                    }
                    for j in 0 ..< w {
                        sumU[j] /= sumWeight[j]
                        sumV[j] /= sumWeight[j]
                    }
                }
            }
        } } } } } }
        return FlowField(width: w, height: h, u: du, v: dv)
    }

    /// For each pixel along an axis, the first and last patch (by index) covering it.
    private static func coverage(_ origins: [Int], extent: Int, size: Int) -> [(Int, Int)] {
        (0 ..< extent).map { x in
            let first = origins.firstIndex { $0 + size > x } ?? origins.count - 1
            let last = origins.lastIndex { $0 <= x } ?? 0
            return (min(first, last), max(first, last))
        }
    }
}

/// Eight consecutive pixels of an image row shifted by a sub-pixel translation: one set of
/// bilinear weights for all eight, border replicated.
private struct RowSampler {
    let pixels: UnsafeBufferPointer<Float>
    let width: Int
    let height: Int

    init(_ pixels: UnsafeBufferPointer<Float>, width: Int, height: Int) {
        self.pixels = pixels
        self.width = width
        self.height = height
    }

    /// Pixels (x0 ..< x0 + 8, y) + flow.
    @inline(__always)
    func row(_ x0: Int, _ y: Int, _ flow: SIMD2<Float>) -> SIMD8<Float> {
        let fx = flow.x.rounded(.down), fy = flow.y.rounded(.down)
        let baseX = x0 + Int(fx), baseY = y + Int(fy)
        if baseX >= 0 && baseY >= 0 && baseX + 8 < width && baseY + 1 < height {
            let (ax, ay) = (flow.x - fx, flow.y - fy)
            let top = pixels.baseAddress! + baseY * width + baseX
            let (a, b) = (load(top, 0), load(top, 1))
            let (c, d) = (load(top, width), load(top, width + 1))
            let upper = a + ax * (b - a), lower = c + ax * (d - c)
            return upper + ay * (lower - upper)
        }
        var out = SIMD8<Float>()
        for k in 0 ..< 8 {
            out[k] = sampleBilinear(pixels, width: width, height: height, x: Float(x0 + k) + flow.x, y: Float(y) + flow.y)
        }
        return out
    }
}
