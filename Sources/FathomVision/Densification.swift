import FathomCore
/// DIS's dense stage: every pixel's flow is the average of the flows of the patches covering it,
/// each weighted by how well it explains that pixel, 1 / max(1, |I1(x + u) − I0(x)|), so a patch
/// straddling a motion boundary counts little on its wrong side.
enum Densification {
    static func dense(first: GrayImage, second: GrayImage, patchSize: Int,
                      columns: [Int], rows: [Int], u: [Float], v: [Float]) -> FlowField {
        let (w, h) = (first.width, first.height)
        let ps = min(patchSize, w, h)
        let columnRange = coverage(columns, extent: w, size: ps)
        let rowRange = coverage(rows, extent: h, size: ps)
        var du = [Float](repeating: 0, count: w * h)
        var dv = du
        first.pixels.withUnsafeBufferPointer { i0 in
        second.pixels.withUnsafeBufferPointer { i1 in
        du.withUnsafeMutableBufferPointer { duOut in
        dv.withUnsafeMutableBufferPointer { dvOut in
            let outU = SharedBuffer(duOut)
            let outV = SharedBuffer(dvOut)
            parallelRows(h, minimumWork: w * 4) { i in
                let (r0, r1) = rowRange[i]
                for j in 0 ..< w {
                    let (c0, c1) = columnRange[j]
                    var sumU: Float = 0, sumV: Float = 0, sumWeight: Float = 0
                    let reference = i0[i * w + j]
                    for r in r0 ... r1 {
                        for c in c0 ... c1 {
                            let index = r * columns.count + c
                            let warped = sampleBilinear(i1, width: w, height: h, x: Float(j) + u[index], y: Float(i) + v[index])
                            let weight = 1 / max(1, abs(warped - reference))
                            sumU += weight * u[index]
                            sumV += weight * v[index]
                            sumWeight += weight
                        }
                    }
                    outU[i * w + j] = sumU / sumWeight
                    outV[i * w + j] = sumV / sumWeight
                }
            }
        } } } }
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
