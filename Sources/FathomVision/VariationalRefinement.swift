import FathomCore
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
        guard iterations > 0, w >= Lanes.width, h > 2 else { return }
        let n = w * h
        // One allocation for every plane: image derivatives, the linear system, and the update. The
        // vector loops read a row beyond the last plane (masked out), hence the padding.
        let planes = UnsafeMutablePointer<Float>.allocate(capacity: 19 * n + w + Lanes.width)
        defer { planes.deallocate() }
        planes.initialize(repeating: 0, count: 19 * n + w + Lanes.width)
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
            // The linearised system and the smoothness weights, 8 pixels at a time (the last chunk
            // of a row overlaps the one before; recomputing a pixel gives the same values).
            parallelRows(h, minimumWork: w * 40) { i in
                for chunk in Lanes.chunks(width: w) {
                    let p = i * w + chunk.start
                    let (x, y, z) = (Lanes.load(ix, p), Lanes.load(iy, p), Lanes.load(iz, p))
                    let (xx, xy, yy) = (Lanes.load(ixx, p), Lanes.load(ixy, p), Lanes.load(iyy, p))
                    let (xz, yz) = (Lanes.load(ixz, p), Lanes.load(iyz, p))
                    let (u, v) = (Lanes.load(du, p), Lanes.load(dv, p))
                    let norm = x * x + y * y + zeta2
                    let residual = z + x * u + y * v
                    let wd = delta2 / (residual * residual / norm + epsilon2).squareRoot() / norm
                    let normX = xx * xx + xy * xy + zeta2
                    let normY = yy * yy + xy * xy + zeta2
                    let rx = xz + xx * u + xy * v
                    let ry = yz + xy * u + yy * v
                    let wg = gamma2 / (rx * rx / normX + ry * ry / normY + epsilon2).squareRoot()
                    let (gx, gy) = (wg / normX, wg / normY)
                    Lanes.store(wd * x * x + gx * xx * xx + gy * xy * xy + zeta2, a11, p)
                    Lanes.store(wd * x * y + gx * xx * xy + gy * xy * yy, a12, p)
                    Lanes.store(wd * y * y + gx * xy * xy + gy * yy * yy + zeta2, a22, p)
                    Lanes.store(-(wd * z * x + gx * xx * xz + gy * xy * yz), b1, p)
                    Lanes.store(-(wd * z * y + gx * xy * xz + gy * yy * yz), b2, p)
                    // Smoothness weight from the forward differences of the total flow (zero at the far edges).
                    let totalU = Lanes.load(fu, p) + u, totalV = Lanes.load(fv, p) + v
                    let lastColumn = chunk.columns .== SIMD8<Int32>(repeating: Int32(w - 1))
                    var ux = Lanes.load(fu, p + 1) + Lanes.load(du, p + 1) - totalU
                    var vx = Lanes.load(fv, p + 1) + Lanes.load(dv, p + 1) - totalV
                    ux.replace(with: 0, where: lastColumn)
                    vx.replace(with: 0, where: lastColumn)
                    var uy = SIMD8<Float>(), vy = SIMD8<Float>()
                    if i < h - 1 {
                        uy = Lanes.load(fu, p + w) + Lanes.load(du, p + w) - totalU
                        vy = Lanes.load(fv, p + w) + Lanes.load(dv, p + w) - totalV
                    }
                    Lanes.store(alpha2 / (ux * ux + uy * uy + vx * vx + vy * vy + epsilon2).squareRoot(), weight, p)
                }
            }
            // Red–black SOR: a colour's pixels depend only on the other colour's, so each half-sweep
            // updates 8 pixels at a time and keeps the lanes of its own colour not yet updated.
            for _ in 0 ..< sweeps {
                for colour in 0 ..< 2 {
                    parallelRows(h, minimumWork: w * 10) { i in
                        let (hasUp, hasDown) = (i > 0, i < h - 1)
                        for chunk in Lanes.chunks(width: w) {
                            let p = i * w + chunk.start
                            let parity = (chunk.columns &+ Int32(i + colour)) & 1
                            let active = (parity .== SIMD8<Int32>()) .& (chunk.columns .>= SIMD8<Int32>(repeating: Int32(chunk.firstNew)))
                            let (baseU, baseV) = (Lanes.load(fu, p), Lanes.load(fv, p))
                            let (oldU, oldV) = (Lanes.load(du, p), Lanes.load(dv, p))
                            let own = Lanes.load(weight, p)
                            // Each neighbour adds its weight and pull; absent ones (past an edge) add nothing.
                            let zero = SIMD8<Float>()
                            let (left, up) = (Lanes.load(weight, p - 1), Lanes.load(weight, p - w))
                            let hasLeft = chunk.columns .> SIMD8<Int32>(), hasRight = chunk.columns .< SIMD8<Int32>(repeating: Int32(w - 1))
                            let wl = left.replacing(with: zero, where: .!hasLeft), wr = own.replacing(with: zero, where: .!hasRight)
                            let wu = hasUp ? up : zero, wd = hasDown ? own : zero
                            let sumWeight = wl + wr + wu + wd
                            let su = Lanes.pull(wl, fu, du, p - 1, baseU) + Lanes.pull(wr, fu, du, p + 1, baseU)
                                + Lanes.pull(wu, fu, du, p - w, baseU) + Lanes.pull(wd, fu, du, p + w, baseU)
                            let sv = Lanes.pull(wl, fv, dv, p - 1, baseV) + Lanes.pull(wr, fv, dv, p + 1, baseV)
                                + Lanes.pull(wu, fv, dv, p - w, baseV) + Lanes.pull(wd, fv, dv, p + w, baseV)
                            let coupling = Lanes.load(a12, p)
                            let targetU: SIMD8<Float> = (Lanes.load(b1, p) + su - coupling * oldV) / (Lanes.load(a11, p) + sumWeight)
                            let newU: SIMD8<Float> = (1 - omega) * oldU + omega * targetU
                            let targetV: SIMD8<Float> = (Lanes.load(b2, p) + sv - coupling * newU) / (Lanes.load(a22, p) + sumWeight)
                            let newV: SIMD8<Float> = (1 - omega) * oldV + omega * targetV
                            Lanes.store(oldU.replacing(with: newU, where: active), du, p)
                            Lanes.store(oldV.replacing(with: newV, where: active), dv, p)
                        }
                    }
                }
            }
        }
        flow.u.withUnsafeMutableBufferPointer { out in for p in 0 ..< n { out[p] = fu[p] + du[p] } }
        flow.v.withUnsafeMutableBufferPointer { out in for p in 0 ..< n { out[p] = fv[p] + dv[p] } }
    }
}

/// Eight consecutive pixels of a row as one SIMD vector: loads, stores, and the chunks that
/// cover a row (the last one flush with the row's end).
private enum Lanes {
    static let width = 8

    struct Chunk {
        /// First column of the chunk.
        let start: Int
        /// First column no earlier chunk covered.
        let firstNew: Int
        /// The column of each lane.
        var columns: SIMD8<Int32> { SIMD8(0, 1, 2, 3, 4, 5, 6, 7) &+ Int32(start) }
    }

    static func chunks(width w: Int) -> some Sequence<Chunk> {
        Swift.stride(from: 0, to: w, by: width).lazy.map { Chunk(start: min($0, w - width), firstNew: $0) }
    }

    @inline(__always)
    static func load(_ plane: UnsafeMutablePointer<Float>, _ p: Int) -> SIMD8<Float> {
        UnsafeRawPointer(plane + p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// A neighbour's pull on the update: its weight times how far its total flow (base + increment
    /// at q) is from this pixel's base flow; zero where the weight is (even if q is past an edge).
    @inline(__always)
    static func pull(_ weight: SIMD8<Float>, _ base: UnsafeMutablePointer<Float>, _ increment: UnsafeMutablePointer<Float>, _ q: Int,
                     _ own: SIMD8<Float>) -> SIMD8<Float> {
        (weight * (load(base, q) + load(increment, q) - own)).replacing(with: 0, where: weight .== 0)
    }

    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ plane: UnsafeMutablePointer<Float>, _ p: Int) {
        UnsafeMutableRawPointer(plane + p).storeBytes(of: value, as: SIMD8<Float>.self)
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
