/// Pixels of a mask whose whole 3 × 3 neighbourhood is set (a horizontal 3-pixel minimum, then a
/// vertical one): what is left of a region once one-pixel rims and specks are gone. Figures count
/// these, because masks are least certain along motion boundaries, while an impossible event
/// leaves whole regions.
func erodedCount(_ mask: [Bool], width w: Int, height h: Int) -> Int {
    guard w >= 3, h >= 3 else { return 0 }
    var rows = [UInt8](repeating: 0, count: w * h)
    mask.withUnsafeBufferPointer { m in
    rows.withUnsafeMutableBufferPointer { out in
        for i in 0 ..< h {
            for j in 1 ..< w - 1 {
                let p = i * w + j
                out[p] = m[p - 1] && m[p] && m[p + 1] ? 1 : 0
            }
        }
    } }
    var count = 0
    rows.withUnsafeBufferPointer { r in
        for i in 1 ..< h - 1 {
            for j in 1 ..< w - 1 {
                let p = i * w + j
                count += Int(r[p - w] & r[p] & r[p + w])
            }
        }
    }
    return count
}
