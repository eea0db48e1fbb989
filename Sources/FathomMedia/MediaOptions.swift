import FathomCore
import Foundation

/// How Fathom opens and decodes a video: the working resolution, decoder threads, and how long to
/// wait for input before giving up.
public struct MediaOptions: Sendable, Equatable, Codable {
    /// Long side of the working frames in pixels. Frames are scaled down to it keeping the display
    /// aspect ratio, with even sides; never scaled up, since that adds pixels but no detail.
    public var longSide: Int
    /// Decoder threads (frame and slice threading). Defaults to the number of cores.
    public var threads: Int
    /// Longest wait, in seconds, for the source to deliver anything (opening, probing, each read).
    /// A stalled network source fails with `media.timeout` instead of hanging.
    public var timeoutSeconds: Double

    public init(longSide: Int = 512, threads: Int = ProcessInfo.processInfo.activeProcessorCount, timeoutSeconds: Double = 30) {
        self.longSide = longSide
        self.threads = threads
        self.timeoutSeconds = timeoutSeconds
    }

    public func validate() throws(FathomError) {
        guard longSide >= 2 else { throw FathomError("media.badOptions", "working long side must be at least 2 pixels (got \(longSide))") }
        guard (1 ... 64).contains(threads) else { throw FathomError("media.badOptions", "decoder threads must be 1-64 (got \(threads))") }
        guard timeoutSeconds > 0 else { throw FathomError("media.badOptions", "timeout must be positive (got \(timeoutSeconds) s)") }
    }
}
