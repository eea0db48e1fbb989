import CFFmpeg

/// One `AVPacket`, freed when it goes out of scope. Reused for every read: `av_read_frame` fills
/// it, and the reader unreferences the payload once the decoder has it.
struct Packet: ~Copyable {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() {
        guard let pointer = av_packet_alloc() else { fatalError("av_packet_alloc: out of memory") }
        self.pointer = pointer
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&pointer)
    }
}

/// One `AVFrame`, freed when it goes out of scope; the decoder refills it for every picture.
struct Frame: ~Copyable {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() {
        guard let pointer = av_frame_alloc() else { fatalError("av_frame_alloc: out of memory") }
        self.pointer = pointer
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&pointer)
    }
}

extension Frame {
    /// A frame owning a picture buffer of the given size and pixel format, for intermediate results.
    init(width: Int, height: Int, pixelFormat: AVPixelFormat) {
        self.init()
        pointer.pointee.width = Int32(width)
        pointer.pointee.height = Int32(height)
        pointer.pointee.format = pixelFormat.rawValue
        guard av_frame_get_buffer(pointer, 0) >= 0 else { fatalError("av_frame_get_buffer: out of memory for \(width)×\(height)") }
    }
}
