import FathomCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Failures to write a job's output, named for what a person must do about them. A full disk is
/// the common one on clusters, and HDF5 reports it only as a failed write deep in its error
/// stack, so any write failure is checked against the free space of the folder written to.
enum OutputFailure {
    /// Below this much free space a failed write is reported as a full disk.
    static let nearlyFullBytes: UInt64 = 16 << 20

    /// An error for a failed system call on `path`, from the current `errno`.
    static func error(_ what: String, path: String) -> FathomError {
        let code = errno
        if code == ENOSPC || code == EDQUOT { return diskFull(path) }
        return FathomError("io.cannotWrite", "\(what): \(String(cString: strerror(code))); check the output folder's permissions and file system")
    }

    /// `error` as is, unless the folder of `path` has (almost) no free space left: then a
    /// clear disk-full error, since that is nearly always why the write failed.
    static func classify(_ error: FathomError, writing path: String) -> FathomError {
        if error.code == "io.diskFull" { return error }
        let lower = error.message.lowercased()
        if lower.contains("no space left") || lower.contains("quota exceeded") { return diskFull(path) }
        if let free = freeBytes(near: path), free < nearlyFullBytes { return diskFull(path) }
        return error
    }

    static func diskFull(_ path: String) -> FathomError {
        let free = freeBytes(near: path).map { String(format: "%.1f MB free", Double($0) / 1e6) } ?? "free space unknown"
        return FathomError("io.diskFull", "no space left on the device holding '\(path)' (\(free)); committed parts are kept and the open part "
            + "was discarded: free space (or move the output), then rerun to resume")
    }

    /// Free bytes for unprivileged users on the file system holding `path` (or its folder).
    static func freeBytes(near path: String) -> UInt64? {
        var info = statvfs()
        var target = path
        while statvfs(target, &info) != 0 {
            let parent = (target as NSString).deletingLastPathComponent
            guard !parent.isEmpty, parent != target else { return nil }
            target = parent
        }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }
}
