/// Variational refinement of a dense flow (as in DIS, after Brox et al. 2004 and Zimmer et al.
/// 2011): minimises brightness constancy + gradient constancy + smoothness of the flow, each under
/// a robust penaliser ψ(s²) = √(s² + ε²), with data terms normalised by the local gradient
/// magnitude so the weights do not depend on image contrast. Fixed-point iterations update the
/// penaliser weights; red–black successive over-relaxation solves each linearised system (each
/// colour's pixels are independent, so the result is the same for any number of workers).
struct VariationalRefinement {
    let iterations: Int
    let sweeps: Int
    let smoothness: Float
    let brightness: Float
    let gradient: Float
    private let zeta: Float = 0.1
    private let epsilon: Float = 0.001
    private let omega: Float = 1.6

    init(_ options: OpticalFlowOptions) {
        iterations = options.refinementIterations
        sweeps = options.relaxationSweeps
        smoothness = options.smoothnessWeight
        brightness = options.brightnessWeight
        gradient = options.gradientWeight
    }

    func refine(first: GrayImage, second: GrayImage, flow: inout FlowField) {
        let (w, h) = (first.width, first.height)
        guard iterations > 0, w > 2, h > 2 else { return }
        let n = w * h
        // One allocation for every plane: image derivatives, the linear system, and the update.
        let planes = UnsafeMutablePointer<Float>.allocate(capacity: 19 * n)
        defer { planes.deallocate() }
        planes.initialize(repeating: 0, count: 19 * n)
        let (average, iz, ix, iy, ixx, ixy, iyy, ixz, iyz) = (planes, planes + n, planes + 2 * n, planes + 3 * n, planes + 4 * n,
                                                             planes + 5 * n, planes + 6 * n, planes + 7 * n, planes + 8 * n)
        let (a11, a12, a22, b1, b2, weight) = (planes + 9 * n, planes + 10 * n, planes + 11 * n, planes + 12 * n, planes + 13 * n, planes + 14 * n)
        let (du, dv, fu, fv) = (planes + 15 * n, planes + 16 * n, planes + 17 * n, planes + 18 * n)
        flow.u.withUnsafeBufferPointer { fu.update(from: $0.baseAddress!, count: n) }
        flow.v.withUnsafeBufferPointer { fv.update(from: $0.baseAddress!, count: n) }
        // Derivatives of the average of the first frame and the warped second, and of their difference.
        first.pixels.withUnsafeBufferPointer { i0 in
            second.pixels.withUnsafeBufferPointer { i1 in
                parallelRows(h, minimumWork: w * 8) { i in
                    for j in 0 ..< w {
                        let p = i * w + j
                        let warped = sampleBilinear(i1, width: w, height: h, x: Float(j) + fu[p], y: Float(i) + fv[p])
                        average[p] = 0.5 * (i0[p] + warped)
                        iz[p] = warped - i0[p]
                    }
                }
            }
        }
        centralDifference(average, into: ix, w, h, horizontal: true)
        centralDifference(average, into: iy, w, h, horizontal: false)
        centralDifference(ix, into: ixx, w, h, horizontal: true)
        centralDifference(ix, into: ixy, w, h, horizontal: false)
        centralDifference(iy, into: iyy, w, h, horizontal: false)
        centralDifference(iz, into: ixz, w, h, horizontal: true)
        centralDifference(iz, into: iyz, w, h, horizontal: false)

        let zeta2 = zeta * zeta, epsilon2 = epsilon * epsilon
        let (delta2, gamma2, alpha2) = (brightness / 2, gradient / 2, smoothness / 2)
        let omega = self.omega
        for _ in 0 ..< iterations {
            parallelRows(h, minimumWork: w * 40) { i in
                for p in i * w ..< (i + 1) * w {
                    let norm = ix[p] * ix[p] + iy[p] * iy[p] + zeta2
                    let residual = iz[p] + ix[p] * du[p] + iy[p] * dv[p]
                    let wd = delta2 / (residual * residual / norm + epsilon2).squareRoot() / norm
                    let normX = ixx[p] * ixx[p] + ixy[p] * ixy[p] + zeta2
                    let normY = iyy[p] * iyy[p] + ixy[p] * ixy[p] + zeta2
                    let rx = ixz[p] + ixx[p] * du[p] + ixy[p] * dv[p]
                    let ry = iyz[p] + ixy[p] * du[p] + iyy[p] * dv[p]
                    let wg = gamma2 / (rx * rx / normX + ry * ry / normY + epsilon2).squareRoot()
                    let (gx, gy) = (wg / normX, wg / normY)
                    a11[p] = wd * ix[p] * ix[p] + gx * ixx[p] * ixx[p] + gy * ixy[p] * ixy[p] + zeta2
                    a12[p] = wd * ix[p] * iy[p] + gx * ixx[p] * ixy[p] + gy * ixy[p] * iyy[p]
                    a22[p] = wd * iy[p] * iy[p] + gx * ixy[p] * ixy[p] + gy * iyy[p] * iyy[p] + zeta2
                    b1[p] = -(wd * iz[p] * ix[p] + gx * ixx[p] * ixz[p] + gy * ixy[p] * iyz[p])
                    b2[p] = -(wd * iz[p] * iy[p] + gx * ixy[p] * ixz[p] + gy * iyy[p] * iyz[p])
                    // Smoothness weight from the forward differences of the total flow.
                    let j = p - i * w
                    let right = j < w - 1 ? p + 1 : p
                    let down = i < h - 1 ? p + w : p
                    let ux = fu[right] + du[right] - fu[p] - du[p], vx = fv[right] + dv[right] - fv[p] - dv[p]
                    let uy = fu[down] + du[down] - fu[p] - du[p], vy = fv[down] + dv[down] - fv[p] - dv[p]
                    weight[p] = alpha2 / (ux * ux + uy * uy + vx * vx + vy * vy + epsilon2).squareRoot()
                }
            }
            for _ in 0 ..< sweeps {
                for colour in 0 ..< 2 {
                    parallelRows(h, minimumWork: w * 10) { i in
                        var j = (i + colour) % 2
                        while j < w {
                            let p = i * w + j
                            var sumWeight: Float = 0, su: Float = 0, sv: Float = 0
                            if j > 0 {
                                let q = p - 1, wt = weight[q]
                                sumWeight += wt; su += wt * (fu[q] + du[q] - fu[p]); sv += wt * (fv[q] + dv[q] - fv[p])
                            }
                            if j < w - 1 {
                                let q = p + 1, wt = weight[p]
                                sumWeight += wt; su += wt * (fu[q] + du[q] - fu[p]); sv += wt * (fv[q] + dv[q] - fv[p])
                            }
                            if i > 0 {
                                let q = p - w, wt = weight[q]
                                sumWeight += wt; su += wt * (fu[q] + du[q] - fu[p]); sv += wt * (fv[q] + dv[q] - fv[p])
                            }
                            if i < h - 1 {
                                let q = p + w, wt = weight[p]
                                sumWeight += wt; su += wt * (fu[q] + du[q] - fu[p]); sv += wt * (fv[q] + dv[q] - fv[p])
                            }
                            du[p] = (1 - omega) * du[p] + omega * (b1[p] + su - a12[p] * dv[p]) / (a11[p] + sumWeight)
                            dv[p] = (1 - omega) * dv[p] + omega * (b2[p] + sv - a12[p] * du[p]) / (a22[p] + sumWeight)
                            j += 2
                        }
                    }
                }
            }
        }
        flow.u.withUnsafeMutableBufferPointer { out in for p in 0 ..< n { out[p] = fu[p] + du[p] } }
        flow.v.withUnsafeMutableBufferPointer { out in for p in 0 ..< n { out[p] = fv[p] + dv[p] } }
    }
}

/// Central difference along x or y, one-sided at the border.
private func centralDifference(_ image: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, _ w: Int, _ h: Int, horizontal: Bool) {
    parallelRows(h, minimumWork: w * 4) { i in
        for j in 0 ..< w {
            let p = i * w + j
            if horizontal {
                out[p] = j == 0 ? image[p + 1] - image[p] : j == w - 1 ? image[p] - image[p - 1] : (image[p + 1] - image[p - 1]) / 2
            } else {
                out[p] = i == 0 ? image[p + w] - image[p] : i == h - 1 ? image[p] - image[p - w] : (image[p + w] - image[p - w]) / 2
            }
        }
    }
}
