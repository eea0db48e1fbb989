import FathomCore

/// One video of a corpus: where it is, and what the corpus knows about it.
public struct CorpusItem: Sendable, Equatable {
    /// The manifest's id, or the file stem; for people and job plans (clip ids derive from `source`).
    public var id: String
    /// Path or http(s) URL, as the corpus lists it (relative paths resolved against the list's folder).
    public var source: String
    /// Known pinhole intrinsics in pixels of the video as displayed (after rotation), when given.
    public var intrinsics: PinholeIntrinsics?
    /// Only this part of the video, in seconds from its start.
    public var startSeconds: Double?
    public var endSeconds: Double?

    public init(id: String? = nil, source: String, intrinsics: PinholeIntrinsics? = nil, startSeconds: Double? = nil, endSeconds: Double? = nil) {
        self.id = id ?? Clip.stem(of: source)
        self.source = source
        self.intrinsics = intrinsics
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
    }

    /// Whether FFmpeg reads it over the network.
    public var isURL: Bool { MediaFile.isURL(source) }
}
