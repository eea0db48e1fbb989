import FathomVision

/// Mean over a (2r + 1)² window around every pixel, the window clipped at the border: separable
/// running sums, so the cost does not grow with the window. Aggregates per-pixel terms (texture,
/// photometric normal equations) over the small patch a match is judged on.
enum BoxFilter {
    static func mean(_ plane: [Float], width w: Int, height h: Int, radius: Int) -> [Float] {
        var rows = [Float](repeating: 0, count: w * h)
        var out = rows
        plane.withUnsafeBufferPointer { p in
        rows.withUnsafeMutableBufferPointer { r in
        out.withUnsafeMutableBufferPointer { o in
            let (horizontal, result) = (SharedBuffer(r), SharedBuffer(o))
            parallelRows(h, minimumWork: w * 4) { i in
                let row = i * w
                var sum: Float = 0
                for k in 0 ..< min(radius, w) { sum += p[row + k] }
                for j in 0 ..< w {
                    if j + radius < w { sum += p[row + j + radius] }
                    if j - radius - 1 >= 0 { sum -= p[row + j - radius - 1] }
                    horizontal[row + j] = sum / Float(min(j + radius, w - 1) - max(j - radius, 0) + 1)
                }
            }
            // Down the columns with one running sum per column, row by row (contiguous, vectorises).
            var sums = [Float](repeating: 0, count: w)
            for k in 0 ..< min(radius, h) {
                for j in 0 ..< w { sums[j] += horizontal[k * w + j] }
            }
            for i in 0 ..< h {
                if i + radius < h {
                    for j in 0 ..< w { sums[j] += horizontal[(i + radius) * w + j] }
                }
                if i - radius - 1 >= 0 {
                    for j in 0 ..< w { sums[j] -= horizontal[(i - radius - 1) * w + j] }
                }
                let count = Float(min(i + radius, h - 1) - max(i - radius, 0) + 1)
                for j in 0 ..< w { result[i * w + j] = sums[j] / count }
            }
        } } }
        return out
    }
}
