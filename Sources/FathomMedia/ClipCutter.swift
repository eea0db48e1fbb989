import FathomCore

/// How labelled frames are grouped into clips.
public struct ClipOptions: Sendable, Equatable, Codable {
    /// Most labelled frames per clip.
    public var clipFrames: Int
    /// Labelled frames between the starts of consecutive clips of a shot; less than `clipFrames`
    /// makes clips overlap by the difference, more leaves frames between them out. `nil`: `clipFrames`.
    public var stride: Int?
    /// Shorter runs (the end of a shot, a video of one frame) are left out: flow and tracks need two frames.
    public var minClipFrames: Int
    public var shots: ShotDetectionOptions

    public init(clipFrames: Int = 48, stride: Int? = nil, minClipFrames: Int = 2, shots: ShotDetectionOptions = ShotDetectionOptions()) {
        self.clipFrames = clipFrames
        self.stride = stride
        self.minClipFrames = minClipFrames
        self.shots = shots
    }

    public var effectiveStride: Int { stride ?? clipFrames }

    public func validate() throws(FathomError) {
        guard clipFrames >= 1 else { throw FathomError("media.badOptions", "clip length must be ≥ 1 frame (got \(clipFrames))") }
        guard effectiveStride >= 1 else { throw FathomError("media.badOptions", "clip stride must be ≥ 1 frame (got \(effectiveStride))") }
        guard (1 ... clipFrames).contains(minClipFrames) else {
            throw FathomError("media.badOptions", "minimum clip length must be 1-\(clipFrames) frames (got \(minClipFrames))")
        }
        try shots.validate()
    }
}

/// Groups labelled frames into clips of at most `clipFrames`, sliding by `stride`, and starts a
/// new clip at every shot cut and gap, so no clip spans either. Holds at most one clip's frames.
struct ClipCutter {
    let options: ClipOptions
    let source: String
    let intrinsics: PinholeIntrinsics?
    private var window: [VideoFrame] = []
    private var start = ClipStart.videoStart
    /// Frames in `window` that no emitted clip holds yet.
    private var unemitted = 0
    /// Frames still to leave out before the next clip when the stride exceeds the clip length.
    private var toSkip = 0
    private(set) var shot = 0
    private(set) var framesLeftOut = 0

    init(options: ClipOptions, source: String, intrinsics: PinholeIntrinsics?) {
        self.options = options
        self.source = source
        self.intrinsics = intrinsics
    }

    /// Adds the next labelled frame; returns the clips it completes (the one a boundary ends, and
    /// the one this frame fills).
    mutating func add(_ frame: VideoFrame, after boundary: FrameBoundary?) -> [Clip] {
        var finished: [Clip] = []
        if let boundary {
            finished += flush()
            start = boundary == .shotCut ? .shotCut : .gap
            if boundary == .shotCut { shot += 1 }
        }
        if toSkip > 0 {
            toSkip -= 1
            framesLeftOut += 1
            return finished
        }
        window.append(frame)
        unemitted += 1
        if window.count == options.clipFrames {
            finished.append(clip(window))
            let stride = options.effectiveStride
            window.removeFirst(min(stride, window.count))
            toSkip = max(0, stride - options.clipFrames)
            unemitted = 0
            start = .continuation
        }
        return finished
    }

    /// Ends the video: returns the last, partial clip if it has new frames and is long enough.
    mutating func finish() -> [Clip] {
        flush()
    }

    private mutating func flush() -> [Clip] {
        defer {
            window.removeAll()
            unemitted = 0
            toSkip = 0
        }
        guard unemitted > 0 else { return [] }
        guard window.count >= options.minClipFrames else {
            framesLeftOut += unemitted
            return []
        }
        return [clip(window)]
    }

    private func clip(_ frames: [VideoFrame]) -> Clip {
        Clip(id: Clip.id(source: source, firstFrame: frames.first!.frameIndex, lastFrame: frames.last!.frameIndex),
             source: source, shot: shot, start: start, frames: frames, intrinsics: intrinsics)
    }
}
