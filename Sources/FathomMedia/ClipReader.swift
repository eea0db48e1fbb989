import FathomCore

/// Streams one video as clips: decode, sample, convert, cut at shots and gaps, group. Memory holds
/// one clip's frames (plus the decoder's own buffers) however long the video is.
///
///     let reader = try ClipReader(item: CorpusItem(source: "clips/bear.mp4"))
///     while let clip = try reader.next() { label(clip) }
///     print(reader.summary.shotCuts)
public final class ClipReader {
    public let item: CorpusItem
    public let options: ClipOptions
    private let frames: FrameReader
    private var cutter: ClipCutter
    private var ready: [Clip] = []
    private var ended = false
    private var clipsEmitted = 0
    private var framesInClips = 0

    /// Opens the item's video. The item's start and end times, when given, replace the sampling's.
    public init(item: CorpusItem, media: MediaOptions = MediaOptions(), sampling: SamplingOptions = SamplingOptions(),
                clips: ClipOptions = ClipOptions()) throws(FathomError) {
        try clips.validate()
        var sampling = sampling
        if let start = item.startSeconds { sampling.startSeconds = start }
        if let end = item.endSeconds { sampling.endSeconds = end }
        self.item = item
        options = clips
        frames = try FrameReader(source: item.source, media: media, sampling: sampling, shots: clips.shots)
        let display = frames.info.displaySize, size = frames.size
        let intrinsics = item.intrinsics?.scaled(x: Double(size.width) / Double(display.width), y: Double(size.height) / Double(display.height))
        cutter = ClipCutter(options: clips, source: item.source, intrinsics: intrinsics)
    }

    public convenience init(source: String, media: MediaOptions = MediaOptions(), sampling: SamplingOptions = SamplingOptions(),
                            clips: ClipOptions = ClipOptions()) throws(FathomError) {
        try self.init(item: CorpusItem(source: source), media: media, sampling: sampling, clips: clips)
    }

    public var info: VideoInfo { frames.info }
    /// The working size of every frame.
    public var size: FrameSize { frames.size }

    /// The next clip, or `nil` after the last.
    public func next() throws(FathomError) -> Clip? {
        while ready.isEmpty && !ended {
            if let sampled = try frames.next() {
                ready += cutter.add(sampled.frame, after: sampled.boundary)
            } else {
                ready += cutter.finish()
                ended = true
            }
        }
        guard !ready.isEmpty else { return nil }
        let clip = ready.removeFirst()
        clipsEmitted += 1
        framesInClips += clip.frames.count
        return clip
    }

    /// What happened so far (complete once `next()` has returned `nil`).
    public var summary: ClipSummary {
        ClipSummary(source: item.source, size: frames.size, framesDecoded: frames.framesDecoded, framesSampled: frames.framesSampled,
                    clips: clipsEmitted, framesInClips: framesInClips, framesLeftOut: cutter.framesLeftOut,
                    shotCuts: frames.shotCuts, gaps: frames.gaps)
    }
}

/// What reading one video into clips did.
public struct ClipSummary: Sendable, Equatable, Codable {
    public var source: String
    /// Working size of the frames.
    public var size: FrameSize
    /// Frames the decoder delivered, labelled or not.
    public var framesDecoded: Int
    /// Frames chosen by sampling.
    public var framesSampled: Int
    public var clips: Int
    /// Labelled frames in clips, counting frames shared by overlapping clips once per clip.
    public var framesInClips: Int
    /// Sampled frames in no clip: runs shorter than the minimum clip length, frames a stride skips.
    public var framesLeftOut: Int
    public var shotCuts: [ShotCut]
    public var gaps: [DecodeGap]
}
