import Dispatch

/// Runs `body` for every index in 0..<count, spread over the cores (serially when the work is too
/// small to pay for threads).
///
/// The contract that makes this safe, and the results independent of the worker count: each
/// index reads shared inputs only and writes only its own outputs. That is why `body` may capture
/// buffer pointers; it is declared Sendable here, in this one place, rather than wrapping every
/// pointer of every hot loop. Inlinable, so callers in other modules keep their loops specialised.
@inlinable
public func parallelRows(_ count: Int, minimumWork: Int = 1, _ body: (Int) -> Void) {
    if count * minimumWork < 4096 || count < 2 {
        for index in 0 ..< count { body(index) }
        return
    }
    // Workers take contiguous blocks of rows (at least 8 blocks, each about 16K work if there is
    // that much): claiming work costs an atomic increment on a shared counter, which dominates
    // when claimed row by row.
    let rowsPerBlock = max(1, min(16384 / max(minimumWork, 1), count / 8))
    let blocks = (count + rowsPerBlock - 1) / rowsPerBlock
    withoutActuallyEscaping(body) { body in
        let body = unsafeBitCast(body, to: (@Sendable (Int) -> Void).self)
        DispatchQueue.concurrentPerform(iterations: blocks) { block in
            for index in block * rowsPerBlock ..< min((block + 1) * rowsPerBlock, count) { body(index) }
        }
    }
}

/// A mutable buffer that parallel row workers write to disjoint parts of (a value, so the
/// closure can capture it while the array it points into is borrowed mutably).
@frozen
public struct SharedBuffer<Element> {
    @usableFromInline let base: UnsafeMutablePointer<Element>

    @inlinable
    public init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        base = buffer.baseAddress!
    }

    @inlinable @inline(__always)
    public subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}

/// `body(index)` for every index in 0..<count, spread over the cores, results in index order: the
/// frames of a clip, or a clip's two flow chains. Under `parallelRows`' contract the results do
/// not depend on the number of workers.
@inlinable
public func parallelMap<Result>(_ count: Int, _ body: (Int) -> Result) -> [Result] {
    guard count > 0 else { return [] }
    var results = [Result?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { slots in
        let out = SharedBuffer(slots)
        parallelRows(count, minimumWork: 4096) { out[$0] = body($0) }
    }
    return results.map { $0! }
}
