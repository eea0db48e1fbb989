import FathomCore
/// Forward–backward consistency (Sundaram et al., "Dense point trajectories by GPU-accelerated
/// large displacement optical flow", ECCV 2010): a pixel whose forward flow is not undone by the
/// backward flow where it lands was hidden or left the frame.
///
/// The raw check also fires along every motion boundary, where flow is smoothed across the edge.
/// So a pixel is only flagged when the mismatch is confirmed photometrically (the surface it
/// lands on does not look like it) or when it leaves the image: thin structures and edges that
/// stay visible are kept.
///
/// The check misses background about to be covered when the forward flow there carries the
/// mover's motion (smoothed over the edge) and the backward flow agrees. So a pixel that the
/// second frame barely maps back onto (`FlowCoverage`) is flagged too, on weaker photometric
/// evidence.
public struct OcclusionMask: Sendable {
    /// Per pixel of the first frame: true where the surface is not visible in the second.
    public let hidden: [Bool]
    /// Share of the pixels landing inside the second frame that fail the raw check (before the
    /// photometric confirmation): occlusions and flow errors alike. Counted here because the
    /// check is already made; the quality figure `flow_inconsistency` is its median.
    public let inconsistency: Double

    /// `forward` maps first → second, `backward` second → first.
    public init(forward: FlowField, backward: FlowField, first: GrayImage, second: GrayImage) {
        let (w, h) = (forward.width, forward.height)
        var hidden = [Bool](repeating: false, count: w * h)
        var rows = [SIMD2<Int>](repeating: .zero, count: h)  // inside, inconsistent
        let coverage = FlowCoverage(backward: backward)
        forward.u.withUnsafeBufferPointer { fu in
        forward.v.withUnsafeBufferPointer { fv in
        backward.u.withUnsafeBufferPointer { bu in
        backward.v.withUnsafeBufferPointer { bv in
        first.pixels.withUnsafeBufferPointer { i0 in
        second.pixels.withUnsafeBufferPointer { i1 in
        coverage.weight.withUnsafeBufferPointer { covered in
        hidden.withUnsafeMutableBufferPointer { out in
        rows.withUnsafeMutableBufferPointer { rowsOut in
            let (output, counts) = (SharedBuffer(out), SharedBuffer(rowsOut))
            let (right, bottom) = (Float(w) - 0.5, Float(h) - 0.5)
            parallelRows(h, minimumWork: w) { i in
                var count = SIMD2<Int>.zero
                for j in 0 ..< w {
                    let p = i &* w &+ j
                    let f = SIMD2(fu[p], fv[p])
                    let x = Float(j) + f.x, y = Float(i) + f.y
                    guard x >= -0.5, y >= -0.5, x <= right, y <= bottom else {
                        output[p] = true
                        continue
                    }
                    count.x &+= 1
                    // One tap for the three planes sampled at the landing point.
                    let tap = BilinearTap(x: x, y: y, width: w, height: h)
                    let b = SIMD2(tap.sample(bu), tap.sample(bv))
                    let mismatch = ((f + b) * (f + b)).sum()
                    let inconsistent = mismatch > 0.01 * ((f * f).sum() + (b * b).sum()) + 0.5
                    if inconsistent { count.y &+= 1 }
                    let uncovered = covered[p] < Self.minCoverage
                    guard inconsistent || uncovered else { continue }
                    let difference = abs(tap.sample(i1) - i0[p])
                    output[p] = (inconsistent && difference > Self.photometricThreshold)
                        || (uncovered && difference > Self.uncoveredPhotometricThreshold)
                }
                counts[i] = count
            }
        } } } } } } } } }
        self.hidden = hidden
        let total = rows.reduce(SIMD2<Int>.zero, &+)
        inconsistency = Double(total.y) / Double(max(total.x, 1))
    }

    /// Intensity difference (0–255) above which a forward–backward mismatch counts as occlusion.
    static let photometricThreshold: Float = 12
    /// `FlowCoverage` weight below which a pixel is about to be covered (visible surface: about 1).
    static let minCoverage: Float = 0.5
    /// Intensity difference above which an uncovered pixel counts as occluded: the coverage is
    /// evidence already, and on smooth surfaces the smeared flow lands on similar intensities.
    static let uncoveredPhotometricThreshold: Float = 3
}
