import FathomCore
/// Forward–backward consistency (Sundaram et al., "Dense point trajectories by GPU-accelerated
/// large displacement optical flow", ECCV 2010): a pixel whose forward flow is not undone by the
/// backward flow where it lands was hidden or left the frame.
///
/// The raw check also fires along every motion boundary, where flow is smoothed across the edge.
/// So a pixel is only flagged when the mismatch is confirmed photometrically (the surface it
/// lands on does not look like it) or when it leaves the image: thin structures and edges that
/// stay visible are kept.
public enum OcclusionMask {
    /// Per pixel of the first frame: true where the surface is not visible in the second.
    /// `forward` maps first → second, `backward` second → first.
    public static func hidden(forward: FlowField, backward: FlowField, first: GrayImage, second: GrayImage) -> [Bool] {
        let (w, h) = (forward.width, forward.height)
        var hidden = [Bool](repeating: false, count: w * h)
        forward.u.withUnsafeBufferPointer { fu in
        forward.v.withUnsafeBufferPointer { fv in
        backward.u.withUnsafeBufferPointer { bu in
        backward.v.withUnsafeBufferPointer { bv in
        first.pixels.withUnsafeBufferPointer { i0 in
        second.pixels.withUnsafeBufferPointer { i1 in
        hidden.withUnsafeMutableBufferPointer { out in
            let output = SharedBuffer(out)
            parallelRows(h, minimumWork: w) { i in
                for j in 0 ..< w {
                    let p = i * w + j
                    let f = SIMD2(fu[p], fv[p])
                    let x = Float(j) + f.x, y = Float(i) + f.y
                    if x < -0.5 || y < -0.5 || x > Float(w) - 0.5 || y > Float(h) - 0.5 {
                        output[p] = true
                        continue
                    }
                    let b = SIMD2(sampleBilinear(bu, width: w, height: h, x: x, y: y), sampleBilinear(bv, width: w, height: h, x: x, y: y))
                    let mismatch = ((f + b) * (f + b)).sum()
                    guard mismatch > 0.01 * ((f * f).sum() + (b * b).sum()) + 0.5 else { continue }
                    let difference = abs(sampleBilinear(i1, width: w, height: h, x: x, y: y) - i0[p])
                    output[p] = difference > photometricThreshold
                }
            }
        } } } } } } }
        return hidden
    }

    /// Intensity difference (0–255) above which a forward–backward mismatch counts as occlusion.
    static let photometricThreshold: Float = 12
}
