import FathomCore

/// Levenberg–Marquardt bundle adjustment over camera poses, points and optionally the shared focal
/// length, minimising the robust (Huber) reprojection error.
///
/// Each step eliminates the points first (the Schur complement: every point's 3 × 3 block is
/// inverted on its own, and BLAS applies the points' updates in rank-k batches), leaving a dense
/// reduced system in the camera parameters (6 per free camera, plus the focal length) that is
/// solved by Cholesky (LAPACK dpotrf/dpotrs); the points follow by back-substitution. The
/// camera–point coupling rows are formed once per linearisation and reused by every damping trial.
/// Rotations are updated on the left, R ← exp(δω) R. The loss is handled by iteratively reweighted
/// least squares. Sequential and in a fixed order: bit-identical results.
public enum BundleAdjustment {
    @discardableResult
    public static func solve(_ problem: inout BundleAdjustmentProblem, options: BundleAdjustmentOptions = .init()) -> BundleAdjustmentSummary {
        var solver = Solver(problem: problem, options: options)
        let summary = solver.run()
        problem = solver.problem
        return summary
    }
}

/// The state of one adjustment: parameter layout, per-observation Jacobians and the reduced system.
private struct Solver {
    var problem: BundleAdjustmentProblem
    let options: BundleAdjustmentOptions
    /// Parameters per free camera: rotation (3) and, unless fixed, translation (3).
    let cameraParameters: Int
    /// 1 in the lanes of the camera parameters, 0 in the rest: masks 8-lane camera rows.
    let parameterLanes: SIMD8<Double>
    /// Offset of each camera's parameters in the reduced system, −1 for fixed cameras.
    let cameraOffset: [Int]
    /// Offset of the focal length in the reduced system, −1 when fixed.
    let focalOffset: Int
    let reducedSize: Int
    /// Observations grouped by point (CSR): observationsOfPoint[pointStart[p] ..< pointStart[p + 1]].
    let pointStart: [Int]
    let observationsOfPoint: [Int]
    /// Offset of each observation's camera in the reduced system, −1 for fixed cameras.
    let observationOffset: [Int]

    // Per observation, refreshed every iteration.
    var residuals: [SIMD2<Double>]
    var weights: [Double]
    var cameraJacobian: [Double]  // 2 × 6 per observation, row-major
    var pointJacobian: [Double]  // 2 × 3
    var focalJacobian: [SIMD2<Double>]
    /// Each point's coupling W with the reduced system (refreshed every iteration): its blocks with
    /// the free cameras that observe it (CSR by point) and its focal row.
    var couplingStart: [Int]
    var couplings: [CameraCoupling]
    var focalCoupling: [SIMD3<Double>]

    init(problem: BundleAdjustmentProblem, options: BundleAdjustmentOptions) {
        self.problem = problem
        self.options = options
        let parameters = options.fixTranslation ? 3 : 6
        cameraParameters = parameters
        parameterLanes = SIMD8((0 ..< 8).map { $0 < parameters ? 1 : 0 })
        var offsets = [Int](repeating: -1, count: problem.cameraFromWorld.count)
        var next = 0
        let observed = Set(problem.observations.map { Int($0.camera) })
        for c in offsets.indices where !options.fixedCameras.contains(c) && observed.contains(c) {
            offsets[c] = next
            next += cameraParameters
        }
        cameraOffset = offsets
        focalOffset = options.optimizeFocal ? next : -1
        reducedSize = next + (options.optimizeFocal ? 1 : 0)
        var counts = [Int](repeating: 0, count: problem.points.count + 1)
        for o in problem.observations { counts[Int(o.point) + 1] += 1 }
        for p in 0 ..< problem.points.count { counts[p + 1] += counts[p] }
        pointStart = counts
        var fill = counts
        var grouped = [Int](repeating: 0, count: problem.observations.count)
        for (k, o) in problem.observations.enumerated() {
            grouped[fill[Int(o.point)]] = k
            fill[Int(o.point)] += 1
        }
        observationsOfPoint = grouped
        observationOffset = problem.observations.map { offsets[Int($0.camera)] }
        let n = problem.observations.count
        residuals = [SIMD2<Double>](repeating: .zero, count: n)
        weights = [Double](repeating: 0, count: n)
        cameraJacobian = [Double](repeating: 0, count: 12 * n)
        pointJacobian = [Double](repeating: 0, count: 6 * n)
        focalJacobian = [SIMD2<Double>](repeating: .zero, count: n)
        couplingStart = [Int](repeating: 0, count: problem.points.count + 1)
        couplings = [CameraCoupling](repeating: CameraCoupling(offset: 0, columns: (.zero, .zero, .zero)), count: options.fixPoints ? 0 : n)
        focalCoupling = [SIMD3<Double>](repeating: .zero, count: problem.points.count)
    }

    /// Huber ρ of a squared residual, halved so that it equals ½ r² inside the threshold.
    func loss(_ squared: Double) -> Double {
        guard let delta = options.huberPixels, squared > delta * delta else { return squared / 2 }
        return delta * squared.squareRoot() - delta * delta / 2
    }

    func cost(of candidate: BundleAdjustmentProblem) -> Double {
        var total = 0.0
        for o in candidate.observations {
            guard let r = candidate.residual(o) else { continue }
            total += loss((r * r).sum())
        }
        return total
    }

    /// Residuals, IRLS weights and Jacobians at the current parameters.
    mutating func linearize() {
        let k = problem.intrinsics
        let aspect = k.fy / k.fx
        for (index, o) in problem.observations.enumerated() {
            let pose = problem.cameraFromWorld[Int(o.camera)]
            let rotated = pose.rotation * problem.points[Int(o.point)]
            let c = rotated + pose.translation
            guard c.z > 0 else {
                weights[index] = 0
                residuals[index] = .zero
                continue
            }
            let inverseZ = 1 / c.z
            let r = k.project(c) - o.uv
            residuals[index] = r
            let norm = (r * r).sum().squareRoot()
            if let delta = options.huberPixels, norm > delta { weights[index] = delta / norm } else { weights[index] = 1 }
            let du = SIMD3(k.fx * inverseZ, 0, -k.fx * c.x * inverseZ * inverseZ)
            let dv = SIMD3(0, k.fy * inverseZ, -k.fy * c.y * inverseZ * inverseZ)
            // ∂c/∂δω = −[R X]×, so ∂u/∂δω = (R X) × ∂u/∂c; ∂c/∂t = I; ∂c/∂X = R.
            let duRotation = cross(rotated, du)
            let dvRotation = cross(rotated, dv)
            let base = 12 * index
            for a in 0 ..< 3 {
                cameraJacobian[base + a] = duRotation[a]
                cameraJacobian[base + 3 + a] = du[a]
                cameraJacobian[base + 6 + a] = dvRotation[a]
                cameraJacobian[base + 9 + a] = dv[a]
            }
            let rt = pose.rotation.transposed
            let duPoint = rt * du
            let dvPoint = rt * dv
            for a in 0 ..< 3 {
                pointJacobian[6 * index + a] = duPoint[a]
                pointJacobian[6 * index + 3 + a] = dvPoint[a]
            }
            focalJacobian[index] = SIMD2(c.x * inverseZ, aspect * c.y * inverseZ)
        }
    }

    mutating func run() -> BundleAdjustmentSummary {
        let initialCost = cost(of: problem)
        var currentCost = initialCost
        var lambda = 1e-4
        var iterations = 0
        let m = reducedSize
        var equations = GaussNewtonSystem(reducedSize: m, points: problem.points.count, fixPoints: options.fixPoints)

        outer: while iterations < options.maxIterations {
            iterations += 1
            formNormalEquations(&equations)
            // Try steps with growing damping until one lowers the cost.
            while true {
                var (reduced, step) = reducedSystem(&equations, lambda: lambda)
                let solved = m == 0 || LAPACK.solvePositiveDefinite(&reduced, n: m, &step)
                if solved, let candidate = applied(step: step, pointInverse: equations.pointInverse, pointGradient: equations.pointGradient) {
                    let candidateCost = cost(of: candidate)
                    if candidateCost <= currentCost {
                        let improvement = currentCost - candidateCost
                        problem = candidate
                        currentCost = candidateCost
                        lambda = max(lambda / 3, 1e-12)
                        if improvement <= options.relativeTolerance * max(currentCost, 1e-300) { break outer }
                        break
                    }
                }
                lambda *= 4
                if lambda > 1e12 { break outer }
            }
        }
        var inliers = 0
        var squaredSum = 0.0
        var counted = 0
        for o in problem.observations {
            guard let r = problem.residual(o) else { continue }
            let s = (r * r).sum()
            squaredSum += s
            counted += 1
            if s <= (options.huberPixels ?? .infinity) * (options.huberPixels ?? .infinity) { inliers += 1 }
        }
        return BundleAdjustmentSummary(iterations: iterations, initialCost: initialCost, finalCost: currentCost,
                                       observations: problem.observations.count, inliers: inliers,
                                       rmsePixels: counted > 0 ? (squaredSum / Double(counted)).squareRoot() : .nan,
                                       focalStandardDeviation: options.reportFocalDeviation && focalOffset >= 0 ? focalStandardDeviation() : nil)
    }

    /// The focal length's standard deviation at the solution, pixels: its entry of the inverse
    /// Gauss–Newton Hessian with the points eliminated, times the residuals' variance per degree
    /// of freedom (IRLS-weighted). It reflects the observations' noise only: errors that tracks
    /// share (a common drift) make the real error larger. A whisker of damping (10⁻⁹ of the
    /// diagonal) makes the free scale of the reconstruction invertible; the focal length does not
    /// depend on the scale, so its entry does not depend on that damping. NaN for a degenerate system.
    mutating func focalStandardDeviation() -> Double {
        let m = reducedSize
        let pointCount = problem.points.count
        var equations = GaussNewtonSystem(reducedSize: m, points: pointCount, fixPoints: options.fixPoints)
        formNormalEquations(&equations)
        var (reduced, _) = reducedSystem(&equations, lambda: 1e-9)
        var weightedSquares = 0.0
        var used = 0
        for index in problem.observations.indices where weights[index] > 0 {
            weightedSquares += weights[index] * (residuals[index] * residuals[index]).sum()
            used += 1
        }
        let freedom = 2 * used - m - (options.fixPoints ? 0 : 3 * pointCount)
        var column = [Double](repeating: 0, count: m)
        column[focalOffset] = 1
        guard freedom > 0, LAPACK.solvePositiveDefinite(&reduced, n: m, &column), column[focalOffset] > 0 else { return .nan }
        return (weightedSquares / Double(freedom) * column[focalOffset]).squareRoot()
    }

    /// The normal equations at the current parameters: residuals, weights and Jacobians, then
    /// their blocks and, unless points are fixed, the camera–point couplings.
    mutating func formNormalEquations(_ equations: inout GaussNewtonSystem) {
        linearize()
        accumulate(hessian: &equations.hessian, gradient: &equations.gradient, pointBlock: &equations.pointBlock,
                   pointGradient: &equations.pointGradient)
        if !options.fixPoints { formCouplings() }
    }

    /// The damped system in the camera parameters (and focal length) alone, S δc = b: the camera
    /// block's diagonal grown by `lambda` (and a whisper more), the points eliminated with their
    /// blocks damped alike.
    func reducedSystem(_ equations: inout GaussNewtonSystem, lambda: Double) -> (reduced: [Double], rhs: [Double]) {
        let m = reducedSize
        var reduced = equations.hessian
        var rhs = equations.gradient
        for i in 0 ..< m { reduced[i * m + i] += lambda * (equations.hessian[i * m + i] + 1e-9) }
        if !options.fixPoints {
            eliminatePoints(lambda: lambda, blocks: equations.pointBlock, gradients: equations.pointGradient, inverses: &equations.pointInverse,
                            stack: &equations.stack, reduced: &reduced, rhs: &rhs)
        }
        return (reduced, rhs)
    }

    /// Camera block U (and focal), point blocks V and the gradients −Jᵀ W r.
    func accumulate(hessian: inout [Double], gradient: inout [Double], pointBlock: inout [Matrix3], pointGradient: inout [SIMD3<Double>]) {
        let m = reducedSize
        let pc = cameraParameters
        for i in hessian.indices { hessian[i] = 0 }
        for i in gradient.indices { gradient[i] = 0 }
        for p in pointBlock.indices {
            pointBlock[p] = Matrix3(rows: .zero, .zero, .zero)
            pointGradient[p] = .zero
        }
        hessian.withUnsafeMutableBufferPointer { hessian in
        gradient.withUnsafeMutableBufferPointer { gradient in
            for index in problem.observations.indices where weights[index] > 0 {
                let (w, r, offset) = (weights[index], residuals[index], observationOffset[index])
                if offset >= 0 {
                    // A free camera's block is written whole; the mirror below keeps its lower half.
                    let (cu, cv) = cameraRows(index)
                    subtract(w * (cu * r.x + cv * r.y), in: gradient, at: offset, count: pc)
                    for a in 0 ..< pc {
                        subtract(-(w * (cu[a] * cu + cv[a] * cv)), in: hessian, at: (offset + a) * m + offset, count: pc)
                    }
                    if focalOffset >= 0 {
                        let jf = focalJacobian[index]
                        subtract(-(w * (jf.x * cu + jf.y * cv)), in: hessian, at: focalOffset * m + offset, count: pc)
                    }
                }
                if focalOffset >= 0 {
                    let (f, jf) = (focalOffset, focalJacobian[index])
                    hessian[f * m + f] += w * (jf.x * jf.x + jf.y * jf.y)
                    gradient[f] -= w * (jf.x * r.x + jf.y * r.y)
                }
                if !options.fixPoints {
                    let p = Int(problem.observations[index].point)
                    let (ju, jv) = pointRows(index)
                    pointBlock[p] = pointBlock[p] + w * Matrix3(rows: ju.x * ju + jv.x * jv, ju.y * ju + jv.y * jv, ju.z * ju + jv.z * jv)
                    pointGradient[p] -= w * (ju * r.x + jv * r.y)
                }
            }
        } }
        // Mirror the lower triangle so the damping and elimination see a full symmetric matrix.
        for r in 0 ..< m { for c in 0 ..< r { hessian[c * m + r] = hessian[r * m + c] } }
    }

    /// The two rows (u, v) of observation `index`'s point Jacobian.
    func pointRows(_ index: Int) -> (SIMD3<Double>, SIMD3<Double>) {
        let b = 6 * index
        return (SIMD3(pointJacobian[b], pointJacobian[b + 1], pointJacobian[b + 2]),
                SIMD3(pointJacobian[b + 3], pointJacobian[b + 4], pointJacobian[b + 5]))
    }

    /// The two rows (u, v) of observation `index`'s camera Jacobian (rotation, then translation when
    /// free), one lane per camera parameter, the other lanes zero.
    func cameraRows(_ index: Int) -> (SIMD8<Double>, SIMD8<Double>) {
        let j = 12 * index
        return (parameterLanes * SIMD8(cameraJacobian[j], cameraJacobian[j + 1], cameraJacobian[j + 2], cameraJacobian[j + 3],
                                       cameraJacobian[j + 4], cameraJacobian[j + 5], 0, 0),
                parameterLanes * SIMD8(cameraJacobian[j + 6], cameraJacobian[j + 7], cameraJacobian[j + 8], cameraJacobian[j + 9],
                                       cameraJacobian[j + 10], cameraJacobian[j + 11], 0, 0))
    }

    /// Fills every point's coupling W from the current Jacobians and weights: one block per free
    /// camera observing it, Σ w Jcᵀ Jp over its observations there, and its focal row Σ w Jfᵀ Jp.
    mutating func formCouplings() {
        var next = 0
        for p in 0 ..< problem.points.count {
            couplingStart[p] = next
            var focalRow = SIMD3<Double>.zero
            for k in pointStart[p] ..< pointStart[p + 1] {
                let index = observationsOfPoint[k]
                let w = weights[index]
                guard w > 0 else { continue }
                let (ju, jv) = pointRows(index)
                if focalOffset >= 0 { focalRow += w * (focalJacobian[index].x * ju + focalJacobian[index].y * jv) }
                let offset = observationOffset[index]
                guard offset >= 0 else { continue }
                let (cu, cv) = cameraRows(index)
                let (wu, wv) = (w * cu, w * cv)
                let columns = (wu * ju.x + wv * jv.x, wu * ju.y + wv * jv.y, wu * ju.z + wv * jv.z)
                // A camera that sees the point twice contributes one block.
                if let same = (couplingStart[p] ..< next).first(where: { couplings[$0].offset == offset }) {
                    couplings[same].columns = (couplings[same].columns.0 + columns.0, couplings[same].columns.1 + columns.1,
                                               couplings[same].columns.2 + columns.2)
                } else {
                    couplings[next] = CameraCoupling(offset: offset, columns: columns)
                    next += 1
                }
            }
            focalCoupling[p] = focalRow
        }
        couplingStart[problem.points.count] = next
    }

    /// Points stacked into each rank-k update of the reduced system.
    static let pointsPerUpdate = 64

    /// Removes the points from the reduced system, S −= Σ W V⁻¹ Wᵀ and b −= Σ W V⁻¹ g, with V each
    /// point's block damped by `lambda`, and leaves V⁻¹ in `inverses` for the back-substitution.
    /// With V = R Rᵀ (Cholesky), W V⁻¹ Wᵀ = Z Zᵀ for Z = W R⁻ᵀ: the points' Zᵀ (3 rows each) are
    /// stacked and S takes one BLAS rank-k update per stack, which does most of bundle adjustment's
    /// arithmetic. Sequential and in a fixed order, as the whole solver.
    func eliminatePoints(lambda: Double, blocks: [Matrix3], gradients: [SIMD3<Double>], inverses: inout [Matrix3], stack: inout [Double],
                         reduced: inout [Double], rhs: inout [Double]) {
        let (m, pc, f) = (reducedSize, cameraParameters, focalOffset)
        reduced.withUnsafeMutableBufferPointer { s in
        rhs.withUnsafeMutableBufferPointer { b in
        stack.withUnsafeMutableBufferPointer { z in
        couplings.withUnsafeBufferPointer { blocksOfW in
            var stacked = 0
            for p in 0 ..< problem.points.count where pointStart[p + 1] > pointStart[p] {
                var v = blocks[p]
                // A point's distance is unobservable when translations are fixed: the tiny absolute
                // term keeps its block invertible without moving observable points.
                let floor = 1e-9 * (v[0, 0] + v[1, 1] + v[2, 2]) + 1e-12
                v = v + Matrix3(rows: SIMD3(lambda * v[0, 0] + floor, 0, 0), SIMD3(0, lambda * v[1, 1] + floor, 0),
                                SIMD3(0, 0, lambda * v[2, 2] + floor))
                inverses[p] = v.inverse
                // V = R Rᵀ; rows y of W become R⁻¹ y by forward substitution.
                let r00 = v[0, 0].squareRoot()
                let (r10, r20) = (v[1, 0] / r00, v[2, 0] / r00)
                let r11 = (v[1, 1] - r10 * r10).squareRoot()
                let r21 = (v[2, 1] - r20 * r10) / r11
                let r22 = (v[2, 2] - r20 * r20 - r21 * r21).squareRoot()
                func forward(_ y: SIMD3<Double>) -> SIMD3<Double> {
                    let x0 = y.x / r00, x1 = (y.y - r10 * x0) / r11
                    return SIMD3(x0, x1, (y.z - r20 * x0 - r21 * x1) / r22)
                }
                let q = forward(gradients[p])
                let rows = z.baseAddress! + 3 * stacked * m
                rows.update(repeating: 0, count: 3 * m)
                for k in couplingStart[p] ..< couplingStart[p + 1] {
                    let (o, w) = (blocksOfW[k].offset, blocksOfW[k].columns)
                    let z0 = w.0 / r00, z1 = (w.1 - r10 * z0) / r11
                    let z2 = (w.2 - r20 * z0 - r21 * z1) / r22
                    for r in 0 ..< pc {
                        rows[o + r] = z0[r]
                        rows[m + o + r] = z1[r]
                        rows[2 * m + o + r] = z2[r]
                    }
                    subtract(z0 * q.x + z1 * q.y + z2 * q.z, in: b, at: o, count: pc)
                }
                if f >= 0 {
                    let zf = forward(focalCoupling[p])
                    (rows[f], rows[m + f], rows[2 * m + f]) = (zf.x, zf.y, zf.z)
                    b[f] -= dot(zf, q)
                }
                stacked += 1
                if stacked == Self.pointsPerUpdate {
                    LAPACK.subtractGram(of: UnsafeBufferPointer(z), rows: 3 * stacked, from: s, n: m)
                    stacked = 0
                }
            }
            LAPACK.subtractGram(of: UnsafeBufferPointer(z), rows: 3 * stacked, from: s, n: m)
        } } } }
    }

    /// The problem after a step: cameras from the reduced solution, points by back-substitution
    /// δp = V⁻¹ (g − Wᵀ δc). Nil if the step is not finite.
    func applied(step: [Double], pointInverse: [Matrix3], pointGradient: [SIMD3<Double>]) -> BundleAdjustmentProblem? {
        guard step.allSatisfy(\.isFinite) else { return nil }
        var next = problem
        for c in next.cameraFromWorld.indices where cameraOffset[c] >= 0 {
            let o = cameraOffset[c]
            var pose = next.cameraFromWorld[c]
            pose.rotation = Rotation.exp(SIMD3(step[o], step[o + 1], step[o + 2])) * pose.rotation
            if !options.fixTranslation { pose.translation += SIMD3(step[o + 3], step[o + 4], step[o + 5]) }
            next.cameraFromWorld[c] = pose
        }
        if focalOffset >= 0 {
            let scale = (next.intrinsics.fx + step[focalOffset]) / next.intrinsics.fx
            guard scale > 0 else { return nil }
            next.intrinsics.fx *= scale
            next.intrinsics.fy *= scale
        }
        guard !options.fixPoints else { return next }
        for p in next.points.indices where pointStart[p + 1] > pointStart[p] {
            var g = pointGradient[p]
            for k in couplingStart[p] ..< couplingStart[p + 1] {
                let o = couplings[k].offset
                let w = couplings[k].columns
                var delta = SIMD8<Double>.zero
                for r in 0 ..< cameraParameters { delta[r] = step[o + r] }
                g -= SIMD3((w.0 * delta).sum(), (w.1 * delta).sum(), (w.2 * delta).sum())
            }
            if focalOffset >= 0 { g -= step[focalOffset] * focalCoupling[p] }
            next.points[p] += pointInverse[p] * g
        }
        return next
    }
}

/// s[base ..< base + count] −= values (count ≤ 8, the lanes from count on zero): one vector
/// load, subtraction and store where all 8 lanes lie inside s (the lanes past count subtract zero
/// from whatever follows), element by element at the very end: how camera rows enter the normal
/// equations, and how the points' terms leave their right-hand side.
@inline(__always)
private func subtract(_ values: SIMD8<Double>, in s: UnsafeMutableBufferPointer<Double>, at base: Int, count: Int) {
    guard base + 8 <= s.count else {
        for c in 0 ..< count { s[base + c] -= values[c] }
        return
    }
    let target = UnsafeMutableRawPointer(s.baseAddress! + base)
    target.storeBytes(of: target.loadUnaligned(as: SIMD8<Double>.self) - values, as: SIMD8<Double>.self)
}

/// The Gauss–Newton normal equations of one linearisation, with the buffers that reducing them
/// to the camera parameters needs.
private struct GaussNewtonSystem {
    /// Camera block U (and focal), reduced size squared, and its right-hand side.
    var hessian: [Double]
    var gradient: [Double]
    /// Each point's 3 × 3 block V and right-hand side; V⁻¹ once the points are eliminated.
    var pointBlock: [Matrix3]
    var pointGradient: [SIMD3<Double>]
    var pointInverse: [Matrix3]
    /// Scratch for the batched Schur update; never empty, so that its base address exists even
    /// when no camera parameter is free.
    var stack: [Double]

    init(reducedSize m: Int, points: Int, fixPoints: Bool) {
        hessian = [Double](repeating: 0, count: m * m)
        gradient = [Double](repeating: 0, count: m)
        pointBlock = [Matrix3](repeating: .identity, count: points)
        pointGradient = [SIMD3<Double>](repeating: .zero, count: points)
        pointInverse = pointBlock
        stack = [Double](repeating: 0, count: fixPoints ? 1 : 3 * Solver.pointsPerUpdate * max(m, 1))
    }
}

/// One point's coupling with one free camera, W = Σ w Jcᵀ Jp (6 × 3, or 3 × 3 with translations
/// fixed), stored by columns with one lane per camera parameter so that blocks multiply as vectors.
private struct CameraCoupling {
    typealias Columns = (SIMD8<Double>, SIMD8<Double>, SIMD8<Double>)
    /// Offset of the camera's parameters in the reduced system.
    var offset: Int
    var columns: Columns
}
