import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A request to stop early, from SIGTERM (Kubernetes eviction, `scancel`), SIGINT (Ctrl-C) or
/// SIGUSR1 (Slurm's `--signal` before a time limit), or from code. The runner stops taking
/// items, lets clips in flight finish into the open part and commits it, unless `graceSeconds`
/// pass first or a second signal comes: then it discards the open part at once.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?
    private var requestedAt: DispatchTime?
    private var repeated = false
    private var sources: [DispatchSourceSignal] = []
    /// How long to wait for clips in flight before giving them up.
    public let graceSeconds: Double

    public init(graceSeconds: Double = 20) {
        self.graceSeconds = graceSeconds
    }

    /// Routes SIGTERM, SIGINT and SIGUSR1 to this object instead of killing the process.
    public func install() {
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGUSR1, "SIGUSR1")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in  // keeps `source` alive: signal routing lasts as long as the process
                // Signals arriving before the handler runs are coalesced; `data` counts them.
                for _ in 0 ..< max(1, source.data) { self?.request(name) }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Asks the runner to stop; a second request means "now".
    public func request(_ why: String) {
        lock.lock()
        defer { lock.unlock() }
        if reason == nil {
            reason = why
            requestedAt = .now()
        } else {
            repeated = true
        }
    }

    /// The first request's reason, once stopping was asked for.
    public var requested: String? {
        lock.lock()
        defer { lock.unlock() }
        return reason
    }

    /// Whether clips in flight should be given up: a second request, or the grace time is over.
    var isUrgent: Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let requestedAt else { return false }
        return repeated || Double(DispatchTime.now().uptimeNanoseconds - requestedAt.uptimeNanoseconds) / 1e9 > graceSeconds
    }
}
