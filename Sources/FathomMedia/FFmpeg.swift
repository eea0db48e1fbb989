import CFFmpeg
import FathomCore
import Foundation

/// The one gate to FFmpeg's libraries: set-up, error text, and the bookkeeping that lets tests
/// check that no context outlives its reader. Only FathomMedia calls `av*`; its wrappers
/// (`MediaFile`, `VideoDecoder`, `Scaler`, …) call `FFmpeg.initialize()` before anything else.
enum FFmpeg {
    private static let initialized: Void = {
        FFmpegLog.install()
        avformat_network_init()
    }()

    /// Installs log capture and initialises networking (for http(s) sources), once per process.
    static func initialize() {
        _ = initialized
    }

    /// The C macro's name for the common error codes, e.g. `AVERROR_INVALIDDATA`, so messages say
    /// which condition FFmpeg reported; `nil` for others.
    static func errorName(_ code: Int32) -> String? {
        let names: [(Int32, String)] = [
            (fathom_AVERROR_INVALIDDATA(), "AVERROR_INVALIDDATA"), (fathom_AVERROR_EOF(), "AVERROR_EOF"),
            (fathom_AVERROR_EXIT(), "AVERROR_EXIT"), (fathom_AVERROR_EAGAIN(), "AVERROR(EAGAIN)"),
            (fathom_AVERROR_ENOMEM(), "AVERROR(ENOMEM)"), (fathom_AVERROR(EIO), "AVERROR(EIO)"),
            (fathom_AVERROR(ENOENT), "AVERROR(ENOENT)"), (fathom_AVERROR(EACCES), "AVERROR(EACCES)"),
            (fathom_AVERROR(ETIMEDOUT), "AVERROR(ETIMEDOUT)"), (fathom_AVERROR(ECONNREFUSED), "AVERROR(ECONNREFUSED)"),
            (fathom_AVERROR(EINVAL), "AVERROR(EINVAL)"), (fathom_AVERROR(EISDIR), "AVERROR(EISDIR)"),
            (fathom_AVERROR_DECODER_NOT_FOUND(), "AVERROR_DECODER_NOT_FOUND"),
            (fathom_AVERROR_ENCODER_NOT_FOUND(), "AVERROR_ENCODER_NOT_FOUND"),
            (fathom_AVERROR_DEMUXER_NOT_FOUND(), "AVERROR_DEMUXER_NOT_FOUND"),
            (fathom_AVERROR_STREAM_NOT_FOUND(), "AVERROR_STREAM_NOT_FOUND"),
            (fathom_AVERROR_PROTOCOL_NOT_FOUND(), "AVERROR_PROTOCOL_NOT_FOUND"),
            (fathom_AVERROR_PATCHWELCOME(), "AVERROR_PATCHWELCOME"),
            (fathom_AVERROR_HTTP_NOT_FOUND(), "AVERROR_HTTP_NOT_FOUND"),
            (fathom_AVERROR_HTTP_FORBIDDEN(), "AVERROR_HTTP_FORBIDDEN"),
        ]
        return names.first { $0.0 == code }?.1
    }

    /// FFmpeg's description of an error code (`av_strerror`), e.g. "Invalid data found when processing input".
    static func errorText(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        av_strerror(code, &buffer, buffer.count)
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// An error that reads like a sentence and carries FFmpeg's last log line about the file:
    ///
    ///     media.invalidData: cannot decode frame 37 of 'clips/bear.mp4' (AVERROR_INVALIDDATA); FFmpeg said: "[h264] no frame!"
    static func error(_ code: String, _ what: String, status: Int32? = nil, owner: LogOwner?, since mark: UInt64) -> FathomError {
        var message = what
        if let status {
            message += errorName(status).map { " (\($0))" } ?? ": \(errorText(status)) (\(status))"
        }
        if let said = FFmpegLog.lastLine(owner: owner, since: mark) {
            message += "; FFmpeg said: \"\(said)\""
        } else if let status, errorName(status) != nil {
            message += ": \(errorText(status))"
        }
        return FathomError(code, message)
    }

    /// The codec's short name (`h264`), or "codec <id>" when FFmpeg has no descriptor for it.
    static func codecName(_ id: AVCodecID) -> String {
        avcodec_get_name(id).map { String(cString: $0) } ?? "codec \(id.rawValue)"
    }

    /// A codec tag as text, e.g. `avc1`, with unprintable bytes as `[n]`.
    static func fourCC(_ tag: UInt32) -> String {
        var buffer = [CChar](repeating: 0, count: 32)
        return buffer.withUnsafeMutableBufferPointer { String(cString: av_fourcc_make_string($0.baseAddress!, tag)) }
    }

    /// A rational as a number, `nil` when FFmpeg left it unset (0/0, 0/1).
    static func rate(_ rational: AVRational) -> Double? {
        rational.num > 0 && rational.den > 0 ? av_q2d(rational) : nil
    }

    /// The pixel format's name (`yuv420p10le`), or "none".
    static func pixelFormatName(_ format: Int32) -> String {
        av_get_pix_fmt_name(AVPixelFormat(rawValue: format)).map { String(cString: $0) } ?? "none"
    }
}

/// How many FFmpeg contexts (format, codec, scaler) are alive in this process. Readers and
/// encoders free theirs when released; tests check the count returns to zero.
package enum MediaDiagnostics {
    private final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var value = 0
    }

    private static let counter = Counter()

    package static var liveContexts: Int {
        counter.lock.lock()
        defer { counter.lock.unlock() }
        return counter.value
    }

    static func opened() { adjust(1) }
    static func closed() { adjust(-1) }

    private static func adjust(_ delta: Int) {
        counter.lock.lock()
        counter.value += delta
        counter.lock.unlock()
    }
}
