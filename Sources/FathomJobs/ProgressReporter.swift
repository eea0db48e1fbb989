import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress of a running shard on stderr: a live bar with items, frames/s and ETA on a
/// terminal; a plain line every `interval` seconds otherwise (Slurm and Kubernetes logs), so
/// logs stay readable and small. Results never go here; they go to stdout.
public final class ProgressReporter: @unchecked Sendable {
    public enum Style: Sendable {
        case bar
        case lines(interval: Double)
    }

    /// A point-in-time count of a shard's work.
    public struct Snapshot: Sendable {
        public var shard: Int
        public var itemsDone: Int
        public var itemsFailed: Int
        public var itemsTotal: Int
        public var clips: Int
        public var frames: Int
        public var elapsed: Double
    }

    public let style: Style
    private let write: @Sendable (String) -> Void
    /// Updates come from the main thread, notes from pipeline threads: one at a time.
    private let lock = NSLock()
    private var lastLine = -Double.infinity
    private var barShown = false

    public init(style: Style, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.style = style
        self.write = write
    }

    /// A bar when stderr is a terminal, lines every `interval` seconds when it is not.
    public static func automatic(interval: Double) -> ProgressReporter {
        ProgressReporter(style: isatty(STDERR_FILENO) == 1 ? .bar : .lines(interval: interval))
    }

    /// Shows `snapshot` if it is time to (always for the bar, every `interval` for lines).
    func update(_ snapshot: Snapshot) {
        lock.lock()
        defer { lock.unlock() }
        switch style {
        case .bar:
            write("\r" + Self.bar(snapshot) + "\u{1B}[K")
            barShown = true
        case .lines(let interval):
            guard snapshot.elapsed - lastLine >= interval else { return }
            lastLine = snapshot.elapsed
            write(Self.line(snapshot) + "\n")
        }
    }

    /// Ends the bar's line, so what follows starts on a fresh one.
    func finish(_ snapshot: Snapshot) {
        lock.lock()
        defer { lock.unlock() }
        if case .bar = style, barShown {
            write("\r" + Self.bar(snapshot) + "\u{1B}[K\n")
            barShown = false
        }
    }

    /// A note between updates (a failed item, a stop request), on its own line.
    func note(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if case .bar = style, barShown { write("\r\u{1B}[K") }
        write(text + "\n")
    }

    static func bar(_ s: Snapshot) -> String {
        let width = 24
        let filled = s.itemsTotal == 0 ? width : min(width, width * s.itemsDone / s.itemsTotal)
        return "shard \(s.shard) [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            + counts(s)
    }

    static func line(_ s: Snapshot) -> String {
        "progress: shard \(s.shard) " + counts(s)
    }

    private static func counts(_ s: Snapshot) -> String {
        let rate = s.elapsed > 0 ? Double(s.frames) / s.elapsed : 0
        let failed = s.itemsFailed > 0 ? ", \(s.itemsFailed) failed" : ""
        return "\(s.itemsDone)/\(s.itemsTotal) items\(failed), \(s.clips) clips, \(String(format: "%.1f", rate)) frames/s, ETA \(eta(s))"
    }

    /// Remaining time at the pace so far, per item; "—" until one item is done.
    static func eta(_ s: Snapshot) -> String {
        guard s.itemsDone > 0, s.itemsTotal > s.itemsDone else { return s.itemsTotal == s.itemsDone ? "0s" : "—" }
        let seconds = Int((s.elapsed / Double(s.itemsDone) * Double(s.itemsTotal - s.itemsDone)).rounded())
        return seconds >= 3600 ? "\(seconds / 3600)h\(seconds % 3600 / 60)m" : seconds >= 60 ? "\(seconds / 60)m\(seconds % 60)s" : "\(seconds)s"
    }
}
