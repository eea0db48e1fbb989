/// Median of a non-empty array (mean of the middle two for even counts): the robust centre the
/// evaluation and the engine's track lifting both use.
public func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "median of no values")
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// The element that would be at index `k` if `values` were sorted, found in linear expected time
/// (quickselect, Hoare partition around the median of three) instead of a full sort; `values` is
/// left reordered. The answer does not depend on the order it is found in.
public func kthSmallest(_ values: inout [Float], _ k: Int) -> Float {
    precondition(values.indices.contains(k), "k = \(k) outside 0..<\(values.count)")
    return values.withUnsafeMutableBufferPointer { v in
        var (low, high) = (0, v.count - 1)
        while low < high {
            let middle = low + (high - low) / 2
            let pivot = max(min(v[low], v[middle]), min(max(v[low], v[middle]), v[high]))
            var (i, j) = (low, high)
            while i <= j {
                while v[i] < pivot { i += 1 }
                while v[j] > pivot { j -= 1 }
                if i <= j {
                    v.swapAt(i, j)
                    (i, j) = (i + 1, j - 1)
                }
            }
            // Now v[low...j] ≤ pivot ≤ v[i...high], and anything between equals the pivot.
            if k <= j {
                high = j
            } else if k >= i {
                low = i
            } else {
                return v[k]
            }
        }
        return v[k]
    }
}
