/// Puts results that arrive in any order (from parallel workers) back into sequence order, so
/// what is written does not depend on which worker finished first. Holds only results that
/// arrived ahead of a missing one; the pipeline bounds how many can be in flight.
struct ReorderBuffer<Element> {
    private var waiting: [Int: Element] = [:]
    /// The sequence number the consumer needs next.
    private(set) var next = 0

    /// Adds the result with sequence number `sequence`; returns every result now ready, in order.
    mutating func insert(_ element: Element, at sequence: Int) -> [Element] {
        precondition(sequence >= next && waiting[sequence] == nil, "sequence number \(sequence) delivered twice")
        waiting[sequence] = element
        var ready: [Element] = []
        while let element = waiting.removeValue(forKey: next) {
            ready.append(element)
            next += 1
        }
        return ready
    }

    var isEmpty: Bool { waiting.isEmpty }
}
