import CHDF5
import FathomCore
@testable import FathomShards

/// Hand edits of a finished shard, to make the bad files a validator must catch: a dataset
/// replaced with another dtype or shape, an attribute removed or changed.
enum ShardSurgery {
    /// Opens `path` read-write and runs `body` with the file id.
    static func edit(_ path: String, _ body: (hid_t) throws -> Void) throws {
        try HDF5Library.locked { () throws(FathomError) in
            let file = H5Fopen(path, fathom_H5F_ACC_RDWR(), fathom_H5P_DEFAULT())
            guard file >= 0 else { throw FathomError("tests.cannotOpen", "cannot open '\(path)' for editing") }
            defer { H5Fclose(file) }
            do { try body(file) } catch { throw FathomError("tests.editFailed", "\(error)") }
        }
    }

    /// Replaces the dataset at `datasetPath` (e.g. "/clips/x/depth") with `data`, stored
    /// contiguously with `data`'s own element type.
    static func replaceDataset<E: HDF5Element>(_ path: String, _ datasetPath: String, with data: Tensor<E>) throws {
        try edit(path) { file in
            guard H5Ldelete(file, datasetPath, fathom_H5P_DEFAULT()) >= 0 else { throw FathomError("tests", "no \(datasetPath)") }
            let space = H5Screate_simple(Int32(data.shape.count), data.shape.map { hsize_t($0) }, nil)
            defer { H5Sclose(space) }
            let dataset = H5Dcreate2(file, datasetPath, E.hdf5Type, space, fathom_H5P_DEFAULT(), fathom_H5P_DEFAULT(), fathom_H5P_DEFAULT())
            defer { H5Dclose(dataset) }
            _ = data.storage.withUnsafeBytes { H5Dwrite(dataset, E.hdf5Type, fathom_H5S_ALL(), fathom_H5S_ALL(), fathom_H5P_DEFAULT(), $0.baseAddress) }
        }
    }

    static func deleteAttribute(_ path: String, object: String, name: String) throws {
        try edit(path) { file in
            guard H5Adelete_by_name(file, object, name, fathom_H5P_DEFAULT()) >= 0 else { throw FathomError("tests", "no attribute \(name)") }
        }
    }

    static func deleteLink(_ path: String, _ linkPath: String) throws {
        try edit(path) { file in
            guard H5Ldelete(file, linkPath, fathom_H5P_DEFAULT()) >= 0 else { throw FathomError("tests", "no \(linkPath)") }
        }
    }

    /// Replaces an attribute of `object` (a path such as "/") with a string one.
    static func setStringAttribute(_ path: String, object: String, name: String, value: String) throws {
        try? deleteAttribute(path, object: object, name: name)
        try edit(path) { file in
            let type = H5Tcopy(fathom_H5T_C_S1())
            defer { H5Tclose(type) }
            H5Tset_size(type, fathom_H5T_VARIABLE())
            H5Tset_cset(type, H5T_CSET_UTF8)
            let space = H5Screate(H5S_SCALAR)
            defer { H5Sclose(space) }
            let attribute = H5Acreate_by_name(file, object, name, type, space, fathom_H5P_DEFAULT(), fathom_H5P_DEFAULT(), fathom_H5P_DEFAULT())
            defer { H5Aclose(attribute) }
            _ = value.withCString { pointer in
                var pointers: [UnsafePointer<CChar>?] = [pointer]
                return H5Awrite(attribute, type, &pointers)
            }
        }
    }

    /// Replaces an attribute of `object` with an int64 one.
    static func setIntAttribute(_ path: String, object: String, name: String, value: Int64) throws {
        try? deleteAttribute(path, object: object, name: name)
        try edit(path) { file in
            let space = H5Screate(H5S_SCALAR)
            defer { H5Sclose(space) }
            let attribute = H5Acreate_by_name(file, object, name, fathom_H5T_NATIVE_INT64(), space, fathom_H5P_DEFAULT(), fathom_H5P_DEFAULT(), fathom_H5P_DEFAULT())
            defer { H5Aclose(attribute) }
            var number = value
            _ = H5Awrite(attribute, fathom_H5T_NATIVE_INT64(), &number)
        }
    }
}
