import CDeflate
import CHDF5
import FathomCore

/// A dataset's contents laid out exactly as HDF5 stores them, prepared on any thread, so that the
/// one writer HDF5 allows only copies bytes. Compressed datasets are byte-shuffled and deflated
/// chunk by chunk here, as HDF5's shuffle and deflate filters would (same zlib streams, readable
/// by any HDF5 reader), in parallel and with libdeflate, which is faster than HDF5's zlib at the
/// same level. Compression is nearly all of the cost of writing labels.
struct HDF5EncodedDataset: Sendable {
    /// What the file holds for the dataset.
    enum Content: Sendable {
        /// The elements as they are in memory (uncompressed datasets).
        case raw([UInt8])
        /// One zlib stream per chunk, in order along the first axis; the last chunk is padded
        /// with zeros to a whole chunk, as HDF5 pads edge chunks.
        case deflated([[UInt8]])
    }

    /// Extents, slowest axis first.
    let shape: [Int]
    let storage: HDF5Storage
    let content: Content
    /// The element's HDF5 memory type (call only inside `HDF5Library.locked`).
    let type: @Sendable () -> hid_t

    /// Compressed as `storage` says, its chunks in parallel (`ChunkDeflater`).
    init<E: HDF5Element>(_ data: Tensor<E>, storage: HDF5Storage) {
        guard let level = storage.deflateLevel, let chunk = storage.chunk, data.count > 0 else {
            // An empty dataset cannot be chunked, so it is stored contiguous and unfiltered.
            self.init(shape: data.shape, storage: data.count > 0 ? storage : HDF5Storage(chunk: nil, deflateLevel: nil),
                      content: .raw(data.storage.withUnsafeBytes { Array($0) }), type: { E.hdf5Type })
            return
        }
        let deflater = ChunkDeflater(data, chunk: chunk, level: level)
        var chunks = [[UInt8]](repeating: [], count: deflater.count)
        chunks.withUnsafeMutableBufferPointer { output in
            let out = SharedBuffer(output)
            parallelRows(deflater.count, minimumWork: 4096) { out[$0] = deflater.chunk($0) }
        }
        self.init(data, storage: storage, deflated: chunks)
    }

    /// A compressed dataset from its chunks, deflated ahead by `ChunkDeflater` (`storage` as it made them).
    init<E: HDF5Element>(_ data: Tensor<E>, storage: HDF5Storage, deflated chunks: [[UInt8]]) {
        self.init(shape: data.shape, storage: storage, content: .deflated(chunks), type: { E.hdf5Type })
    }

    private init(shape: [Int], storage: HDF5Storage, content: Content, type: @escaping @Sendable () -> hid_t) {
        self.shape = shape
        self.storage = storage
        self.content = content
        self.type = type
    }
}

/// The deflated chunks of a dataset, one at a time on any thread, so the work can be shared out.
/// Chunks split the first axis only (every chunk holds whole rows of the remaining axes), which is
/// how every chunked dataset of the contract is stored.
struct ChunkDeflater<E: HDF5Element>: Sendable {
    let data: Tensor<E>
    let level: Int
    let count: Int
    private let chunkElements: Int

    init(_ data: Tensor<E>, chunk: [Int], level: Int) {
        precondition(chunk.count == data.shape.count && Array(chunk.dropFirst()) == Array(data.shape.dropFirst()),
                     "chunk \(chunk) of a \(data.shape) dataset must split the first axis only")
        self.data = data
        self.level = level
        chunkElements = chunk.reduce(1, *)
        count = (data.shape[0] + chunk[0] - 1) / chunk[0]
    }

    /// Chunk `index`, shuffled and deflated as HDF5's filters would.
    func chunk(_ index: Int) -> [UInt8] {
        data.storage.withUnsafeBufferPointer { elements in
            let first = index * chunkElements
            let slice = UnsafeBufferPointer(rebasing: elements[first ..< min(first + chunkElements, elements.count)])
            return Self.deflate(shuffled(slice, padding: chunkElements), level: level)
        }
    }

    /// One zlib stream of `bytes`, as HDF5's deflate filter writes it.
    private static func deflate(_ bytes: [UInt8], level: Int) -> [UInt8] {
        guard let compressor = libdeflate_alloc_compressor(Int32(level)) else {
            preconditionFailure("libdeflate cannot make a level-\(level) compressor (out of memory?)")
        }
        defer { libdeflate_free_compressor(compressor) }
        let bound = libdeflate_zlib_compress_bound(compressor, bytes.count)
        return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            count = bytes.withUnsafeBytes { libdeflate_zlib_compress(compressor, $0.baseAddress, bytes.count, buffer.baseAddress, bound) }
            precondition(count > 0, "libdeflate could not fit \(bytes.count) bytes into its own bound \(bound)")
        }
    }
}

/// HDF5's byte shuffle: byte 0 of every element, then byte 1 of every element, …, which groups
/// the slowly varying high bytes of floats so deflate finds runs. Elements past the end of
/// `elements`, up to `padding` of them, are zero. One-byte elements are left as they are, as HDF5
/// leaves them.
private func shuffled<E>(_ elements: UnsafeBufferPointer<E>, padding count: Int) -> [UInt8] {
    let size = MemoryLayout<E>.stride
    return [UInt8](unsafeUninitializedCapacity: count * size) { out, initialized in
        out.initialize(repeating: 0)
        let bytes = UnsafeRawBufferPointer(elements)
        if size == 1 {
            UnsafeMutableRawBufferPointer(out).copyMemory(from: bytes)
        } else {
            for b in 0 ..< size {
                let plane = out.baseAddress! + b * count
                for j in 0 ..< elements.count { plane[j] = bytes[j &* size &+ b] }
            }
        }
        initialized = count * size
    }
}
