import FathomCore

/// What Fathom would do with one video: its clips as frame ranges, with the cuts and gaps that
/// shaped them, without keeping any pixels. For `fathom probe` and for planning jobs.
public struct ClipPlan: Sendable, Equatable, Codable {
    public var info: VideoInfo
    public var summary: ClipSummary
    public var clips: [ClipRange]

    public init(info: VideoInfo, summary: ClipSummary, clips: [ClipRange]) {
        self.info = info
        self.summary = summary
        self.clips = clips
    }
}

/// One clip of a plan: its id and where it lies in the video.
public struct ClipRange: Sendable, Equatable, Codable {
    public var id: String
    public var shot: Int
    public var start: ClipStart
    public var frames: Int
    public var firstFrame: Int
    public var lastFrame: Int
    public var startSeconds: Double
    public var endSeconds: Double

    public init(_ clip: Clip) {
        id = clip.id
        shot = clip.shot
        start = clip.start
        frames = clip.frames.count
        firstFrame = clip.frames.first?.frameIndex ?? 0
        lastFrame = clip.frames.last?.frameIndex ?? 0
        startSeconds = clip.frames.first?.timestamp ?? 0
        endSeconds = clip.frames.last?.timestamp ?? 0
    }
}

extension ClipReader {
    /// Reads the rest of the video and describes its clips (each clip's pixels are dropped as soon as it is read).
    public func plan() throws(FathomError) -> ClipPlan {
        var clips: [ClipRange] = []
        while let clip = try next() { clips.append(ClipRange(clip)) }
        return ClipPlan(info: info, summary: summary, clips: clips)
    }
}
