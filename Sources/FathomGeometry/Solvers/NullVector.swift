import FathomCore

/// The unit vector x minimising ‖A x‖ for a tall matrix A given by its rows, found from the normal
/// matrix AᵀA (the eigenvector of its smallest eigenvalue): the linear solvers' common last step.
/// Accumulating AᵀA keeps memory fixed whatever the number of rows (an SVD of A would need an
/// n × n U). Callers normalise their data first, which keeps AᵀA well conditioned.
struct NormalEquations {
    let columns: Int
    private(set) var gram: [Double]

    init(columns: Int) {
        self.columns = columns
        gram = [Double](repeating: 0, count: columns * columns)
    }

    /// Adds one row of A, given in the first `columns` lanes (upper triangle; mirrored when solved).
    mutating func add(_ row: SIMD16<Double>) {
        for r in 0 ..< columns where row[r] != 0 {
            for c in r ..< columns { gram[r * columns + c] += row[r] * row[c] }
        }
    }

    /// The right singular vectors of A, ordered by increasing singular value (the first minimises ‖A x‖).
    func smallestVectors(_ count: Int) -> [[Double]]? {
        var full = gram
        for r in 0 ..< columns { for c in 0 ..< r { full[r * columns + c] = full[c * columns + r] } }
        guard let (_, _, vt) = try? LAPACK.svd(full, rows: columns, columns: columns) else { return nil }
        return (0 ..< count).map { k in
            let row = columns - 1 - k
            return Array(vt[row * columns ..< (row + 1) * columns])
        }
    }
}

/// Hartley's normalisation of 2D points: centroid to the origin, mean distance √2. Linear solvers
/// on normalised points are far better conditioned than on raw pixels.
struct PointNormalization {
    let center: SIMD2<Double>
    let scale: Double

    init(_ points: [SIMD2<Double>]) {
        let mean = points.reduce(SIMD2<Double>.zero, +) / Double(max(points.count, 1))
        let spread = points.reduce(0.0) { $0 + (($1 - mean) * ($1 - mean)).sum().squareRoot() } / Double(max(points.count, 1))
        center = mean
        scale = spread > 0 ? 2.0.squareRoot() / spread : 1
    }

    func apply(_ p: SIMD2<Double>) -> SIMD2<Double> { (p - center) * scale }

    /// The 3 × 3 matrix of the normalisation in homogeneous coordinates.
    var matrix: Matrix3 {
        Matrix3(rows: SIMD3(scale, 0, -scale * center.x), SIMD3(0, scale, -scale * center.y), SIMD3(0, 0, 1))
    }
}

/// A row of 9 values for `NormalEquations.add`, zero-padded (no heap allocation).
func row(_ a0: Double, _ a1: Double, _ a2: Double, _ a3: Double, _ a4: Double, _ a5: Double, _ a6: Double, _ a7: Double,
         _ a8: Double) -> SIMD16<Double> {
    SIMD16(a0, a1, a2, a3, a4, a5, a6, a7, a8, 0, 0, 0, 0, 0, 0, 0)
}

/// A row of 12 values for `NormalEquations.add`, zero-padded.
func row(_ a0: Double, _ a1: Double, _ a2: Double, _ a3: Double, _ a4: Double, _ a5: Double, _ a6: Double, _ a7: Double,
         _ a8: Double, _ a9: Double, _ a10: Double, _ a11: Double) -> SIMD16<Double> {
    SIMD16(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, 0, 0, 0, 0)
}
