import CFFmpeg
import FathomCore

/// A labelled frame and what separates it from the previous one.
public struct SampledFrame: Sendable, Equatable {
    public var frame: VideoFrame
    /// A shot cut or decoding gap between the previous labelled frame and this one, if any.
    public var boundary: FrameBoundary?
}

/// What lies between two labelled frames that a clip must not span.
public enum FrameBoundary: String, Sendable, Equatable, Codable {
    case shotCut
    case gap
}

/// Streams the labelled frames of one video: decode, sample, convert to the working format, and
/// watch every decoded frame in the sampled range for shot cuts. Holds one frame at a time.
///
///     let reader = try FrameReader(source: "clips/bear.mp4")
///     while let sampled = try reader.next() { use(sampled.frame) }
public final class FrameReader {
    public let info: VideoInfo
    /// The working size of every frame.
    public let size: FrameSize
    public private(set) var shotCuts: [ShotCut] = []
    public private(set) var framesSampled = 0
    private let decoder: VideoDecoder
    private let converter: FrameConverter
    private var sampler: FrameSampler
    private var detector: ShotDetector?
    private var pendingBoundary: FrameBoundary?
    private var ended = false

    public init(source: String, media: MediaOptions = MediaOptions(), sampling: SamplingOptions = SamplingOptions(),
                shots: ShotDetectionOptions = ShotDetectionOptions()) throws(FathomError) {
        try media.validate()
        try sampling.validate()
        try shots.validate()
        FrameMemory.keepFreedFramesMapped()
        let file = try MediaFile(source: source, timeoutSeconds: media.timeoutSeconds)
        decoder = try VideoDecoder(file: file, threads: media.threads)
        info = VideoProbe.info(of: file, videoStream: decoder.streamIndex)
        size = info.workingSize(longSide: media.longSide)
        converter = FrameConverter(size: size, rotation: info.rotation)
        sampler = FrameSampler(sampling)
        detector = shots.enabled ? ShotDetector(shots) : nil
    }

    /// Frames the decoder delivered so far (labelled or not).
    public var framesDecoded: Int { decoder.framesDecoded }
    /// Stretches that could not be decoded so far.
    public var gaps: [DecodeGap] { decoder.gaps }

    /// The next labelled frame, or `nil` after the last one.
    public func next() throws(FathomError) -> SampledFrame? {
        while !ended {
            switch try decoder.next({ frame, picture throws(FathomError) in try consider(frame, picture) }) {
            case .none: ended = true
            case .some(.none): continue
            case .some(.some(let sampled)): return sampled
            }
        }
        return nil
    }

    private func consider(_ frame: UnsafePointer<AVFrame>, _ picture: DecodedPicture) throws(FathomError) -> SampledFrame? {
        if picture.gapBefore != nil { pendingBoundary = .gap }
        let decision = sampler.decide(timestamp: picture.timestamp)
        if decision == .stop {
            ended = true
            return nil
        }
        if detector != nil, sampler.inRange(picture.timestamp) {
            let thumbnail = try converter.thumbnail(frame)
            if let cut = detector!.observe(thumbnail: thumbnail, frameIndex: picture.index, timestamp: picture.timestamp) {
                shotCuts.append(cut)
                pendingBoundary = pendingBoundary ?? .shotCut
            }
        }
        guard decision == .take else { return nil }
        defer { pendingBoundary = nil }
        framesSampled += 1
        return SampledFrame(frame: try converter.convert(frame, index: picture.index, timestamp: picture.timestamp), boundary: pendingBoundary)
    }
}
