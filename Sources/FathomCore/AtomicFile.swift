#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes a finished file appear under its final name in one step, durably: nothing is ever seen
/// under a final name half-written, even after `kill -9` or a power cut.
///
/// The file's data is flushed (`fsync`), it is renamed over the final name (atomic within one
/// file system), and the directory is flushed so the rename itself survives a crash.
public enum AtomicFile {
    /// A temporary name beside `finalPath`, unique per process and attempt, that no reader
    /// mistakes for a finished file: `<final>.tmp-<pid>-<random>`.
    public static func temporaryPath(for finalPath: String) -> String {
        "\(finalPath).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
    }

    /// Flushes `temporaryPath` to disk and renames it to `finalPath`.
    public static func commit(_ temporaryPath: String, to finalPath: String) throws(FathomError) {
        try flush(temporaryPath, directory: false)
        guard rename(temporaryPath, finalPath) == 0 else {
            throw FathomError("io.cannotRename", "cannot rename '\(temporaryPath)' to '\(finalPath)': \(errnoText())")
        }
        try flush(directoryOf(finalPath), directory: true)
    }

    /// Writes `bytes` to `finalPath` through a temporary file and `commit`.
    public static func write(_ bytes: [UInt8], to finalPath: String) throws(FathomError) {
        let temporary = temporaryPath(for: finalPath)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FathomError("io.cannotCreate", "cannot create '\(temporary)': \(errnoText())")
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = errnoText()
                close(fd)
                unlink(temporary)
                throw FathomError("io.cannotWrite", "cannot write '\(temporary)': \(reason); check free disk space")
            }
            written += n
        }
        close(fd)
        do { try commit(temporary, to: finalPath) } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Removes a temporary file left by an earlier attempt; a missing file is not an error.
    public static func discard(_ temporaryPath: String) {
        unlink(temporaryPath)
    }

    private static func flush(_ path: String, directory: Bool) throws(FathomError) {
        let fd = open(path, (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC)
        guard fd >= 0 else { throw FathomError("io.cannotOpen", "cannot open '\(path)' to flush it: \(errnoText())") }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            throw FathomError("io.cannotSync", "cannot flush '\(path)' to disk: \(errnoText()); check free disk space")
        }
    }

    private static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// The C library's description of the current `errno`.
public func errnoText() -> String {
    String(cString: strerror(errno))
}
