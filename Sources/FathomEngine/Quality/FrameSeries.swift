/// A figure measured once per frame (or pair of frames) of a clip, summarised the ways that
/// matter for plausibility: its typical level, its worst frame, and how far that rises above the
/// typical level. An impossible event happens at one moment, so it shows in the worst frame.
struct FrameSeries: Sendable {
    let values: [Double]

    /// The median frame's value (0 for an empty series).
    var median: Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
    }

    /// The worst frame's value (0 for an empty series).
    var max: Double { values.max() ?? 0 }

    /// Index of the worst frame (the first, on ties; 0 for an empty series).
    var worst: Int { values.indices.max { values[$0] < values[$1] || values[$0] == values[$1] && $0 > $1 } ?? 0 }

    /// Worst frame minus the median frame.
    var peak: Double { max - median }
}
