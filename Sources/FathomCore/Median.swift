/// Median of a non-empty array (mean of the middle two for even counts): the robust centre the
/// evaluation and the engine's track lifting both use.
public func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "median of no values")
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
