import Foundation

/// A first-in first-out queue between pipeline threads: `pop` blocks until an element arrives
/// or the queue is closed and drained. Capacity is bounded by the caller (a semaphore taken
/// before `push`), so this type never needs to block a producer.
final class WorkQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var elements: [Element] = []
    private var head = 0
    private var closed = false

    func push(_ element: Element) {
        condition.lock()
        elements.append(element)
        condition.signal()
        condition.unlock()
    }

    /// No more elements will come; waiting consumers return nil once the queue is empty.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == elements.count && !closed { condition.wait() }
        guard head < elements.count else { return nil }
        let element = elements[head]
        head += 1
        if head > 64 && head * 2 > elements.count {
            elements.removeFirst(head)
            head = 0
        }
        return element
    }
}
