import CFFmpeg
import FathomCore

/// Writes one RGB8 picture as a PNG file through FFmpeg's png encoder (lossless, 8-bit RGB).
public enum PNGWriter {
    /// PNG bytes of an [H, W, 3] RGB8 picture.
    public static func encode(_ rgb: Tensor<UInt8>) throws(FathomError) -> [UInt8] {
        guard rgb.shape.count == 3, rgb.shape[2] == 3, rgb.shape[0] > 0, rgb.shape[1] > 0 else {
            throw FathomError("media.badFrame", "cannot write a PNG from shape \(rgb.shape): expected [H, W, 3] with H, W > 0")
        }
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG) else {
            throw FathomError("media.unsupportedCodec", "cannot write PNG: this FFmpeg has no png encoder")
        }
        let encoder = try CodecEncoder(codec: codec, size: FrameSize(width: rgb.shape[1], height: rgb.shape[0]), pixelFormat: AV_PIX_FMT_RGB24,
                                       timeBase: AVRational(num: 1, den: 1), subject: "a PNG image") { _ in }
        var bytes: [UInt8] = []
        let append = { (packet: UnsafeMutablePointer<AVPacket>) throws(FathomError) in
            bytes.append(contentsOf: UnsafeBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size)))
        }
        try encoder.encode(rgb, pts: 0, write: append)
        try encoder.finish(write: append)
        return bytes
    }

    /// Writes the PNG of an [H, W, 3] RGB8 picture to `path`, atomically (see `AtomicFile`).
    public static func write(_ rgb: Tensor<UInt8>, to path: String) throws(FathomError) {
        try AtomicFile.write(encode(rgb), to: path)
    }
}
