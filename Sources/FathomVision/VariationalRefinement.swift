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
        guard iterations > 0, w > 2, h > 2 else { return }
        let n = w * h
        let grid = RedBlackGrid(width: w, height: h)
        let m = grid.planeCount
        // One allocation for every plane. Full size: the frames' average and difference and their
        // first derivatives. Red–black (2m each, zero padding): the derivatives the system needs,
        // the base flow and its update, which cells are pixels, the smoothness weights of each
        // cell's right and lower edges, and the coefficients of the linearised system.
        let fullCount = 5 * n, packedPlanes = 21
        let memory = UnsafeMutablePointer<Float>.allocate(capacity: fullCount + packedPlanes * 2 * m)
        defer { memory.deallocate() }
        memory.initialize(repeating: 0, count: fullCount + packedPlanes * 2 * m)
        let (average, iz, ix, iy, scratch) = (memory, memory + n, memory + 2 * n, memory + 3 * n, memory + 4 * n)
        let planes = (0 ..< packedPlanes).map { memory + fullCount + 2 * m * $0 }
        let (x, y, z, xx, xy, yy, xz, yz) = (planes[0], planes[1], planes[2], planes[3], planes[4], planes[5], planes[6], planes[7])
        let (fu, fv, du, dv, real, rightWeight, downWeight) = (planes[8], planes[9], planes[10], planes[11], planes[12], planes[13], planes[14])
        let (cu, cv, coupling, inverseU, inverseV, yx) = (planes[15], planes[16], planes[17], planes[18], planes[19], planes[20])

        // Derivatives of the average of the first frame and the warped second, and of their difference.
        flow.u.withUnsafeBufferPointer { u in
        flow.v.withUnsafeBufferPointer { v in
        first.pixels.withUnsafeBufferPointer { i0 in
        second.pixels.withUnsafeBufferPointer { i1 in
            parallelRows(h, minimumWork: w * 8) { i in
                for j in 0 ..< w {
                    let p = i * w + j
                    let warped = sampleBilinear(i1, width: w, height: h, x: Float(j) + u[p], y: Float(i) + v[p])
                    average[p] = 0.5 * (i0[p] + warped)
                    iz[p] = warped - i0[p]
                }
            }
            grid.pack(u.baseAddress!, into: fu)
            grid.pack(v.baseAddress!, into: fv)
        } } } }
        centralDifference(average, into: ix, w, h, horizontal: true)
        centralDifference(average, into: iy, w, h, horizontal: false)
        grid.pack(ix, into: x)
        grid.pack(iy, into: y)
        grid.pack(iz, into: z)
        for (source, horizontal, plane) in [(ix, true, xx), (ix, false, xy), (iy, false, yy), (iz, true, xz), (iz, false, yz)] {
            centralDifference(source, into: scratch, w, h, horizontal: horizontal)
            grid.pack(scratch, into: plane)
        }
        for i in 0 ..< h {
            for j in 0 ..< w { real[((i + j) & 1) * m + grid.index(i, j)] = 1 }
        }
        let zeta2 = zeta * zeta, epsilon2 = epsilon * epsilon
        // Each data term divided once by the square root of its normaliser (|∇I|² + ζ² for
        // brightness, |∇Ix|² + ζ² and |∇Iy|² + ζ² for the two gradient rows), so the iterations
        // need no division for it; Ixy is in both gradient rows, so it is kept under each.
        for p in Swift.stride(from: 0, to: 2 * m, by: 8) {
            let brightness = 1 / (load(x, p) * load(x, p) + load(y, p) * load(y, p) + zeta2).squareRoot()
            let rowX = 1 / (load(xx, p) * load(xx, p) + load(xy, p) * load(xy, p) + zeta2).squareRoot()
            let rowY = 1 / (load(yy, p) * load(yy, p) + load(xy, p) * load(xy, p) + zeta2).squareRoot()
            store(load(xy, p) * rowY, yx, p)
            store(load(x, p) * brightness, x, p)
            store(load(y, p) * brightness, y, p)
            store(load(z, p) * brightness, z, p)
            store(load(xx, p) * rowX, xx, p)
            store(load(xy, p) * rowX, xy, p)
            store(load(xz, p) * rowX, xz, p)
            store(load(yy, p) * rowY, yy, p)
            store(load(yz, p) * rowY, yz, p)
        }

        let (delta2, gamma2, alpha2) = (brightness / 2, gradient / 2, smoothness / 2)
        let omega = self.omega
        let (stride, vectors) = (grid.stride, grid.vectorsPerRow)
        for _ in 0 ..< iterations {
            // Smoothness weight of each pixel from the forward differences of the total flow (zero
            // past the far edges), kept as the weights of its right and lower edges (zero where
            // there is no neighbour, and on padding).
            parallelRows(2 * h, minimumWork: w * 12) { row in
                let (colour, i) = (row & 1, row >> 1)
                let (own, other) = (colour * m, (1 - colour) * m)
                let right = grid.rightOffset(row: i, colour: colour)
                for vector in 0 ..< vectors {
                    let p = own + grid.rowStart(i) + 8 * vector, q = other + grid.rowStart(i) + 8 * vector
                    let totalU = load(fu, p) + load(du, p), totalV = load(fv, p) + load(dv, p)
                    let (hasRight, hasDown) = (load(real, q + right), load(real, q + stride))
                    let ux = (load(fu, q + right) + load(du, q + right) - totalU) * hasRight
                    let vx = (load(fv, q + right) + load(dv, q + right) - totalV) * hasRight
                    let uy = (load(fu, q + stride) + load(du, q + stride) - totalU) * hasDown
                    let vy = (load(fv, q + stride) + load(dv, q + stride) - totalV) * hasDown
                    let weight = load(real, p) * alpha2 / (ux * ux + uy * uy + vx * vx + vy * vy + epsilon2).squareRoot()
                    store(weight * hasRight, rightWeight, p)
                    store(weight * hasDown, downWeight, p)
                }
            }
            // The linearised data terms, with the neighbours' pull on the fixed base flow folded in:
            // what a sweep needs besides the neighbours' updates.
            parallelRows(2 * h, minimumWork: w * 30) { row in
                let (colour, i) = (row & 1, row >> 1)
                let (own, other) = (colour * m, (1 - colour) * m)
                let right = grid.rightOffset(row: i, colour: colour)
                for vector in 0 ..< vectors {
                    let p = own + grid.rowStart(i) + 8 * vector, q = other + grid.rowStart(i) + 8 * vector
                    let (gx, gy, gz) = (load(x, p), load(y, p), load(z, p))
                    let (gxx, gxy, gxz) = (load(xx, p), load(xy, p), load(xz, p))
                    let (gyx, gyy, gyz) = (load(yx, p), load(yy, p), load(yz, p))
                    let (u, v) = (load(du, p), load(dv, p))
                    let residual = gz + gx * u + gy * v
                    let wd = delta2 / (residual * residual + epsilon2).squareRoot()
                    let (rx, ry) = (gxz + gxx * u + gxy * v, gyz + gyx * u + gyy * v)
                    let wg = gamma2 / (rx * rx + ry * ry + epsilon2).squareRoot()
                    let a11 = wd * gx * gx + wg * (gxx * gxx + gyx * gyx) + zeta2
                    let a22 = wd * gy * gy + wg * (gxy * gxy + gyy * gyy) + zeta2
                    store(wd * gx * gy + wg * (gxx * gxy + gyx * gyy), coupling, p)
                    let edges = Edges(rightWeight, downWeight, own: p, other: q, right: right, stride: stride)
                    let (baseU, baseV) = (load(fu, p), load(fv, p))
                    store(edges.pull(fu, q, right: right, stride: stride) - edges.sum * baseU - (wd * gz * gx + wg * (gxx * gxz + gyx * gyz)), cu, p)
                    store(edges.pull(fv, q, right: right, stride: stride) - edges.sum * baseV - (wd * gz * gy + wg * (gxy * gxz + gyy * gyz)), cv, p)
                    let pixel = load(real, p)
                    store(pixel / (a11 + edges.sum), inverseU, p)
                    store(pixel / (a22 + edges.sum), inverseV, p)
                }
            }
            // Red–black SOR: a colour's cells depend only on the other colour's, so each half-sweep
            // updates its colour's packed cells 8 at a time; padding stays zero (its inverse is 0).
            for _ in 0 ..< sweeps {
                for colour in 0 ..< 2 {
                    parallelRows(h, minimumWork: w * 8) { i in
                        let (own, other) = (colour * m, (1 - colour) * m)
                        let right = grid.rightOffset(row: i, colour: colour)
                        for vector in 0 ..< vectors {
                            let p = own + grid.rowStart(i) + 8 * vector, q = other + grid.rowStart(i) + 8 * vector
                            let edges = Edges(rightWeight, downWeight, own: p, other: q, right: right, stride: stride)
                            let (oldU, oldV) = (load(du, p), load(dv, p))
                            let targetU = (load(cu, p) + edges.pull(du, q, right: right, stride: stride) - load(coupling, p) * oldV) * load(inverseU, p)
                            let newU = (1 - omega) * oldU + omega * targetU
                            let targetV = (load(cv, p) + edges.pull(dv, q, right: right, stride: stride) - load(coupling, p) * newU) * load(inverseV, p)
                            store(newU, du, p)
                            store((1 - omega) * oldV + omega * targetV, dv, p)
                        }
                    }
                }
            }
        }
        flow.u.withUnsafeMutableBufferPointer { out in
            for i in 0 ..< h { for j in 0 ..< w { out[i * w + j] += du[((i + j) & 1) * m + grid.index(i, j)] } }
        }
        flow.v.withUnsafeMutableBufferPointer { out in
            for i in 0 ..< h { for j in 0 ..< w { out[i * w + j] += dv[((i + j) & 1) * m + grid.index(i, j)] } }
        }
    }
}

/// The smoothness weights of a vector of cells' four edges: its own right and lower edges, and
/// its left and upper neighbours' right and lower edges (in the other colour's planes).
private struct Edges {
    let left, right, up, down: SIMD8<Float>

    @inline(__always)
    init(_ rightWeight: UnsafeMutablePointer<Float>, _ downWeight: UnsafeMutablePointer<Float>, own p: Int, other q: Int, right offset: Int, stride: Int) {
        left = load(rightWeight, q + offset - 1)
        right = load(rightWeight, p)
        up = load(downWeight, q - stride)
        down = load(downWeight, p)
    }

    var sum: SIMD8<Float> { left + right + up + down }

    /// Σ weight × value over the four neighbours, from a plane at the other colour's cells q.
    @inline(__always)
    func pull(_ plane: UnsafeMutablePointer<Float>, _ q: Int, right offset: Int, stride: Int) -> SIMD8<Float> {
        left * load(plane, q + offset - 1) + right * load(plane, q + offset) + up * load(plane, q - stride) + down * load(plane, q + stride)
    }
}

/// Central difference along x or y, one-sided at the border.
private func centralDifference(_ image: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, _ w: Int, _ h: Int, horizontal: Bool) {
    parallelRows(h, minimumWork: w * 4) { i in
        let row = i * w
        if horizontal {
            out[row] = image[row + 1] - image[row]
            for p in row + 1 ..< row + w - 1 { out[p] = (image[p + 1] - image[p - 1]) / 2 }
            out[row + w - 1] = image[row + w - 1] - image[row + w - 2]
        } else {
            let (up, down, scale): (Int, Int, Float) = i == 0 ? (0, w, 1) : i == h - 1 ? (-w, 0, 1) : (-w, w, 0.5)
            for p in row ..< row + w { out[p] = (image[p + down] - image[p + up]) * scale }
        }
    }
}
