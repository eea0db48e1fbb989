import FathomCore
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on a shard's lock file for as long as a process runs the shard, so two
/// tasks given the same index (a requeued Slurm task whose first run lingers, a typo) cannot
/// write one shard at once. The kernel drops it when the process dies, even by `kill -9`.
final class ShardLock {
    private let descriptor: Int32

    /// Takes the lock, or throws `jobs.shardBusy` if another process holds it.
    init(path: String, shard: Int) throws(FathomError) {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputFailure.error("cannot create the lock file '\(path)'", path: path) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) != 0 else { return }
        if errno == EWOULDBLOCK {
            close(descriptor)
            throw FathomError("jobs.shardBusy", "shard \(shard) is being run by another process (it holds '\(path)'); "
                + "wait for it, or stop it, before running the shard again")
        }
        // File systems without locks (some NFS and Lustre mounts) say so with another errno: go on
        // unlocked, as HDF5's best-effort locking does; the scheduler runs one task per shard.
        Logger(label: "fathom.jobs").warning("cannot lock '\(path)' (\(errnoText())); running shard \(shard) without protection against a second process")
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Whether some process holds the lock on `path` now (for `fathom status`).
    static func isHeld(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }
}
