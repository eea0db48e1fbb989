import CFFmpeg
import FathomCore

/// The size and pixel format of a picture on either side of a `Scaler`.
struct PictureFormat: Equatable {
    var width: Int
    var height: Int
    var pixelFormat: AVPixelFormat
}

/// One swscale context, converting pictures of one size and pixel format to another.
///
/// YUV sources are read with their own colour matrix and range (BT.709 HD video, full-range
/// JPEG-style video) and written as full-range RGB, so colours match what a player shows.
final class Scaler {
    let source: PictureFormat
    let target: PictureFormat
    private let context: OpaquePointer

    /// `colorSpace` is the YUV matrix of whichever side is YUV (`AVFrame.colorspace`); the ranges
    /// say whether each side uses full (JPEG) or limited (MPEG, 16–235) levels, and matter only
    /// for YUV sides: RGB is always full.
    init(from source: PictureFormat, to target: PictureFormat, flags: Int32, colorSpace: AVColorSpace = AVCOL_SPC_UNSPECIFIED,
         sourceFullRange: Bool = false, targetFullRange: Bool = true) throws(FathomError) {
        FFmpeg.initialize()
        self.source = source
        self.target = target
        guard let context = sws_getContext(Int32(source.width), Int32(source.height), source.pixelFormat,
                                           Int32(target.width), Int32(target.height), target.pixelFormat, flags, nil, nil, nil) else {
            throw FathomError("media.unsupportedPixelFormat",
                              "cannot convert \(source.width)×\(source.height) \(FFmpeg.pixelFormatName(source.pixelFormat.rawValue)) pictures to \(target.width)×\(target.height) \(FFmpeg.pixelFormatName(target.pixelFormat.rawValue)): swscale has no conversion for them")
        }
        self.context = context
        MediaDiagnostics.opened()
        let coefficients = sws_getCoefficients(Int32(colorSpace.rawValue))
        // Returns -1, harmlessly, when neither side is YUV: there is no matrix to choose then.
        _ = sws_setColorspaceDetails(context, coefficients, sourceFullRange ? 1 : 0, coefficients, targetFullRange ? 1 : 0, 0, 1 << 16, 1 << 16)
    }

    /// Whether pictures of this format are RGB (always full range) rather than YUV or grey.
    static func isRGB(_ format: AVPixelFormat) -> Bool {
        av_pix_fmt_desc_get(format).map { $0.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0 } ?? false
    }

    deinit {
        sws_freeContext(context)
        MediaDiagnostics.closed()
    }

    /// Converts the whole picture in `planes` (up to four plane pointers and their strides) into `targetPlanes`.
    func scale(_ planes: [UnsafePointer<UInt8>?], strides: [Int32], into targetPlanes: [UnsafeMutablePointer<UInt8>?], targetStrides: [Int32]) {
        _ = sws_scale(context, planes, strides, 0, Int32(source.height), targetPlanes, targetStrides)
    }

    /// Converts a decoded frame into `targetPlanes`.
    func scale(_ frame: UnsafePointer<AVFrame>, into targetPlanes: [UnsafeMutablePointer<UInt8>?], targetStrides: [Int32]) {
        let (planes, strides) = Self.planes(of: frame)
        scale(planes, strides: strides, into: targetPlanes, targetStrides: targetStrides)
    }

    /// The first four plane pointers and strides of a frame (`AVFrame.data` and `.linesize` are C arrays).
    static func planes(of frame: UnsafePointer<AVFrame>) -> ([UnsafePointer<UInt8>?], [Int32]) {
        let data = frame.pointee.data
        let lines = frame.pointee.linesize
        return ([data.0, data.1, data.2, data.3].map { $0.map { UnsafePointer($0) } }, [lines.0, lines.1, lines.2, lines.3])
    }

    /// The frame's format as a `PictureFormat`.
    static func format(of frame: UnsafePointer<AVFrame>) -> PictureFormat {
        PictureFormat(width: Int(frame.pointee.width), height: Int(frame.pointee.height), pixelFormat: AVPixelFormat(rawValue: frame.pointee.format))
    }
}
