import FathomCore

/// The value checks `Schemas/fathom.shard-1.json` names in a dataset's "checks" list. Each returns
/// nil when the values are sane, or a sentence naming the first offending element.
///
/// Checks run one slice of the first axis at a time, so a long clip is never read whole.
enum ValueCheck: String, CaseIterable {
    case strictlyIncreasing = "strictly_increasing"
    case nondecreasing
    case finite
    case nonnegativeOrNaN = "nonnegative_or_nan"
    case bitsWithin3 = "bits_within_3"
    case intrinsics
    case rigid
    case queryTimeInClip = "query_time_in_clip"
    case binary

    /// Runs the check over `dataset`; `frameCount` is T, `tolerances` from the schema.
    func run(on dataset: HDF5Dataset, frameCount: Int?, tolerances: ShardSchema.Tolerances) throws(FathomError) -> String? {
        switch self {
        case .strictlyIncreasing, .nondecreasing, .finite:
            return sequenceCheck(try dataset.read(Double.self).storage)
        case .nonnegativeOrNaN:
            return try forEachSlice(dataset, read: dataset.readFloats) { values, t in
                guard let i = values.firstIndex(where: { !($0 >= 0 || $0.isNaN) || $0.isInfinite }) else { return nil }
                return "value \(values[i]) at frame \(t), element \(i) is negative or infinite (depth must be ≥ 0, or NaN where unknown)"
            }
        case .bitsWithin3:
            return try forEachSlice(dataset, read: { rows throws(FathomError) in try dataset.read(UInt8.self, rows: rows) }) { values, t in
                guard let i = values.firstIndex(where: { $0 & ~3 != 0 }) else { return nil }
                return "value \(values[i]) at frame \(t), element \(i) sets reserved bits (only bits 0 and 1 are defined)"
            }
        case .binary:
            return try forEachSlice(dataset, read: { rows throws(FathomError) in try dataset.read(UInt8.self, rows: rows) }) { values, n in
                guard let i = values.firstIndex(where: { $0 > 1 }) else { return nil }
                return "value \(values[i]) at row \(n), element \(i) is not 0 or 1"
            }
        case .intrinsics:
            return try forEachSlice(dataset, read: { rows throws(FathomError) in try dataset.read(Double.self, rows: rows) }) { k, t in intrinsicsProblem(k).map { "frame \(t): \($0)" } }
        case .rigid:
            return try forEachSlice(dataset, read: { rows throws(FathomError) in try dataset.read(Double.self, rows: rows) }) { m, t in rigidProblem(m, tolerances).map { "frame \(t): \($0)" } }
        case .queryTimeInClip:
            return try forEachSlice(dataset, read: { rows throws(FathomError) in try dataset.read(Double.self, rows: rows) }) { row, n in
                let (time, u, v) = (row[0], row[1], row[2])
                if let frameCount, !(time >= 0 && time < Double(frameCount) && time == time.rounded()) {
                    return "query \(n) has t_src \(time), expected a whole frame number in [0, \(frameCount))"
                }
                return u.isFinite && v.isFinite ? nil : "query \(n) has a non-finite pixel (\(u), \(v))"
            }
        }
    }

    private func sequenceCheck(_ values: [Double]) -> String? {
        for (i, value) in values.enumerated() {
            if !value.isFinite { return "element \(i) is \(value), expected a finite number" }
            guard i > 0 else { continue }
            if self == .strictlyIncreasing && !(value > values[i - 1]) {
                return "element \(i) (\(value)) is not greater than element \(i - 1) (\(values[i - 1])); values must strictly increase"
            }
            if self == .nondecreasing && value < values[i - 1] {
                return "element \(i) (\(value)) is less than element \(i - 1) (\(values[i - 1])); values must not decrease"
            }
        }
        return nil
    }

    private func forEachSlice<E>(_ dataset: HDF5Dataset, read: (Range<Int>) throws(FathomError) -> Tensor<E>,
                                 _ check: ([E], Int) -> String?) throws(FathomError) -> String? {
        guard let rows = dataset.shape.first else { return nil }
        let rowsPerRead = max(1, 1 << 20 / max(1, dataset.shape.dropFirst().reduce(1, *)))
        var start = 0
        while start < rows {
            let end = min(rows, start + rowsPerRead)
            let block = try read(start ..< end)
            let stride = block.sliceCount
            for row in start ..< end {
                let offset = (row - start) * stride
                if let problem = check(Array(block.storage[offset ..< offset + stride]), row) { return problem }
            }
            start = end
        }
        return nil
    }

    private func intrinsicsProblem(_ k: [Double]) -> String? {
        guard k.allSatisfy(\.isFinite) else { return "K has a non-finite entry \(k)" }
        guard k[0] > 0, k[4] > 0 else { return "focal lengths fx = \(k[0]), fy = \(k[4]) must be positive" }
        guard k[3] == 0, k[6] == 0, k[7] == 0, k[8] == 1 else {
            return "K must be upper triangular with last row (0, 0, 1), got rows \(k[0 ..< 3]), \(k[3 ..< 6]), \(k[6 ..< 9])"
        }
        return nil
    }

    private func rigidProblem(_ m: [Double], _ tolerances: ShardSchema.Tolerances) -> String? {
        guard m.allSatisfy(\.isFinite) else { return "the matrix has a non-finite entry" }
        guard m[12] == 0, m[13] == 0, m[14] == 0, m[15] == 1 else {
            return "last row is (\(m[12]), \(m[13]), \(m[14]), \(m[15])), expected (0, 0, 0, 1)"
        }
        var worst = 0.0
        for a in 0 ..< 3 {
            for b in 0 ..< 3 {
                let dot = (0 ..< 3).reduce(0.0) { $0 + m[$1 * 4 + a] * m[$1 * 4 + b] }
                worst = max(worst, abs(dot - (a == b ? 1 : 0)))
            }
        }
        guard worst <= tolerances.rotationOrthonormality else {
            return "rotation is not orthonormal: max |RᵀR − I| = \(worst) > \(tolerances.rotationOrthonormality)"
        }
        let det = m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8])
        guard abs(det - 1) <= tolerances.rotationDeterminant else {
            return "rotation has determinant \(det), expected 1 (a reflection or scaling is not a camera pose)"
        }
        return nil
    }
}
