import CFFmpeg
import Foundation

/// FFmpeg's own account of a failure: the last error line it logged for the file being read, as
/// in `FFmpeg said: "[h264] no frame!"`.
///
/// FFmpeg reports details only through its log, and from several threads (frame-threaded decoders
/// log from worker threads). The shim's callback hands every line at `AV_LOG_ERROR` or worse to
/// `record`. Lines from a codec or format context carry the token of the `LogOwner` stored in that
/// context's `opaque`, so files read in parallel never see each other's lines; lines from other
/// contexts (I/O, protocols) are kept as the one latest untagged line with the thread that logged it.
/// Nothing is printed to stderr.
enum FFmpegLog {
    private struct Line {
        var sequence: UInt64
        var text: String
        var thread: pthread_t
    }

    private final class Store: @unchecked Sendable {
        let lock = NSLock()
        var sequence: UInt64 = 0
        var byOwner: [UInt: Line] = [:]
        var untagged: Line?
        var live: Set<UInt> = []
        var nextToken: UInt = 1
    }

    private static let store = Store()

    /// Routes FFmpeg's log here; runs once, from `FFmpeg.initialize`.
    static func install() {
        fathom_av_log_install({ owner, _, context, message in
            FFmpegLog.record(owner: UInt(bitPattern: owner), context: context.map { String(cString: $0) }, message: String(cString: message))
        }, AV_LOG_ERROR)
    }

    private static func record(owner: UInt, context: String?, message: String) {
        let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        // Contexts without a name of their own report "NULL" (av_default_item_name).
        let text = context.flatMap { $0 == "NULL" ? nil : "[\($0)] \(trimmed)" } ?? trimmed
        store.lock.lock()
        defer { store.lock.unlock() }
        store.sequence += 1
        let line = Line(sequence: store.sequence, text: text, thread: pthread_self())
        if owner == 0 {
            store.untagged = line
        } else if store.live.contains(owner) {
            store.byOwner[owner] = line
        }
    }

    /// The sequence number of the latest line; lines logged later are newer than this mark.
    static var mark: UInt64 {
        store.lock.lock()
        defer { store.lock.unlock() }
        return store.sequence
    }

    /// The newest line logged for `owner` after `mark`, or logged after `mark` on this thread by
    /// a context that names no owner.
    static func lastLine(owner: LogOwner?, since mark: UInt64) -> String? {
        store.lock.lock()
        defer { store.lock.unlock() }
        var candidates: [Line] = []
        if let owner, let line = store.byOwner[owner.token] { candidates.append(line) }
        if let line = store.untagged, pthread_equal(line.thread, pthread_self()) != 0 { candidates.append(line) }
        return candidates.filter { $0.sequence > mark }.max { $0.sequence < $1.sequence }?.text
    }

    fileprivate static func newToken() -> UInt {
        store.lock.lock()
        defer { store.lock.unlock() }
        defer { store.nextToken += 1 }
        store.live.insert(store.nextToken)
        return store.nextToken
    }

    fileprivate static func forget(_ token: UInt) {
        store.lock.lock()
        defer { store.lock.unlock() }
        store.live.remove(token)
        store.byOwner[token] = nil
    }
}

/// A token naming one file's FFmpeg contexts in the log: stored in their `opaque`, it lets
/// `FFmpegLog` attribute each line to the file it concerns. Its lines are dropped with it.
final class LogOwner {
    let token: UInt

    init() {
        token = FFmpegLog.newToken()
    }

    deinit {
        FFmpegLog.forget(token)
    }

    /// The value to store in an `AVCodecContext` or `AVFormatContext`'s `opaque`.
    var opaque: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: token) }
}
