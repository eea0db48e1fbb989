import CLapack
import FathomCore

/// Dense linear algebra on LAPACKE/OpenBLAS, row-major. The one place in Fathom that calls LAPACK
/// and BLAS:
/// `info < 0` is a programming error (precondition); `info > 0` throws, never an assert that
/// release builds would skip.
public enum LAPACK {
    /// Fathom's matrices are small (≤ a few hundred rows): OpenBLAS threads would only spin and
    /// compete with the engine's own workers, and one thread keeps results independent of the
    /// machine's core count. Set once, before the first call.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// Singular value decomposition A = U diag(S) Vᵀ of a rows × columns matrix (full U and Vᵀ).
    /// The corresponding C function is `LAPACKE_dgesvd`.
    public static func svd(_ a: [Double], rows: Int, columns: Int) throws(FathomError) -> (u: [Double], s: [Double], vt: [Double]) {
        precondition(a.count == rows * columns, "svd: \(a.count) values for a \(rows)×\(columns) matrix")
        _ = singleThreaded
        var copy = a
        var s = [Double](repeating: 0, count: min(rows, columns))
        var u = [Double](repeating: 0, count: rows * rows)
        var vt = [Double](repeating: 0, count: columns * columns)
        var superb = [Double](repeating: 0, count: max(1, min(rows, columns) - 1))
        let info = LAPACKE_dgesvd(fathom_LAPACK_ROW_MAJOR(), CChar(UInt8(ascii: "A")), CChar(UInt8(ascii: "A")),
                                  Int32(rows), Int32(columns), &copy, Int32(columns), &s, &u, Int32(rows), &vt, Int32(columns), &superb)
        precondition(info >= 0, "LAPACKE_dgesvd: argument \(-info) is invalid")
        guard info == 0 else {
            throw FathomError("geometry.didNotConverge", "SVD of a \(rows)×\(columns) matrix did not converge (\(info) superdiagonals)")
        }
        return (u, s, vt)
    }

    /// Solves A x = b for a symmetric positive definite n × n matrix A (only its lower triangle is
    /// read) by Cholesky factorisation, in place: `b` becomes x. Returns false, leaving `b` unusable,
    /// when A is not positive definite, so an optimiser can raise its damping and try again.
    /// The corresponding C functions are `LAPACKE_dpotrf` and `LAPACKE_dpotrs`.
    public static func solvePositiveDefinite(_ a: inout [Double], n: Int, _ b: inout [Double]) -> Bool {
        precondition(a.count == n * n && b.count == n, "solvePositiveDefinite: \(a.count) values for \(n)×\(n), right side \(b.count)")
        _ = singleThreaded
        let lower = CChar(UInt8(ascii: "L"))
        let factor = LAPACKE_dpotrf(fathom_LAPACK_ROW_MAJOR(), lower, Int32(n), &a, Int32(n))
        precondition(factor >= 0, "LAPACKE_dpotrf: argument \(-factor) is invalid")
        guard factor == 0 else { return false }
        let solve = LAPACKE_dpotrs(fathom_LAPACK_ROW_MAJOR(), lower, Int32(n), 1, a, Int32(n), &b, 1)
        precondition(solve == 0, "LAPACKE_dpotrs: argument \(-solve) is invalid")
        return true
    }

    /// C ← C − Aᵀ A on the lower triangle of the symmetric n × n matrix `c`, for the k × n matrix
    /// `a` (both row-major): a rank-k update, the bulk of a Schur complement's arithmetic, at the
    /// machine's full vector width. The corresponding CBLAS function is `cblas_dsyrk`.
    public static func subtractGram(of a: UnsafeBufferPointer<Double>, rows k: Int, from c: UnsafeMutableBufferPointer<Double>, n: Int) {
        precondition(a.count >= k * n && c.count == n * n, "subtractGram: \(a.count) values for \(k)×\(n), \(c.count) for \(n)×\(n)")
        _ = singleThreaded
        guard k > 0, n > 0 else { return }
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, Int32(n), Int32(k), -1, a.baseAddress, Int32(n), 1, c.baseAddress, Int32(n))
    }
}
