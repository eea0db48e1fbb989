import CHDF5
import FathomCore

/// A group in an open HDF5 file: children by name, attributes, and datasets.
final class HDF5Group: HDF5Object {
    /// Where an object lives: its handle, its path inside the file, and the file (for messages
    /// and to keep the file open while the object is).
    struct Location {
        let handle: HDF5Handle
        let path: String
        let file: HDF5File
    }

    let location: Location

    private init(_ location: Location) {
        self.location = location
    }

    static func open(in parent: Location, _ name: String) throws(FathomError) -> HDF5Group {
        let path = childPath(parent.path, name)
        return try HDF5Library.locked { () throws(FathomError) in
            let id = try HDF5Library.check(H5Gopen2(parent.handle.id, name, fathom_H5P_DEFAULT()), "shards.missing",
                                           "cannot open group '\(path)' in '\(parent.file.path)'")
            return HDF5Group(Location(handle: HDF5Handle(id, parent: parent.handle, close: H5Gclose), path: path, file: parent.file))
        }
    }

    func createGroup(_ name: String) throws(FathomError) -> HDF5Group {
        let path = childPath(location.path, name)
        return try HDF5Library.locked { () throws(FathomError) in
            let id = try HDF5Library.check(
                H5Gcreate2(location.handle.id, name, fathom_H5P_DEFAULT(), fathom_H5P_DEFAULT(), fathom_H5P_DEFAULT()),
                "shards.cannotCreate", "cannot create group '\(path)' in '\(location.file.path)'")
            return HDF5Group(Location(handle: HDF5Handle(id, parent: location.handle, close: H5Gclose), path: path, file: location.file))
        }
    }

    func group(_ name: String) throws(FathomError) -> HDF5Group {
        try HDF5Group.open(in: location, name)
    }

    func dataset(_ name: String) throws(FathomError) -> HDF5Dataset {
        try HDF5Dataset.open(in: location, name)
    }

    /// What kind of object `name` (a direct child) is, or nil when there is none.
    func childKind(_ name: String) throws(FathomError) -> HDF5ObjectKind? {
        try HDF5Library.locked { () throws(FathomError) in
            let exists = try HDF5Library.check(H5Lexists(location.handle.id, name, fathom_H5P_DEFAULT()), "shards.damaged",
                                               "cannot look up '\(childPath(location.path, name))' in '\(location.file.path)'")
            guard exists > 0 else { return nil }
            let id = try HDF5Library.check(H5Oopen(location.handle.id, name, fathom_H5P_DEFAULT()), "shards.damaged",
                                           "cannot open '\(childPath(location.path, name))' in '\(location.file.path)'")
            defer { H5Oclose(id) }
            switch H5Iget_type(id) {
            case H5I_GROUP: return .group
            case H5I_DATASET: return .dataset
            default: return .other
            }
        }
    }

    /// Names of the direct children, in name order.
    func childNames() throws(FathomError) -> [String] {
        try HDF5Library.locked { () throws(FathomError) in
            var info = H5G_info_t()
            try HDF5Library.check(H5Gget_info(location.handle.id, &info), "shards.damaged",
                                  "cannot list group '\(location.path)' in '\(location.file.path)'")
            var names: [String] = []
            for index in 0 ..< info.nlinks {
                let length = try HDF5Library.check(
                    H5Lget_name_by_idx(location.handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, fathom_H5P_DEFAULT()),
                    "shards.damaged", "cannot read a child name of '\(location.path)' in '\(location.file.path)'")
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                H5Lget_name_by_idx(location.handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, fathom_H5P_DEFAULT())
                names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return names
        }
    }
}

enum HDF5ObjectKind: Sendable {
    case group, dataset, other
}

/// `parent/name` for messages, with the root written as "/".
func childPath(_ parent: String, _ name: String) -> String {
    if name == "/" { return "/" }
    return parent.hasSuffix("/") ? parent + name : parent + "/" + name
}
