/// A dense, row-major array with a shape: the in-memory form of every label dataset.
///
/// Labels are written and read whole per clip, so a flat contiguous `Array` is both the fastest
/// form for the engine's loops (`withUnsafeBufferPointer`) and exactly what HDF5 reads and writes.
public struct Tensor<Element: Sendable>: Sendable {
    /// Extent of each axis, slowest first (for a depth map: `[T, H, W]`).
    public let shape: [Int]
    /// `shape.reduce(1, *)` elements, last axis fastest.
    public var storage: [Element]

    public init(shape: [Int], storage: [Element]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative extent")
        precondition(storage.count == shape.reduce(1, *),
                     "Tensor of shape \(shape) needs \(shape.reduce(1, *)) elements, got \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    public init(shape: [Int], repeating value: Element) {
        self.init(shape: shape, storage: Array(repeating: value, count: shape.reduce(1, *)))
    }

    /// Number of elements.
    public var count: Int { storage.count }

    /// Elements in one step of the first axis (one frame of a `[T, H, W]` tensor).
    public var sliceCount: Int { shape.dropFirst().reduce(1, *) }

    /// The element at a multi-index, slowest axis first.
    public subscript(_ index: Int...) -> Element {
        get { storage[flatIndex(index)] }
        set { storage[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) does not match shape \(shape)")
        var flat = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "index \(index) is outside shape \(shape)")
            flat = flat * extent + i
        }
        return flat
    }
}

extension Tensor: Equatable where Element: Equatable {}
