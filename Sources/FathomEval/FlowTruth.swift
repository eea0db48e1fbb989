import FathomScenes
import FathomVision

/// Exact optical flow of the ground truth, and the end-point error of an estimate against it.
extension GroundTruthClip {
    /// Flow from truth frame `t` to `t + 1` at every pixel centre that sees a surface (NaN where
    /// none), and whether that surface is still visible in frame t + 1.
    public func forwardFlow(frame t: Int) -> (flow: FlowField, visible: [Bool]) {
        let (w, h) = (labels.width, labels.height)
        var u = [Float](repeating: .nan, count: w * h)
        var v = u
        var visible = [Bool](repeating: false, count: w * h)
        for i in 0 ..< h {
            for j in 0 ..< w {
                let (x, y) = (Double(j) + 0.5, Double(i) + 0.5)
                guard let track = follower.follow(frame: t, u: x, v: y, through: t + 1), let next = track.uv[1] else { continue }
                u[i * w + j] = Float(next.x - x)
                v[i * w + j] = Float(next.y - y)
                visible[i * w + j] = track.visible[1]
            }
        }
        return (FlowField(width: w, height: h, u: u, v: v), visible)
    }
}

/// Mean end-point error (pixels) of `estimate` against `truth`, over pixels where the truth is
/// finite and `include` holds.
public func endPointError(_ estimate: FlowField, _ truth: FlowField, include: (Int) -> Bool = { _ in true }) -> Double {
    var sum = 0.0
    var count = 0
    for p in 0 ..< truth.u.count where truth.u[p].isFinite && include(p) {
        let du = Double(estimate.u[p] - truth.u[p]), dv = Double(estimate.v[p] - truth.v[p])
        sum += (du * du + dv * dv).squareRoot()
        count += 1
    }
    return count > 0 ? sum / Double(count) : .nan
}
