import CHDF5
import FathomCore
import Foundation

/// The one gate to the HDF5 C library: every call in Fathom runs inside `HDF5Library.locked`.
///
/// Debian's HDF5 is the serial build, which is not thread-safe, so a process-wide lock serialises
/// all calls (recursive, because closing a handle from `deinit` may happen inside another call).
/// HDF5's automatic error printing is silenced on every entry (Debian builds it thread-safe,
/// which makes that setting per thread); failures are read from the error stack instead and
/// carried in the thrown `FathomError`, as h5py does.
enum HDF5Library {
    private static let lock = NSRecursiveLock()

    /// HDF5 closes whatever is open at process exit; after a write failed (a full disk) that
    /// clean-up crashes on the file whose close failed. Fathom closes every file it writes
    /// explicitly (`ShardWriter.finish`), and a file still open at exit is a temporary one, so
    /// the exit-time clean-up is switched off before the library's first use.
    private static let noCleanupAtExit: Void = { _ = H5dont_atexit() }()

    private static func enter() {
        lock.lock()
        _ = noCleanupAtExit
        H5Eset_auto2(fathom_H5E_DEFAULT(), nil, nil)
    }

    /// Runs `body` holding the HDF5 lock.
    static func locked<T>(_ body: () throws(FathomError) -> T) throws(FathomError) -> T {
        enter()
        defer { lock.unlock() }
        return try body()
    }

    /// `locked` for bodies that cannot fail (closing handles, reading sizes).
    static func lockedNoThrow<T>(_ body: () -> T) -> T {
        enter()
        defer { lock.unlock() }
        return body()
    }

    /// Throws when an HDF5 call returned a negative id or status, with the library's own account
    /// of what went wrong appended: "cannot open 'x.h5': unable to open file; file signature not found".
    @discardableResult
    static func check<I: BinaryInteger>(_ result: I, _ code: String, _ what: @autoclosure () -> String) throws(FathomError) -> I {
        guard result < 0 else { return result }
        let stack = errorStack()
        H5Eclear2(fathom_H5E_DEFAULT())
        throw FathomError(code, stack.isEmpty ? what() : "\(what()): \(stack)")
    }

    /// The descriptions on the current error stack, outermost and innermost, deduplicated.
    private static func errorStack() -> String {
        var messages: [String] = []
        let walk: H5E_walk2_t = { _, error, context in
            if let text = error?.pointee.desc, let context {
                context.assumingMemoryBound(to: [String].self).pointee.append(String(cString: text))
            }
            return 0
        }
        withUnsafeMutablePointer(to: &messages) { pointer in
            _ = H5Ewalk2(fathom_H5E_DEFAULT(), H5E_WALK_DOWNWARD, walk, pointer)
        }
        var picked: [String] = []
        for message in [messages.first, messages.last].compactMap({ $0 }) where !picked.contains(message) {
            picked.append(message)
        }
        return picked.joined(separator: "; ")
    }

    /// Number of objects (the file itself, groups, datasets, attributes, named types) the process
    /// holds open in the file at `path`; tests assert it returns to zero so no handle leaks. Only
    /// that file's, so that other work going on in the process does not count.
    static func openObjectCount(path: String) -> Int {
        lockedNoThrow {
            let all = fathom_H5F_OBJ_ALL()
            var files = [hid_t](repeating: 0, count: max(Int(H5Fget_obj_count(hid_t(all), fathom_H5F_OBJ_FILE())), 0))
            let found = files.isEmpty ? 0 : Int(H5Fget_obj_ids(hid_t(all), fathom_H5F_OBJ_FILE(), files.count, &files))
            return files.prefix(max(found, 0)).reduce(0) { count, file in
                var name = [CChar](repeating: 0, count: 4096)
                guard H5Fget_name(file, &name, name.count) >= 0,
                      String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == path else { return count }
                return count + Int(H5Fget_obj_count(file, all))
            }
        }
    }
}
