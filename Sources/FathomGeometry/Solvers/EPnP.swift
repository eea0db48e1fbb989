import FathomCore
import Foundation

/// Camera pose from n ≥ 4 known 3D points and their normalised image points: EPnP (Lepetit,
/// Moreno-Noguer, Fua, "EPnP: an accurate O(n) solution to the PnP problem", IJCV 2009).
///
/// Each point is a weighted sum of four control points; their camera coordinates lie in the
/// (at most) four-dimensional null space of a 2n × 12 system. The weights of that null space come
/// from keeping the control points' distances, for null-space dimensions 4, 2 and 3, each refined by
/// Gauss–Newton; the solution with the smallest reprojection error wins.
public enum EPnP {
    /// cameraFromWorld, or nil for degenerate input (fewer than 4 points, all on a line).
    public static func pose(world: [SIMD3<Double>], image: [SIMD2<Double>]) -> RigidTransform? {
        precondition(world.count == image.count, "EPnP: \(world.count) points, \(image.count) observations")
        let n = world.count
        guard n >= 4 else { return nil }
        guard let controls = controlPoints(world) else { return nil }
        // Barycentric coordinates α of every point in the control-point basis.
        let basis = Matrix3(rows: controls[1] - controls[0], controls[2] - controls[0], controls[3] - controls[0]).transposed
        guard abs(determinant(basis)) > 1e-18 else { return nil }
        let basisInverse = basis.inverse
        var alphas = [SIMD4<Double>](repeating: .zero, count: n)
        var normal = NormalEquations(columns: 12)
        for i in 0 ..< n {
            let a = basisInverse * (world[i] - controls[0])
            let alpha = SIMD4(1 - a.x - a.y - a.z, a.x, a.y, a.z)
            alphas[i] = alpha
            let (u, v) = (image[i].x, image[i].y)
            normal.add(row(alpha[0], 0, -alpha[0] * u, alpha[1], 0, -alpha[1] * u, alpha[2], 0, -alpha[2] * u, alpha[3], 0, -alpha[3] * u))
            normal.add(row(0, alpha[0], -alpha[0] * v, 0, alpha[1], -alpha[1] * v, 0, alpha[2], -alpha[2] * v, 0, alpha[3], -alpha[3] * v))
        }
        guard let kernel = normal.smallestVectors(4) else { return nil }
        let (l, rho) = distanceSystem(kernel: kernel, controls: controls)

        var best: (pose: RigidTransform, error: Double)?
        for dimension in [4, 2, 3] {
            var betas = initialBetas(dimension: dimension, l: l, rho: rho)
            refineBetas(&betas, l: l, rho: rho)
            guard let candidate = poseFromBetas(betas, kernel: kernel, alphas: alphas, world: world) else { continue }
            let error = reprojectionError(candidate, world: world, image: image)
            if error < best?.error ?? .infinity { best = (candidate, error) }
        }
        return best?.pose
    }

    /// Centroid plus the principal axes of the points scaled by their spread.
    private static func controlPoints(_ world: [SIMD3<Double>]) -> [SIMD3<Double>]? {
        let n = Double(world.count)
        let centroid = world.reduce(SIMD3<Double>.zero, +) / n
        var covariance = [Double](repeating: 0, count: 9)
        for p in world {
            let d = p - centroid
            for r in 0 ..< 3 { for c in 0 ..< 3 { covariance[r * 3 + c] += d[r] * d[c] } }
        }
        guard let (_, s, vt) = try? LAPACK.svd(covariance, rows: 3, columns: 3), s[0] > 0 else { return nil }
        var controls = [centroid]
        for k in 0 ..< 3 {
            // A planar point set has a zero third axis; a small one keeps the basis invertible.
            let spread = max((s[k] / n).squareRoot(), 1e-6 * (s[0] / n).squareRoot())
            controls.append(centroid + spread * SIMD3(vt[k * 3], vt[k * 3 + 1], vt[k * 3 + 2]))
        }
        return controls
    }

    /// L (6 × 10) and ρ (6): for the six control-point pairs, squared distance = L · β̄ where β̄ holds
    /// the products β₁β₁, β₁β₂, β₂β₂, β₁β₃, β₂β₃, β₃β₃, β₁β₄, β₂β₄, β₃β₄, β₄β₄.
    private static func distanceSystem(kernel: [[Double]], controls: [SIMD3<Double>]) -> (l: [[Double]], rho: [Double]) {
        let pairs = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
        var l: [[Double]] = []
        var rho: [Double] = []
        for (a, b) in pairs {
            let d = (0 ..< 4).map { k in controlPoint(kernel[k], a) - controlPoint(kernel[k], b) }
            l.append([dot(d[0], d[0]), 2 * dot(d[0], d[1]), dot(d[1], d[1]), 2 * dot(d[0], d[2]), 2 * dot(d[1], d[2]),
                      dot(d[2], d[2]), 2 * dot(d[0], d[3]), 2 * dot(d[1], d[3]), 2 * dot(d[2], d[3]), dot(d[3], d[3])])
            let w = controls[a] - controls[b]
            rho.append(dot(w, w))
        }
        return (l, rho)
    }

    /// Linearised first guess of the betas for a null space of the given dimension (the paper's
    /// approximations: solve for a subset of β̄ by least squares, then take roots; signs follow the
    /// cross terms).
    private static func initialBetas(dimension: Int, l: [[Double]], rho: [Double]) -> SIMD4<Double> {
        let columns: [Int] = switch dimension {
        case 4: [0, 1, 3, 6]
        case 2: [0, 1, 2]
        default: [0, 1, 2, 3, 4]
        }
        guard let x = leastSquares(rows: l.map { row in columns.map { row[$0] } }, rhs: rho) else { return .zero }
        if dimension == 4 {
            let sign: Double = x[0] < 0 ? -1 : 1
            let b1 = abs(x[0]).squareRoot()
            guard b1 > 0 else { return .zero }
            return SIMD4(b1, sign * x[1] / b1, sign * x[2] / b1, sign * x[3] / b1)
        }
        var b1 = abs(x[0]).squareRoot()
        let b2 = (x[0] < 0) == (x[2] < 0) ? abs(x[2]).squareRoot() : 0
        if x[1] < 0 { b1 = -b1 }
        guard dimension == 3 else { return SIMD4(b1, b2, 0, 0) }
        return SIMD4(b1, b2, b1 != 0 ? x[3] / b1 : 0, 0)
    }

    /// Gauss–Newton on Σ (L β̄(β) − ρ)² over all four betas.
    private static func refineBetas(_ betas: inout SIMD4<Double>, l: [[Double]], rho: [Double]) {
        for _ in 0 ..< 5 {
            let b = betas
            var jacobian: [[Double]] = []
            var residual: [Double] = []
            for (row, target) in zip(l, rho) {
                let products = [b[0] * b[0], b[0] * b[1], b[1] * b[1], b[0] * b[2], b[1] * b[2], b[2] * b[2], b[0] * b[3], b[1] * b[3], b[2] * b[3], b[3] * b[3]]
                residual.append(target - zip(row, products).reduce(0) { $0 + $1.0 * $1.1 })
                jacobian.append([
                    2 * row[0] * b[0] + row[1] * b[1] + row[3] * b[2] + row[6] * b[3],
                    row[1] * b[0] + 2 * row[2] * b[1] + row[4] * b[2] + row[7] * b[3],
                    row[3] * b[0] + row[4] * b[1] + 2 * row[5] * b[2] + row[8] * b[3],
                    row[6] * b[0] + row[7] * b[1] + row[8] * b[2] + 2 * row[9] * b[3],
                ])
            }
            guard let step = leastSquares(rows: jacobian, rhs: residual) else { return }
            betas += SIMD4(step[0], step[1], step[2], step[3])
        }
    }

    /// Solves min ‖A x − b‖ through the normal equations (tiny systems, ≤ 6 × 5).
    private static func leastSquares(rows: [[Double]], rhs: [Double]) -> [Double]? {
        let m = rows[0].count
        var ata = [Double](repeating: 0, count: m * m)
        var atb = [Double](repeating: 0, count: m)
        for (row, value) in zip(rows, rhs) {
            for r in 0 ..< m {
                atb[r] += row[r] * value
                for c in 0 ..< m { ata[r * m + c] += row[r] * row[c] }
            }
        }
        let trace = (0 ..< m).reduce(0.0) { $0 + ata[$1 * m + $1] }
        for r in 0 ..< m { ata[r * m + r] += 1e-12 * trace + 1e-300 }
        return LAPACK.solvePositiveDefinite(&ata, n: m, &atb) ? atb : nil
    }

    private static func poseFromBetas(_ betas: SIMD4<Double>, kernel: [[Double]], alphas: [SIMD4<Double>],
                                      world: [SIMD3<Double>]) -> RigidTransform? {
        var controls = [SIMD3<Double>](repeating: .zero, count: 4)
        for j in 0 ..< 4 {
            for k in 0 ..< 4 {
                controls[j] += betas[k] * controlPoint(kernel[k], j)
            }
        }
        var camera = alphas.map { a -> SIMD3<Double> in
            let near = a[0] * controls[0] + a[1] * controls[1]
            return near + a[2] * controls[2] + a[3] * controls[3]
        }
        // The null space fixes the points only up to sign: put them in front of the camera.
        if camera.reduce(0, { $0 + $1.z }) < 0 { camera = camera.map { -$0 } }
        guard let alignment = try? SimilarityAlignment.align(source: world, target: camera, withScale: false) else { return nil }
        return RigidTransform(rotation: alignment.rotation, translation: alignment.translation)
    }

    /// Control point j of a 12-vector (four stacked 3D points).
    private static func controlPoint(_ v: [Double], _ j: Int) -> SIMD3<Double> {
        SIMD3(v[3 * j], v[3 * j + 1], v[3 * j + 2])
    }

    private static func reprojectionError(_ pose: RigidTransform, world: [SIMD3<Double>], image: [SIMD2<Double>]) -> Double {
        var total = 0.0
        for (p, x) in zip(world, image) {
            let c = pose * p
            guard c.z > 0 else { return .infinity }
            let e = SIMD2(c.x / c.z, c.y / c.z) - x
            total += (e * e).sum()
        }
        return total
    }
}
