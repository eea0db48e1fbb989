import CHDF5
import FathomCore

/// How a dataset is laid out on disk: chunking and compression.
struct HDF5Storage: Sendable {
    /// Chunk extents, or nil for contiguous storage (required for empty datasets).
    var chunk: [Int]?
    /// Deflate level 0–9, applied after byte shuffling; nil for none. Needs `chunk`.
    var deflateLevel: Int?
}

/// A dataset in an open HDF5 file: its shape, stored type, layout, and data.
final class HDF5Dataset: HDF5Object {
    let location: HDF5Group.Location
    /// Extents, slowest axis first.
    let shape: [Int]

    private init(_ location: HDF5Group.Location, shape: [Int]) {
        self.location = location
        self.shape = shape
    }

    static func open(in parent: HDF5Group.Location, _ name: String) throws(FathomError) -> HDF5Dataset {
        let path = childPath(parent.path, name)
        return try HDF5Library.locked { () throws(FathomError) in
            let what = "cannot open dataset '\(path)' in '\(parent.file.path)'"
            let id = try HDF5Library.check(H5Dopen2(parent.handle.id, name, fathom_H5P_DEFAULT()), "shards.missing", what)
            let handle = HDF5Handle(id, parent: parent.handle, close: H5Dclose)
            let space = HDF5Handle(try HDF5Library.check(H5Dget_space(id), "shards.damaged", what), close: H5Sclose)
            let rank = Int(try HDF5Library.check(H5Sget_simple_extent_ndims(space.id), "shards.damaged", what))
            var dims = [hsize_t](repeating: 0, count: rank)
            try HDF5Library.check(H5Sget_simple_extent_dims(space.id, &dims, nil), "shards.damaged", what)
            return HDF5Dataset(HDF5Group.Location(handle: handle, path: path, file: parent.file), shape: dims.map { Int($0) })
        }
    }

    /// Creates dataset `name` in `group` holding `data`, whose bytes are already laid out as the
    /// file stores them: raw bytes go through `H5Dwrite`, compressed chunks straight into the file
    /// with `H5Dwrite_chunk` (HDF5 records the same filters, so readers inflate them as usual).
    @discardableResult
    static func create(in group: HDF5Group, _ name: String, _ data: HDF5EncodedDataset) throws(FathomError) -> HDF5Dataset {
        let parent = group.location
        let path = childPath(parent.path, name)
        try HDF5Library.locked { () throws(FathomError) in
            let what = "cannot create dataset '\(path)' in '\(parent.file.path)'"
            let dims = data.shape.map { hsize_t($0) }
            let space = HDF5Handle(try HDF5Library.check(H5Screate_simple(Int32(dims.count), dims, nil), "shards.internal", what),
                                   close: H5Sclose)
            let properties = HDF5Handle(try HDF5Library.check(H5Pcreate(fathom_H5P_DATASET_CREATE()), "shards.internal", what),
                                        close: H5Pclose)
            if let chunk = data.storage.chunk {
                try HDF5Library.check(H5Pset_chunk(properties.id, Int32(chunk.count), chunk.map { hsize_t($0) }), "shards.internal", what)
                if let level = data.storage.deflateLevel {
                    try HDF5Library.check(H5Pset_shuffle(properties.id), "shards.internal", what)
                    try HDF5Library.check(H5Pset_deflate(properties.id, UInt32(level)), "shards.internal", what)
                }
            }
            let id = try HDF5Library.check(
                H5Dcreate2(parent.handle.id, name, data.type(), space.id, fathom_H5P_DEFAULT(), properties.id, fathom_H5P_DEFAULT()),
                "shards.cannotCreate", what)
            let dataset = HDF5Handle(id, close: H5Dclose)
            let cannotWrite = "cannot write dataset '\(path)' in '\(parent.file.path)'; check free disk space"
            switch data.content {
            case .raw(let bytes) where !bytes.isEmpty:
                let status = bytes.withUnsafeBytes {
                    H5Dwrite(dataset.id, data.type(), fathom_H5S_ALL(), fathom_H5S_ALL(), fathom_H5P_DEFAULT(), $0.baseAddress)
                }
                try HDF5Library.check(status, "shards.cannotWrite", cannotWrite)
            case .raw:
                break
            case .deflated(let chunks):
                let rowsPerChunk = hsize_t(data.storage.chunk![0])
                var offset = [hsize_t](repeating: 0, count: dims.count)
                for (index, chunk) in chunks.enumerated() {
                    offset[0] = hsize_t(index) * rowsPerChunk
                    let status = chunk.withUnsafeBytes {
                        H5Dwrite_chunk(dataset.id, fathom_H5P_DEFAULT(), 0, offset, $0.count, $0.baseAddress)
                    }
                    try HDF5Library.check(status, "shards.cannotWrite", cannotWrite)
                }
            }
        }
        return try open(in: parent, name)
    }

    /// The stored element type in numpy's spelling ("uint8", "int64", "float16", "float32", …),
    /// or a description such as "string" or "compound" for anything Fathom never writes.
    func dtypeName() throws(FathomError) -> String {
        try HDF5Library.locked { () throws(FathomError) in
            let type = HDF5Handle(try HDF5Library.check(H5Dget_type(location.handle.id), "shards.damaged", "cannot read the type of '\(location.path)'"),
                                  close: H5Tclose)
            let bits = H5Tget_size(type.id) * 8
            switch H5Tget_class(type.id) {
            case H5T_INTEGER: return (H5Tget_sign(type.id) == H5T_SGN_NONE ? "uint" : "int") + "\(bits)"
            case H5T_FLOAT: return "float\(bits)"
            case H5T_STRING: return "string"
            case H5T_COMPOUND: return "compound"
            default: return "an unsupported type"
            }
        }
    }

    /// Chunk extents, or nil when the dataset is not chunked.
    func chunkShape() throws(FathomError) -> [Int]? {
        try HDF5Library.locked { () throws(FathomError) in
            let properties = HDF5Handle(try HDF5Library.check(H5Dget_create_plist(location.handle.id), "shards.damaged",
                                                              "cannot read the layout of '\(location.path)'"), close: H5Pclose)
            guard H5Pget_layout(properties.id) == H5D_CHUNKED else { return nil }
            var dims = [hsize_t](repeating: 0, count: max(shape.count, 1))
            let rank = H5Pget_chunk(properties.id, Int32(dims.count), &dims)
            return rank < 0 ? nil : dims.prefix(Int(rank)).map { Int($0) }
        }
    }

    /// HDF5 filter ids in the pipeline (1 deflate, 2 shuffle, 3 fletcher32, …).
    func filterIDs() throws(FathomError) -> [Int] {
        try HDF5Library.locked { () throws(FathomError) in
            let properties = HDF5Handle(try HDF5Library.check(H5Dget_create_plist(location.handle.id), "shards.damaged",
                                                              "cannot read the filters of '\(location.path)'"), close: H5Pclose)
            let count = H5Pget_nfilters(properties.id)
            return (0 ..< max(count, 0)).map { index in
                var flags: UInt32 = 0
                var valueCount = 0
                var config: UInt32 = 0
                return Int(H5Pget_filter2(properties.id, UInt32(index), &flags, &valueCount, nil, 0, nil, &config))
            }
        }
    }

    /// Bytes the dataset occupies in the file (after compression).
    func storageBytes() -> Int {
        HDF5Library.lockedNoThrow { Int(H5Dget_storage_size(location.handle.id)) }
    }

    /// Reads the whole dataset, or only `rows` of its first axis, converting to `E` when the
    /// stored type differs.
    func read<E: HDF5Element>(_: E.Type, rows: Range<Int>? = nil) throws(FathomError) -> Tensor<E> {
        var outShape = shape
        if let rows {
            precondition(!shape.isEmpty && rows.lowerBound >= 0 && rows.upperBound <= shape[0], "rows \(rows) outside \(shape)")
            outShape[0] = rows.count
        }
        let count = outShape.reduce(1, *)
        var storage = [E]()
        guard count > 0 else { return Tensor(shape: outShape, storage: storage) }
        try HDF5Library.locked { () throws(FathomError) in
            let what = "cannot read dataset '\(location.path)' in '\(location.file.path)'"
            let fileSpace = HDF5Handle(try HDF5Library.check(H5Dget_space(location.handle.id), "shards.damaged", what), close: H5Sclose)
            let memorySpace = HDF5Handle(
                try HDF5Library.check(H5Screate_simple(Int32(outShape.count), outShape.map { hsize_t($0) }, nil), "shards.internal", what),
                close: H5Sclose)
            if let rows {
                var start = [hsize_t](repeating: 0, count: shape.count)
                start[0] = hsize_t(rows.lowerBound)
                try HDF5Library.check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, outShape.map { hsize_t($0) }, nil),
                                      "shards.internal", what)
            }
            storage = try [E](unsafeUninitializedCapacity: count) { buffer, initialized throws(FathomError) in
                let status = H5Dread(location.handle.id, E.hdf5Type, memorySpace.id, fileSpace.id, fathom_H5P_DEFAULT(),
                                     UnsafeMutableRawPointer(buffer.baseAddress))
                try HDF5Library.check(status, "shards.damaged", what)
                initialized = count
            }
        }
        return Tensor(shape: outShape, storage: storage)
    }

    /// Reads as Float whatever the stored float width; float16 is widened in Swift, which is much
    /// faster than HDF5's conversion of a user-defined float type.
    func readFloats(rows: Range<Int>? = nil) throws(FathomError) -> Tensor<Float> {
        guard try dtypeName() == "float16" else { return try read(Float.self, rows: rows) }
        let half = try read(Float16.self, rows: rows)
        return Tensor(shape: half.shape, storage: half.storage.map { Float($0) })
    }
}
