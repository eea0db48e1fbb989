import FathomCore
import FathomVision

/// Per pair of consecutive frames, how well the dense motion explains the second frame from the
/// first. Physical footage is explained almost everywhere: surfaces move (flow both ways agrees,
/// colours match where they land), and a surface disappears only behind another one that was
/// already visible. Generated video can break all three.
struct MotionConsistency: Sendable {
    /// Share of pixels (landing inside the image) whose forward flow is not undone by the backward
    /// flow: the occlusion mask's test without its photometric confirmation.
    let inconsistent: FrameSeries
    /// Mean colour residual (0–1) of the forward flow (`ColourResidual`).
    let residual: FrameSeries
    /// Mean over pixels of the smaller of the forward residual at a pixel of frame t and the
    /// backward residual at the same pixel of frame t + 1 (0–1): colour that neither frame's motion
    /// explains, where one surface was replaced by another. Occlusion never fails both ways: an
    /// occluder covers the surface behind it (forward fails) but was visible before (backward
    /// holds), and a surface it reveals fails only backward. A vanishing or teleporting object
    /// fails both ways wherever it was, and wherever it appears from nowhere.
    let replacement: FrameSeries
    /// Per pair t → t + 1, per pixel of frame t: its colour is not found where its flow lands
    /// (residual above `threshold`): hidden in frame t + 1, or not explained.
    let lost: [[Bool]]
    /// Per pair, per pixel: lost, and the colour at the same pixel of frame t + 1 is not found
    /// where its backward flow lands either: replaced.
    let replaced: [[Bool]]

    init(_ motion: ClipMotion, rgb: Tensor<UInt8>) {
        let (w, h) = (motion.width, motion.height)
        let size = w * h * 3
        func frame(_ t: Int) -> ArraySlice<UInt8> { rgb.storage[t * size ..< (t + 1) * size] }
        var residual: [Double] = [], replacement: [Double] = []
        var lost: [[Bool]] = [], replaced: [[Bool]] = []
        var targets = motion.frameCount > 1 ? [ColourResidual.Target(frame(0), width: w, height: h)] : []
        for t in 0 ..< motion.frameCount - 1 {
            targets.append(ColourResidual.Target(frame(t + 1), width: w, height: h))
            let forward = ColourResidual(from: frame(t), to: targets[1], flow: motion.forward[t])
            let backward = ColourResidual(from: frame(t + 1), to: targets[0], flow: motion.backward[t])
            targets.removeFirst()
            var pairLost = [Bool](repeating: false, count: w * h), pairReplaced = pairLost
            var rows = [SIMD3<Double>](repeating: .zero, count: h)  // residual sum, replaced sum, pixels inside
            forward.values.withUnsafeBufferPointer { f in
            backward.values.withUnsafeBufferPointer { b in
            pairLost.withUnsafeMutableBufferPointer { lostOut in
            pairReplaced.withUnsafeMutableBufferPointer { replacedOut in
            rows.withUnsafeMutableBufferPointer { rowsOut in
                let (lost, replaced, sums) = (SharedBuffer(lostOut), SharedBuffer(replacedOut), SharedBuffer(rowsOut))
                parallelRows(h, minimumWork: w) { i in
                    var sum = SIMD3<Double>.zero
                    for p in i * w ..< (i + 1) * w where !f[p].isNaN {
                        let common = min(f[p], b[p].isNaN ? 0 : b[p])
                        sum += SIMD3(Double(f[p]), Double(common), 1)
                        lost[p] = f[p] > Self.threshold
                        replaced[p] = common > Self.threshold
                    }
                    sums[i] = sum
                }
            } } } } }
            let total = rows.reduce(SIMD3<Double>.zero, +)
            residual.append(total.x / 255 / max(total.z, 1))
            replacement.append(total.y / 255 / max(total.z, 1))
            lost.append(pairLost)
            replaced.append(pairReplaced)
        }
        inconsistent = FrameSeries(values: motion.inconsistency)
        self.residual = FrameSeries(values: residual)
        self.replacement = FrameSeries(values: replacement)
        self.lost = lost
        self.replaced = replaced
    }

    /// Colour residual (0–255) above which a colour counts as not found: about a tenth of the
    /// range, far above sensor noise and compression, below the contrast between surfaces.
    static let threshold: Float = 24
}
