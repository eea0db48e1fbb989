import FathomCore

/// Which decoded frames become labelled frames: a time range, a rate, and a cap.
public struct SamplingOptions: Sendable, Equatable, Codable {
    public enum Rate: Sendable, Equatable, Codable {
        /// Every k-th decoded frame in the range, starting with the first.
        case everyKth(Int)
        /// About this many frames per second of video time, whatever the source rate (also for
        /// variable frame rate video): the first frame at or after each tick of 1/fps.
        case targetFPS(Double)
    }

    public var rate: Rate
    /// Seconds from the start of the source; frames before are decoded (so frame indices stay
    /// those of the whole video) but not converted or labelled.
    public var startSeconds: Double
    /// Frames at or after this time end the video; `nil` for the whole of it.
    public var endSeconds: Double?
    /// At most this many labelled frames per video.
    public var maxFrames: Int?

    public init(rate: Rate = .everyKth(1), startSeconds: Double = 0, endSeconds: Double? = nil, maxFrames: Int? = nil) {
        self.rate = rate
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.maxFrames = maxFrames
    }

    public func validate() throws(FathomError) {
        switch rate {
        case .everyKth(let k) where k < 1: throw FathomError("media.badOptions", "sampling every k-th frame needs k ≥ 1 (got \(k))")
        case .targetFPS(let fps) where !(fps > 0): throw FathomError("media.badOptions", "target frame rate must be positive (got \(fps))")
        default: break
        }
        guard startSeconds >= 0 else { throw FathomError("media.badOptions", "start time must be ≥ 0 s (got \(startSeconds))") }
        if let endSeconds, endSeconds <= startSeconds {
            throw FathomError("media.badOptions", "end time \(endSeconds) s must be after start time \(startSeconds) s")
        }
        if let maxFrames, maxFrames < 1 { throw FathomError("media.badOptions", "max frames per video must be ≥ 1 (got \(maxFrames))") }
    }
}

/// Applies `SamplingOptions` to the stream of decoded frames, one decision per frame.
struct FrameSampler {
    enum Decision: Equatable {
        /// Before the range, or between samples.
        case skip
        /// A labelled frame.
        case take
        /// Past the range or the cap: stop decoding.
        case stop
    }

    /// Times within a millisecond of a tick count as on it (timestamps are rounded by containers).
    private static let tolerance = 1e-3
    let options: SamplingOptions
    private var framesInRange = 0
    private var taken = 0
    private var nextTick: Double

    init(_ options: SamplingOptions) {
        self.options = options
        nextTick = options.startSeconds
    }

    /// Whether the frame at `timestamp` is in the range at all (the shot detector looks at every such frame).
    func inRange(_ timestamp: Double) -> Bool {
        timestamp >= options.startSeconds - Self.tolerance && timestamp < (options.endSeconds ?? .infinity) - Self.tolerance
    }

    mutating func decide(timestamp: Double) -> Decision {
        if let maxFrames = options.maxFrames, taken >= maxFrames { return .stop }
        if let end = options.endSeconds, timestamp >= end - Self.tolerance { return .stop }
        guard inRange(timestamp) else { return .skip }
        defer { framesInRange += 1 }
        switch options.rate {
        case .everyKth(let k):
            guard framesInRange % k == 0 else { return .skip }
        case .targetFPS(let fps):
            guard timestamp >= nextTick - Self.tolerance else { return .skip }
            nextTick += 1 / fps
            if nextTick <= timestamp { nextTick = timestamp + 1 / fps }
        }
        taken += 1
        return .take
    }
}
