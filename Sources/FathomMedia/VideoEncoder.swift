import CFFmpeg
import FathomCore

/// Writes RGB8 frames to a video file through libavcodec and libavformat: for the synthetic
/// scenes' renders, previews, and test fixtures.
///
/// The container follows the file extension (`.mp4`, `.mkv`, `.mov`, `.avi`, …). Frames are
/// written at a constant `fps`, frame n at n / fps seconds. The file appears under its name only
/// when `finish()` succeeds (written beside it, then renamed), so a failed or abandoned encode
/// leaves nothing that looks finished.
///
///     let encoder = try VideoEncoder(path: "orbit.mp4", size: FrameSize(width: 320, height: 240), fps: 24)
///     for frame in frames { try encoder.append(frame) }
///     try encoder.finish()
public final class VideoEncoder {
    public enum Codec: Sendable, Equatable {
        /// H.264 through libx264 when this FFmpeg has it (else MPEG-4 part 2), 4:2:0, at a quality
        /// on x264's CRF scale: 0 best … 51 worst, 18 visually lossless, 23 default. Needs even sides.
        case h264(quality: Int)
        /// FFV1 on RGB: decodes to exactly the frames written. Needs a container that carries FFV1 (`.mkv`, `.avi`, `.nut`).
        case lossless

        public static let h264 = Codec.h264(quality: 23)
    }

    public let path: String
    public let size: FrameSize
    public let fps: Double
    /// FFmpeg's name of the encoder in use: `libx264`, `mpeg4` or `ffv1`.
    public let encoderName: String
    public private(set) var framesWritten = 0
    private let temporaryPath: String
    private let output: UnsafeMutablePointer<AVFormatContext>
    private let stream: UnsafeMutablePointer<AVStream>
    private let encoder: CodecEncoder
    private var finished = false

    public init(path: String, size: FrameSize, fps: Double = 24, codec: Codec = .h264) throws(FathomError) {
        FFmpeg.initialize()
        guard fps > 0, fps <= 1000 else { throw FathomError("media.badOptions", "cannot write '\(path)' at \(fps) frames per second: use 0-1000") }
        guard size.width > 0, size.height > 0 else { throw FathomError("media.badOptions", "cannot write '\(path)' with frame size \(size)") }
        self.path = path
        self.size = size
        self.fps = fps
        temporaryPath = AtomicFile.temporaryPath(for: path)
        guard let format = av_guess_format(nil, path, nil) else {
            throw FathomError("media.badContainer", "cannot write '\(path)': FFmpeg knows no container for its extension; use .mp4, .mkv, .mov or .avi")
        }
        let (codecID, encoder, pixelFormat) = try Self.choose(codec, size: size, path: path)
        guard avformat_query_codec(format, codecID, FF_COMPLIANCE_NORMAL) == 1 else {
            throw FathomError("media.badContainer", "cannot write \(String(cString: encoder.pointee.name)) video into '\(path)' (\(String(cString: format.pointee.name))); use .mkv")
        }
        encoderName = String(cString: encoder.pointee.name)

        var allocated: UnsafeMutablePointer<AVFormatContext>?
        let mark = FFmpegLog.mark
        let status = avformat_alloc_output_context2(&allocated, format, nil, temporaryPath)
        guard status >= 0, let output = allocated else {
            throw FFmpeg.error("media.cannotEncode", "cannot set up '\(path)'", status: status, owner: nil, since: mark)
        }
        self.output = output
        MediaDiagnostics.opened()
        let rate = av_d2q(fps, 1_001_000)
        let timeBase = AVRational(num: rate.den, den: rate.num)
        let globalHeader = format.pointee.flags & AVFMT_GLOBALHEADER != 0
        do {
            self.encoder = try CodecEncoder(codec: encoder, size: size, pixelFormat: pixelFormat, timeBase: timeBase, subject: "'\(path)'") { context in
                context.pointee.framerate = rate
                if globalHeader { context.pointee.flags |= Int32(fathom_AV_CODEC_FLAG_GLOBAL_HEADER()) }
                Self.configure(context, codec: codec)
            }
        } catch {
            Self.close(output)
            throw error
        }
        guard let stream = avformat_new_stream(output, nil) else { fatalError("avformat_new_stream: out of memory") }
        self.stream = stream
        stream.pointee.time_base = timeBase
        stream.pointee.avg_frame_rate = rate
        avcodec_parameters_from_context(stream.pointee.codecpar, self.encoder.context)
        output.pointee.opaque = self.encoder.log.opaque

        let opened = avio_open(&output.pointee.pb, temporaryPath, AVIO_FLAG_WRITE)
        guard opened >= 0 else { throw error("cannot create '\(temporaryPath)'", status: opened, since: mark) }
        let header = avformat_write_header(output, nil)
        guard header >= 0 else { throw error("cannot write the header of '\(path)'", status: header, since: mark) }
    }

    deinit {
        Self.close(output)
        if !finished { AtomicFile.discard(temporaryPath) }
    }

    /// Appends an [H, W, 3] RGB8 frame of the encoder's size.
    public func append(_ rgb: Tensor<UInt8>) throws(FathomError) {
        precondition(!finished, "VideoEncoder for '\(path)' used after finish()")
        try encoder.encode(rgb, pts: Int64(framesWritten)) { packet throws(FathomError) in try mux(packet) }
        framesWritten += 1
    }

    public func append(_ frame: VideoFrame) throws(FathomError) {
        try append(frame.rgb)
    }

    /// Flushes the encoder, writes the container's index, and moves the file to `path`.
    public func finish() throws(FathomError) {
        precondition(!finished, "VideoEncoder for '\(path)' finished twice")
        try encoder.finish { packet throws(FathomError) in try mux(packet) }
        let mark = FFmpegLog.mark
        let trailer = av_write_trailer(output)
        guard trailer >= 0 else { throw error("cannot finish '\(path)'", status: trailer, since: mark) }
        avio_closep(&output.pointee.pb)
        try AtomicFile.commit(temporaryPath, to: path)
        finished = true
    }

    private func mux(_ packet: UnsafeMutablePointer<AVPacket>) throws(FathomError) {
        av_packet_rescale_ts(packet, encoder.context.pointee.time_base, stream.pointee.time_base)
        packet.pointee.stream_index = stream.pointee.index
        let mark = FFmpegLog.mark
        let written = av_interleaved_write_frame(output, packet)
        guard written >= 0 else { throw error("cannot write frame \(framesWritten) to '\(path)'", status: written, since: mark) }
    }

    private func error(_ what: String, status: Int32, since mark: UInt64) -> FathomError {
        FFmpeg.error("media.cannotEncode", what, status: status, owner: encoder.log, since: mark)
    }

    /// The codec id, encoder and pixel format for a `Codec` in this FFmpeg.
    private static func choose(_ codec: Codec, size: FrameSize, path: String) throws(FathomError) -> (AVCodecID, UnsafePointer<AVCodec>, AVPixelFormat) {
        switch codec {
        case .h264(let quality):
            guard (0 ... 51).contains(quality) else { throw FathomError("media.badOptions", "H.264 quality must be 0-51 (got \(quality))") }
            guard size.width % 2 == 0, size.height % 2 == 0 else {
                throw FathomError("media.badOptions", "cannot write '\(path)' as H.264 at \(size): 4:2:0 video needs even sides")
            }
            if let x264 = avcodec_find_encoder_by_name("libx264") { return (AV_CODEC_ID_H264, x264, AV_PIX_FMT_YUV420P) }
            if let mpeg4 = avcodec_find_encoder(AV_CODEC_ID_MPEG4) { return (AV_CODEC_ID_MPEG4, mpeg4, AV_PIX_FMT_YUV420P) }
            throw FathomError("media.unsupportedCodec", "cannot write '\(path)': this FFmpeg has neither libx264 nor an MPEG-4 encoder")
        case .lossless:
            guard let ffv1 = avcodec_find_encoder(AV_CODEC_ID_FFV1) else {
                throw FathomError("media.unsupportedCodec", "cannot write '\(path)': this FFmpeg has no FFV1 encoder")
            }
            return (AV_CODEC_ID_FFV1, ffv1, AV_PIX_FMT_BGR0)
        }
    }

    /// Codec options: x264's CRF, or the equivalent fixed quantiser for MPEG-4.
    private static func configure(_ context: UnsafeMutablePointer<AVCodecContext>, codec: Codec) {
        guard case .h264(let quality) = codec else { return }
        if context.pointee.codec_id == AV_CODEC_ID_H264 {
            av_opt_set(context.pointee.priv_data, "crf", "\(quality)", 0)
            av_opt_set(context.pointee.priv_data, "preset", "fast", 0)
        } else {
            context.pointee.flags |= AV_CODEC_FLAG_QSCALE
            context.pointee.global_quality = Int32(FF_QP2LAMBDA) * Int32(2 + quality * 29 / 51)
        }
    }

    private static func close(_ output: UnsafeMutablePointer<AVFormatContext>) {
        if output.pointee.pb != nil { avio_closep(&output.pointee.pb) }
        avformat_free_context(output)
        MediaDiagnostics.closed()
    }
}
