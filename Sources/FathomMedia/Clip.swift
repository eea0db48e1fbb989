import FathomCore

/// A run of labelled frames from one shot of one video: the unit the engine labels and a shard stores.
public struct Clip: Sendable, Equatable {
    /// Deterministic id from the source and frame range (see `Clip.id(source:firstFrame:lastFrame:)`).
    public var id: String
    /// The video's path or URL as listed in the corpus.
    public var source: String
    /// 0-based number of the shot within the video.
    public var shot: Int
    /// Why the clip begins where it does.
    public var start: ClipStart
    public var frames: [VideoFrame]
    /// Known intrinsics scaled to the working size, when the corpus gives them.
    public var intrinsics: PinholeIntrinsics?

    public init(id: String, source: String, shot: Int, start: ClipStart, frames: [VideoFrame], intrinsics: PinholeIntrinsics?) {
        self.id = id
        self.source = source
        self.shot = shot
        self.start = start
        self.frames = frames
        self.intrinsics = intrinsics
    }

    public var frameIndices: [Int] { frames.map(\.frameIndex) }
    public var timestamps: [Double] { frames.map(\.timestamp) }
    public var size: FrameSize { FrameSize(width: frames[0].width, height: frames[0].height) }

    /// Labelled frames per second over the clip; `fallback` for a one-frame clip.
    public func fps(fallback: Double) -> Double {
        guard frames.count > 1, let first = frames.first?.timestamp, let last = frames.last?.timestamp, last > first else { return fallback }
        return Double(frames.count - 1) / (last - first)
    }

    /// `<file stem>-<first 8 hex of SHA-256(source)>-<first frame>-<last frame>`, e.g.
    /// `bear-3f2a9c01-000048-000095`: readable, unique per source and range, and the same on every run.
    /// The stem keeps letters, digits, `_` and `-` (others become `_`), at most 48 characters.
    public static func id(source: String, firstFrame: Int, lastFrame: Int) -> String {
        let hash = SHA256.hex(of: Array(source.utf8)).prefix(8)
        return "\(stem(of: source))-\(hash)-\(sixDigits(firstFrame))-\(sixDigits(lastFrame))"
    }

    static func stem(of source: String) -> String {
        var name = source
        if let query = name.firstIndex(where: { $0 == "?" || $0 == "#" }), MediaFile.isURL(source) { name = String(name[..<query]) }
        name = String(name.split(separator: "/").last ?? "")
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
        let cleaned = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" }.prefix(48))
        return cleaned.isEmpty ? "video" : cleaned
    }

    private static func sixDigits(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}

/// Why a clip begins where it does.
public enum ClipStart: String, Sendable, Equatable, Codable {
    /// The first labelled frame of the video.
    case videoStart
    /// The first frame after a hard cut.
    case shotCut
    /// The first frame after frames that could not be decoded.
    case gap
    /// The previous clip of the same shot was full.
    case continuation
}
