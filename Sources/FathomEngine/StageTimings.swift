import Dispatch

/// Wall-clock seconds spent in each engine stage for one clip, for progress and the benchmark's
/// per-stage shares.
public struct StageTimings: Sendable, Equatable {
    public var seconds: [String: Double] = [:]

    public init() {}

    /// Runs `body`, adding its duration to `stage`.
    public mutating func measure<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { seconds[stage, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        return try body()
    }

    public mutating func add(_ other: StageTimings) {
        for (stage, value) in other.seconds { seconds[stage, default: 0] += value }
    }
}
