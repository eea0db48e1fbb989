import CFFmpeg
import FathomCore

/// Turns decoded frames of any pixel format into `VideoFrame`s at the working size: swscale to
/// RGB24, then the display rotation, then luma.
///
/// The common 8-bit 4:2:0 sources are scaled in two passes, first in YUV to the working size and
/// then to RGB at that size, because swscale's fast SIMD YUV→RGB path only runs unscaled; this
/// halves the conversion time. Scalers are built on the first frame and rebuilt only if the
/// stream changes size or format mid-way.
final class FrameConverter {
    /// Long side of the thumbnails the shot detector compares.
    static let thumbnailLongSide = 64

    /// The working size, as a viewer sees it (after rotation).
    let size: FrameSize
    /// Degrees clockwise to turn each picture: 0, 90, 180 or 270.
    let rotation: Int
    /// The working size before rotation.
    private let scaledSize: FrameSize
    private var pipeline: Pipeline?
    private var thumbnailScaler: Scaler?

    init(size: FrameSize, rotation: Int) {
        self.size = size
        self.rotation = rotation
        scaledSize = rotation % 180 == 0 ? size : size.transposed
    }

    func convert(_ frame: UnsafePointer<AVFrame>, index: Int, timestamp: Double) throws(FathomError) -> VideoFrame {
        let pipeline = try pipeline(for: frame)
        let count = scaledSize.width * scaledSize.height * 3
        var rgb = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            pipeline.run(frame, into: buffer.baseAddress!, stride: scaledSize.width * 3)
            initialized = count
        }
        if rotation != 0 {
            rgb = Self.rotate(rgb, width: scaledSize.width, height: scaledSize.height, clockwise: rotation)
        }
        return VideoFrame(frameIndex: index, timestamp: timestamp, rgb: Tensor(shape: [size.height, size.width, 3], storage: rgb))
    }

    /// A small RGB24 picture of the frame (long side `thumbnailLongSide`, unrotated) for colour histograms.
    func thumbnail(_ frame: UnsafePointer<AVFrame>) throws(FathomError) -> [UInt8] {
        let format = Scaler.format(of: frame)
        if thumbnailScaler?.source != format {
            let scale = Double(Self.thumbnailLongSide) / Double(max(format.width, format.height))
            let target = PictureFormat(width: max(1, Int(Double(format.width) * scale)), height: max(1, Int(Double(format.height) * scale)),
                                       pixelFormat: AV_PIX_FMT_RGB24)
            thumbnailScaler = try Scaler(from: format, to: target, flags: SWS_POINT, colorSpace: frame.pointee.colorspace,
                                         sourceFullRange: Self.isFullRange(frame))
        }
        let scaler = thumbnailScaler!
        let count = scaler.target.width * scaler.target.height * 3
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            scaler.scale(frame, into: [buffer.baseAddress], targetStrides: [Int32(scaler.target.width * 3)])
            initialized = count
        }
    }

    private func pipeline(for frame: UnsafePointer<AVFrame>) throws(FathomError) -> Pipeline {
        let format = Scaler.format(of: frame)
        let fullRange = Self.isFullRange(frame)
        if let pipeline, pipeline.source == format, pipeline.colorSpace == frame.pointee.colorspace, pipeline.fullRange == fullRange {
            return pipeline
        }
        let made = try Pipeline(source: format, colorSpace: frame.pointee.colorspace, fullRange: fullRange, size: scaledSize)
        pipeline = made
        return made
    }

    private static func isFullRange(_ frame: UnsafePointer<AVFrame>) -> Bool {
        frame.pointee.color_range == AVCOL_RANGE_JPEG || frame.pointee.format == AV_PIX_FMT_YUVJ420P.rawValue
            || frame.pointee.format == AV_PIX_FMT_YUVJ422P.rawValue || frame.pointee.format == AV_PIX_FMT_YUVJ444P.rawValue
    }

    /// Turns an interleaved RGB picture by a multiple of 90° clockwise.
    static func rotate(_ pixels: [UInt8], width: Int, height: Int, clockwise degrees: Int) -> [UInt8] {
        let quarter = degrees % 180 != 0
        let (outWidth, outHeight) = quarter ? (height, width) : (width, height)
        return pixels.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: pixels.count) { target, initialized in
                for y in 0 ..< outHeight {
                    for x in 0 ..< outWidth {
                        // The source pixel that lands at (x, y).
                        let (sx, sy) = switch degrees {
                        case 90: (y, height - 1 - x)
                        case 180: (width - 1 - x, height - 1 - y)
                        default: (width - 1 - y, x)
                        }
                        let from = 3 * (sy * width + sx), to = 3 * (y * outWidth + x)
                        target[to] = source[from]
                        target[to + 1] = source[from + 1]
                        target[to + 2] = source[from + 2]
                    }
                }
                initialized = pixels.count
            }
        }
    }
}

/// The scalers from one source format to RGB24 at the working size, and the YUV buffer between
/// them when the conversion runs in two passes.
private final class Pipeline {
    let source: PictureFormat
    let colorSpace: AVColorSpace
    let fullRange: Bool
    private let first: Scaler
    private let second: Scaler?
    /// Owns the YUV picture between the passes; `intermediatePicture` is its frame.
    private let intermediate: Frame?
    private let intermediatePicture: UnsafeMutablePointer<AVFrame>?

    init(source: PictureFormat, colorSpace: AVColorSpace, fullRange: Bool, size: FrameSize) throws(FathomError) {
        self.source = source
        self.colorSpace = colorSpace
        self.fullRange = fullRange
        let rgb = PictureFormat(width: size.width, height: size.height, pixelFormat: AV_PIX_FMT_RGB24)
        let planar420 = source.pixelFormat == AV_PIX_FMT_YUV420P || source.pixelFormat == AV_PIX_FMT_YUVJ420P
        if planar420 && (source.width != size.width || source.height != size.height) {
            let scaled = PictureFormat(width: size.width, height: size.height, pixelFormat: source.pixelFormat)
            first = try Scaler(from: source, to: scaled, flags: SWS_AREA, colorSpace: colorSpace, sourceFullRange: fullRange, targetFullRange: fullRange)
            second = try Scaler(from: scaled, to: rgb, flags: SWS_AREA, colorSpace: colorSpace, sourceFullRange: fullRange)
            let buffer = Frame(width: size.width, height: size.height, pixelFormat: source.pixelFormat)
            intermediatePicture = buffer.pointer
            intermediate = .some(buffer)
        } else {
            first = try Scaler(from: source, to: rgb, flags: SWS_AREA, colorSpace: colorSpace, sourceFullRange: fullRange)
            second = nil
            intermediate = nil
            intermediatePicture = nil
        }
    }

    func run(_ frame: UnsafePointer<AVFrame>, into rgb: UnsafeMutablePointer<UInt8>, stride: Int) {
        if let second, let intermediate = intermediatePicture {
            let (planes, strides) = Scaler.planes(of: intermediate)
            first.scale(frame, into: planes.map { UnsafeMutablePointer(mutating: $0) }, targetStrides: strides)
            second.scale(planes, strides: strides, into: [rgb], targetStrides: [Int32(stride)])
        } else {
            first.scale(frame, into: [rgb], targetStrides: [Int32(stride)])
        }
    }
}
