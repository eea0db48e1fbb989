import CHDF5
import FathomCore
import Glibc

/// An open HDF5 file. Create files only through `ShardWriter`, which names them temporarily and
/// renames them when complete; this type knows nothing of that.
final class HDF5File {
    let path: String
    let handle: HDF5Handle

    private init(path: String, id: hid_t) {
        self.path = path
        self.handle = HDF5Handle(id, close: H5Fclose)
    }

    /// Creates (or truncates) `path` for writing. File locking is off: the file is a private
    /// temporary one, and locking fails on many network file systems (NFS, Lustre).
    static func create(_ path: String) throws(FathomError) -> HDF5File {
        try HDF5Library.locked { () throws(FathomError) in
            let access = try accessProperties(locking: false)
            let id = try HDF5Library.check(H5Fcreate(path, fathom_H5F_ACC_TRUNC(), fathom_H5P_DEFAULT(), access.id),
                                           "shards.cannotCreate", "cannot create HDF5 file '\(path)'")
            return HDF5File(path: path, id: id)
        }
    }

    /// Opens an existing file read-only, saying plainly when it is empty, not HDF5, or damaged.
    /// Locking is attempted but its failure on file systems without locks is ignored (the same as
    /// `HDF5_USE_FILE_LOCKING=BEST_EFFORT`), so shards on NFS or Lustre still open.
    static func openReadOnly(_ path: String) throws(FathomError) -> HDF5File {
        try HDF5Library.locked { () throws(FathomError) in
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw FathomError("shards.cannotOpen", "cannot open '\(path)': \(errnoText())")
            }
            guard info.st_size > 0 else {
                throw FathomError("shards.notHDF5", "'\(path)' is empty (0 bytes): it is not a finished shard; delete it and rerun the shard")
            }
            guard H5Fis_hdf5(path) > 0 else {
                H5Eclear2(fathom_H5E_DEFAULT())
                throw FathomError("shards.notHDF5", "'\(path)' is not an HDF5 file (no HDF5 signature found)")
            }
            let access = try accessProperties(locking: true)
            let id = try HDF5Library.check(H5Fopen(path, fathom_H5F_ACC_RDONLY(), access.id),
                                           "shards.damaged", "cannot open '\(path)': the file is truncated or damaged")
            return HDF5File(path: path, id: id)
        }
    }

    /// The root group.
    func root() throws(FathomError) -> HDF5Group {
        try HDF5Group.open(in: HDF5Group.Location(handle: handle, path: "", file: self), "/")
    }

    /// Flushes and closes the file now (rather than at `deinit`), reporting any failure, such as
    /// a full disk, that closing uncovers. Every object opened from the file must be released first.
    func close() throws(FathomError) {
        try HDF5Library.locked { () throws(FathomError) in
            _ = try HDF5Library.check(H5Fflush(handle.id, H5F_SCOPE_GLOBAL), "shards.cannotWrite",
                                  "cannot write '\(path)' to disk; check free disk space")
        }
    }

    private static func accessProperties(locking: Bool) throws(FathomError) -> HDF5Handle {
        let id = try HDF5Library.check(H5Pcreate(fathom_H5P_FILE_ACCESS()), "shards.internal", "cannot create file access properties")
        let properties = HDF5Handle(id, close: H5Pclose)
        H5Pset_file_locking(id, locking, true)
        H5Pset_libver_bounds(id, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18)
        return properties
    }
}
