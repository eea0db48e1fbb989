/// Multi-view consistency and fusion of the frames' inverse depths (as in the depth-map fusion of
/// multi-view stereo, e.g. Schönberger et al., ECCV 2016). Each pixel's 3D point is projected into
/// neighbouring frames and compared with the depth those frames estimated there:
/// - the same surface within uncertainty: the neighbour confirms it, and its estimate is averaged in;
/// - the neighbour sees something nearer: the point is hidden there, which says nothing;
/// - the neighbour sees something farther: it looks through where the point should be. A static
///   surface cannot do that, so these free-space violations are evidence against the pixel's depth,
///   typically a surface moving along its epipolar lines, whose triangulation is consistent in
///   every pair of frames but whose made-up 3D position drifts from frame to frame.
/// Pixels with more violations than confirmations are marked moving and lose their depth; the
/// others take the information-weighted mean of their own and the confirming estimates, and the
/// share of confirming neighbours scales their consistency.
import FathomVision

struct MultiViewFusion {
    struct Neighbour {
        let estimate: InverseDepth
        /// This frame's pixels seen from the neighbour's camera, and the neighbour's from this one's.
        let camera: RelativeCamera
        let reverse: RelativeCamera
    }

    /// Standard deviations two inverse depths may differ by and still be the same surface.
    let gate: Float
    /// Relative error of inverse depth no estimate is trusted below: the modelled uncertainty
    /// covers noise, not the biases that flow smoothing, chaining and camera error share across
    /// frames, and a gate of a few tiny σ would call every static pixel moving.
    let relativeFloor: Float

    func fuse(_ estimate: inout InverseDepth, neighbours: [Neighbour]) {
        let (w, h) = (estimate.width, estimate.height)
        let gate2 = gate * gate
        // Per pixel: Σ weight·ρ and Σ weight over confirming neighbours, and the neighbours' votes.
        var weightedRho = [Float](repeating: 0, count: w * h)
        var weights = weightedRho
        var confirmations = weightedRho
        var violations = weightedRho
        for neighbour in neighbours {
            let camera = neighbour.camera
            estimate.rho.withUnsafeBufferPointer { rho in
            estimate.information.withUnsafeBufferPointer { information in
            neighbour.estimate.rho.withUnsafeBufferPointer { otherRho in
            neighbour.estimate.information.withUnsafeBufferPointer { otherInformation in
            weightedRho.withUnsafeMutableBufferPointer { weighted in
            weights.withUnsafeMutableBufferPointer { weightSum in
            confirmations.withUnsafeMutableBufferPointer { confirmed in
            violations.withUnsafeMutableBufferPointer { violated in
                for i in 0 ..< h {
                    for j in 0 ..< w {
                        let p = i * w + j
                        let own = rho[p]
                        guard !own.isNaN else { continue }
                        // The point in the neighbour's camera, scaled by ρ: its depth there is a.z/ρ.
                        let a = camera.point(camera.ray(row: i, column: j), inverseDepth: own)
                        guard a.z > 1e-6 else { continue }
                        let at = camera.index(a)
                        guard at.x >= 0, at.y >= 0, at.x <= Float(w - 1), at.y <= Float(h - 1) else { continue }
                        // The neighbour's ρ there, bilinear within one surface (NaN if any of the four is unknown).
                        let seen = sampleBilinear(otherRho, width: w, height: h, x: at.x, y: at.y)
                        guard !seen.isNaN else { continue }
                        let q = Int(at.y + 0.5) * w + Int(at.x + 0.5)
                        let inverseZ2 = 1 / (a.z * a.z)
                        let expected = own * a.z * inverseZ2
                        let floor = relativeFloor * expected
                        let variance = inverseZ2 / information[p] + 1 / otherInformation[q] + floor * floor
                        let difference = seen - expected
                        if difference * difference <= gate2 * variance {
                            // Confirmed: average the neighbour's estimate, carried back into this frame.
                            let weight = otherInformation[q] * inverseZ2
                            weighted[p] += weight * seen * a.z
                            weightSum[p] += weight
                            confirmed[p] += 1
                        } else if difference < 0 {
                            violated[p] += 1
                        }
                    }
                }
            } } } } } } } }
            // The other way round: the neighbour's surfaces drawn into this frame. One nearer than
            // this pixel's own, on its very ray, should have been seen instead: this pixel looks
            // through it, so its depth is too far, typically a surface moving with the camera.
            let rendered = render(neighbour, width: w, height: h)
            for p in 0 ..< w * h where rendered[p] > estimate.rho[p] {
                let excess = rendered[p] - estimate.rho[p]
                let floor = relativeFloor * estimate.rho[p]
                if excess * excess * estimate.information[p] > gate2 * (1 + floor * floor * estimate.information[p]) {
                    violations[p] += 1
                }
            }
        }
        for p in 0 ..< w * h where !estimate.rho[p].isNaN {
            if violations[p] > confirmations[p] {
                estimate.moving[p] = true
                estimate.rho[p] = .nan
                continue
            }
            let own = estimate.information[p]
            estimate.rho[p] = (own * estimate.rho[p] + weightedRho[p]) / (own + weights[p])
            estimate.consistency[p] *= (confirmations[p] + 1) / (confirmations[p] + violations[p] + 1)
        }
    }

    /// The neighbour's inverse depths forward-projected into this frame, the nearest surface kept
    /// at each pixel (a z-buffer: the maximum ρ, so the order of drawing does not matter); NaN
    /// where nothing lands.
    private func render(_ neighbour: Neighbour, width w: Int, height h: Int) -> [Float] {
        var rendered = [Float](repeating: .nan, count: w * h)
        let camera = neighbour.reverse
        neighbour.estimate.rho.withUnsafeBufferPointer { rho in
        rendered.withUnsafeMutableBufferPointer { rendered in
            for i in 0 ..< h {
                for j in 0 ..< w where !rho[i * w + j].isNaN {
                    let x = camera.point(camera.ray(row: i, column: j), inverseDepth: rho[i * w + j])
                    guard x.z > 1e-6 else { continue }
                    let at = camera.index(x)
                    guard at.x > -0.5, at.y > -0.5, at.x < Float(w) - 0.5, at.y < Float(h) - 0.5 else { continue }
                    let p = Int(at.y + 0.5) * w + Int(at.x + 0.5)
                    let inverseDepth = rho[i * w + j] / x.z
                    if !(rendered[p] >= inverseDepth) { rendered[p] = inverseDepth }
                }
            }
        } }
        return rendered
    }
}
