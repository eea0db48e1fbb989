/// What a video file holds, from its container and stream headers (no frames decoded).
public struct VideoInfo: Sendable, Equatable, Codable {
    /// The path or URL as given.
    public var source: String
    /// FFmpeg's demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`.
    public var container: String
    /// Container duration in seconds, when it states one.
    public var durationSeconds: Double?
    /// Overall bit rate in bits per second, when known.
    public var bitRate: Int?
    public var streams: [StreamInfo]
    /// Index in `streams` of the video stream Fathom decodes.
    public var videoStream: Int
    /// Codec of that stream, e.g. `h264`.
    public var codec: String
    /// Pixel format of the decoded pictures, e.g. `yuv420p10le`.
    public var pixelFormat: String
    /// Bits per colour component (8, 10, 12).
    public var bitDepth: Int
    /// Picture size as stored, before rotation and aspect correction.
    public var storedSize: FrameSize
    /// Pixel aspect ratio (1 for square pixels).
    public var sampleAspectRatio: Double
    /// Degrees a player turns the picture clockwise (0, 90, 180, 270), from the display matrix.
    public var rotation: Int
    /// What a viewer sees: aspect ratio corrected, then rotated.
    public var displaySize: FrameSize
    /// Average frame rate, when the container knows it.
    public var fps: Double?
    /// The base rate that represents every timestamp (`r_frame_rate`); above `fps` for variable frame rate video.
    public var baseFPS: Double?
    /// Frame count stated by the container (not all containers do; it may be approximate).
    public var frameCount: Int?

    public init(source: String, container: String, durationSeconds: Double?, bitRate: Int?, streams: [StreamInfo], videoStream: Int,
                codec: String, pixelFormat: String, bitDepth: Int, storedSize: FrameSize, sampleAspectRatio: Double, rotation: Int,
                fps: Double?, baseFPS: Double?, frameCount: Int?) {
        self.source = source
        self.container = container
        self.durationSeconds = durationSeconds
        self.bitRate = bitRate
        self.streams = streams
        self.videoStream = videoStream
        self.codec = codec
        self.pixelFormat = pixelFormat
        self.bitDepth = bitDepth
        self.storedSize = storedSize
        self.sampleAspectRatio = sampleAspectRatio
        self.rotation = rotation
        self.fps = fps
        self.baseFPS = baseFPS
        self.frameCount = frameCount
        let aspectCorrected = FrameSize(width: max(1, Int((Double(storedSize.width) * sampleAspectRatio).rounded())), height: storedSize.height)
        displaySize = rotation % 180 == 0 ? aspectCorrected : aspectCorrected.transposed
    }

    /// The size of Fathom's working frames for a working long side (see `FrameSize.fitting`).
    public func workingSize(longSide: Int) -> FrameSize {
        displaySize.fitting(longSide: longSide)
    }
}

/// One stream of a container.
public struct StreamInfo: Sendable, Equatable, Codable {
    public var index: Int
    /// `video`, `audio`, `subtitle`, `data` or `attachment`.
    public var kind: String
    public var codec: String
    /// Whether this FFmpeg has a decoder for the codec.
    public var decodable: Bool
    /// Video: stored picture size; audio: nil.
    public var size: FrameSize?
    /// Video: average frame rate.
    public var fps: Double?
    /// Audio: sample rate (Hz) and channel count.
    public var sampleRate: Int?
    public var channels: Int?
    public var durationSeconds: Double?
    /// A still image attached to the file (cover art), not a video.
    public var isAttachedPicture: Bool

    public init(index: Int, kind: String, codec: String, decodable: Bool, size: FrameSize?, fps: Double?, sampleRate: Int?, channels: Int?,
                durationSeconds: Double?, isAttachedPicture: Bool) {
        self.index = index
        self.kind = kind
        self.codec = codec
        self.decodable = decodable
        self.size = size
        self.fps = fps
        self.sampleRate = sampleRate
        self.channels = channels
        self.durationSeconds = durationSeconds
        self.isAttachedPicture = isAttachedPicture
    }
}
