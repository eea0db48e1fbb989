import FathomCore
import FathomVision

/// `body(frame)` for every frame of a clip, spread over the cores, results in frame order. Each
/// call reads shared inputs only, so the results do not depend on the number of workers.
func parallelFrames<Result>(_ count: Int, _ body: (Int) -> Result) -> [Result] {
    var results = [Result?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { slots in
        let base = slots.baseAddress!
        parallelRows(count, minimumWork: 4096) { base[$0] = body($0) }
    }
    return results.map { $0! }
}
