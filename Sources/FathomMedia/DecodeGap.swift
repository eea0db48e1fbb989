/// A stretch of the source that could not be decoded: packets the decoder rejected, frames it
/// marked corrupt, or the unreadable rest of a truncated file. Frames on either side are kept;
/// clips never span a gap.
public struct DecodeGap: Sendable, Equatable, Codable {
    /// Index of the last good frame before the gap; `nil` when the gap opens the video.
    public var afterFrame: Int?
    /// Index of the first good frame after it; `nil` when the video ends in the gap.
    public var beforeFrame: Int?
    /// Timestamps (seconds) of those frames, when they exist.
    public var startSeconds: Double?
    public var endSeconds: Double?
    /// Decoder errors and dropped frames inside the gap.
    public var errors: Int
    /// What went wrong, in FFmpeg's words when it said something.
    public var reason: String

    public init(afterFrame: Int?, beforeFrame: Int?, startSeconds: Double?, endSeconds: Double?, errors: Int, reason: String) {
        self.afterFrame = afterFrame
        self.beforeFrame = beforeFrame
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.errors = errors
        self.reason = reason
    }
}
