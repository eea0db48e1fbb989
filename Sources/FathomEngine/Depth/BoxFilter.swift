/// Mean over a (2r + 1)² window around every pixel, the window clipped at the border: separable
/// running sums, so the cost does not grow with the window. Aggregates per-pixel terms (texture,
/// photometric normal equations) over the small patch a match is judged on.
enum BoxFilter {
    static func mean(_ plane: ArraySlice<Float>, width w: Int, height h: Int, radius: Int) -> [Float] {
        // 1 / (pixels of the clipped window along an axis), per column and per row.
        let columnScale = (0 ..< w).map { 1 / Float(min($0 + radius, w - 1) - max($0 - radius, 0) + 1) }
        let rowScale = (0 ..< h).map { 1 / Float(min($0 + radius, h - 1) - max($0 - radius, 0) + 1) }
        var rows = [Float](repeating: 0, count: w * h)
        var out = rows
        var sums = [Float](repeating: 0, count: w)
        plane.withUnsafeBufferPointer { p in
        columnScale.withUnsafeBufferPointer { columnScale in
        rows.withUnsafeMutableBufferPointer { r in
        out.withUnsafeMutableBufferPointer { o in
        sums.withUnsafeMutableBufferPointer { sums in
            let (horizontal, result) = (r.baseAddress!, o.baseAddress!)
            for i in 0 ..< h {
                let row = i * w
                var sum: Float = 0
                for k in 0 ..< min(radius, w) { sum += p[row + k] }
                for j in 0 ..< w {
                    if j + radius < w { sum += p[row + j + radius] }
                    if j - radius - 1 >= 0 { sum -= p[row + j - radius - 1] }
                    horizontal[row + j] = sum * columnScale[j]
                }
            }
            // Down the columns with one running sum per column, row by row (contiguous, vectorises).
            for k in 0 ..< min(radius, h) {
                for j in 0 ..< w { sums[j] += horizontal[k * w + j] }
            }
            for i in 0 ..< h {
                if i + radius < h {
                    let add = horizontal + (i + radius) * w
                    for j in 0 ..< w { sums[j] += add[j] }
                }
                if i - radius - 1 >= 0 {
                    let remove = horizontal + (i - radius - 1) * w
                    for j in 0 ..< w { sums[j] -= remove[j] }
                }
                let scale = rowScale[i]
                let target = result + i * w
                for j in 0 ..< w { target[j] = sums[j] * scale }
            }
        } } } } }
        return out
    }
}
