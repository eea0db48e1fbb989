import CFFmpeg
import FathomCore

/// One open encoder (`AVCodecContext`) fed RGB8 pictures: converts each to the codec's pixel
/// format, sends it, and hands back the packets it produces. Shared by `VideoEncoder` and `PNGWriter`.
final class CodecEncoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let size: FrameSize
    let log = LogOwner()
    private let scaler: Scaler
    private let picture: Frame
    private let packet = Packet()
    /// What the encoder is for, in messages: "'out.mp4'".
    private let subject: String

    /// Opens `codec` for `size` pictures in `pixelFormat`; `configure` sets codec-specific fields
    /// before opening. YUV pictures are made with the `colorSpace` matrix in limited range, and tagged so.
    init(codec: UnsafePointer<AVCodec>, size: FrameSize, pixelFormat: AVPixelFormat, colorSpace: AVColorSpace = AVCOL_SPC_SMPTE170M,
         timeBase: AVRational, subject: String, configure: (UnsafeMutablePointer<AVCodecContext>) -> Void) throws(FathomError) {
        FFmpeg.initialize()
        self.size = size
        self.subject = subject
        let rgb = PictureFormat(width: size.width, height: size.height, pixelFormat: AV_PIX_FMT_RGB24)
        scaler = try Scaler(from: rgb, to: PictureFormat(width: size.width, height: size.height, pixelFormat: pixelFormat), flags: SWS_AREA,
                            colorSpace: colorSpace, sourceFullRange: true, targetFullRange: Scaler.isRGB(pixelFormat))
        picture = Frame(width: size.width, height: size.height, pixelFormat: pixelFormat)
        // Assigned last, so a failure to open below runs deinit, which frees it.
        guard let context = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        self.context = context
        MediaDiagnostics.opened()
        context.pointee.width = Int32(size.width)
        context.pointee.height = Int32(size.height)
        context.pointee.pix_fmt = pixelFormat
        context.pointee.time_base = timeBase
        context.pointee.opaque = log.opaque
        if !Scaler.isRGB(pixelFormat) {
            context.pointee.colorspace = colorSpace
            context.pointee.color_range = AVCOL_RANGE_MPEG
        }
        configure(context)
        let mark = FFmpegLog.mark
        let opened = avcodec_open2(context, codec, nil)
        guard opened >= 0 else {
            throw FFmpeg.error("media.cannotEncode", "cannot start the \(String(cString: codec.pointee.name)) encoder for \(subject) (\(size) \(FFmpeg.pixelFormatName(pixelFormat.rawValue)))",
                               status: opened, owner: log, since: mark)
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&context)
        MediaDiagnostics.closed()
    }

    /// Encodes one [H, W, 3] RGB8 picture with presentation time `pts` (in the time base), passing
    /// each finished packet to `write`.
    func encode(_ rgb: Tensor<UInt8>, pts: Int64, write: (UnsafeMutablePointer<AVPacket>) throws(FathomError) -> Void) throws(FathomError) {
        guard rgb.shape == [size.height, size.width, 3] else {
            throw FathomError("media.badFrame", "cannot encode a frame of shape \(rgb.shape) into \(subject): expected [\(size.height), \(size.width), 3]")
        }
        let mark = FFmpegLog.mark
        let writable = av_frame_make_writable(picture.pointer)
        guard writable >= 0 else { throw FFmpeg.error("media.cannotEncode", "cannot reuse the picture buffer for \(subject)", status: writable, owner: log, since: mark) }
        let (planes, strides) = Scaler.planes(of: picture.pointer)
        rgb.storage.withUnsafeBufferPointer { pixels in
            scaler.scale([pixels.baseAddress], strides: [Int32(size.width * 3)], into: planes.map { UnsafeMutablePointer(mutating: $0) }, targetStrides: strides)
        }
        picture.pointer.pointee.pts = pts
        try send(picture.pointer, write: write)
    }

    /// Flushes the encoder: every packet it still holds goes to `write`.
    func finish(write: (UnsafeMutablePointer<AVPacket>) throws(FathomError) -> Void) throws(FathomError) {
        try send(nil, write: write)
    }

    private func send(_ frame: UnsafeMutablePointer<AVFrame>?, write: (UnsafeMutablePointer<AVPacket>) throws(FathomError) -> Void) throws(FathomError) {
        let mark = FFmpegLog.mark
        let sent = avcodec_send_frame(context, frame)
        guard sent >= 0 else { throw FFmpeg.error("media.cannotEncode", "cannot encode a frame into \(subject)", status: sent, owner: log, since: mark) }
        while true {
            let received = avcodec_receive_packet(context, packet.pointer)
            if received == fathom_AVERROR_EAGAIN() || received == fathom_AVERROR_EOF() { return }
            guard received >= 0 else { throw FFmpeg.error("media.cannotEncode", "cannot encode a frame into \(subject)", status: received, owner: log, since: mark) }
            defer { av_packet_unref(packet.pointer) }
            try write(packet.pointer)
        }
    }
}
