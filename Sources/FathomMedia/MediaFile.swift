import CFFmpeg
import FathomCore
import Foundation

/// An open video file or URL: the `AVFormatContext` and the streams it owns.
///
/// Streams are reached only through the file (`stream(_:)`), and every decoder holds its file, so
/// no stream outlives its format context. Every blocking call runs under an `IODeadline`.
final class MediaFile {
    /// The path or URL exactly as given, used in messages and ids.
    let source: String
    let context: UnsafeMutablePointer<AVFormatContext>
    let log = LogOwner()
    private let deadline: IODeadline

    init(source: String, timeoutSeconds: Double) throws(FathomError) {
        FFmpeg.initialize()
        self.source = source
        deadline = IODeadline(seconds: timeoutSeconds)
        if !Self.isURL(source) { try Self.checkLocalFile(source) }

        guard var context = avformat_alloc_context() else { fatalError("avformat_alloc_context: out of memory") }
        context.pointee.interrupt_callback = deadline.callback
        context.pointee.opaque = log.opaque
        var options: OpaquePointer?
        defer { av_dict_free(&options) }
        if Self.isURL(source) {
            // Protocol-level socket timeout in microseconds, beside the interrupt callback.
            av_dict_set(&options, "rw_timeout", "\(Int64(timeoutSeconds * 1e6))", 0)
        }
        let mark = FFmpegLog.mark
        deadline.restart()
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        let status = avformat_open_input(&opened, source, nil, &options)
        guard status >= 0, let opened else {
            // FFmpeg frees a caller-allocated context when opening fails.
            throw Self.openError(source, status: status, timedOut: deadline.expired, seconds: timeoutSeconds, owner: log, since: mark)
        }
        context = opened
        self.context = context
        MediaDiagnostics.opened()

        deadline.restart()
        let probed = avformat_find_stream_info(context, nil)
        if probed < 0 {
            throw deadline.expired
                ? timeoutError("probing")
                : FFmpeg.error("media.invalidData", "cannot read the streams of '\(source)'", status: probed, owner: log, since: mark)
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&context)
        MediaDiagnostics.closed()
    }

    var streamCount: Int { Int(context.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        precondition(index >= 0 && index < streamCount, "stream \(index) of '\(source)' does not exist")
        return context.pointee.streams[index]!
    }

    /// The stream a viewer would watch, and its decoder: FFmpeg's pick among video streams that
    /// have a decoder, never an attached picture such as an audio file's cover art.
    func bestVideoStream() throws(FathomError) -> (index: Int, decoder: UnsafePointer<AVCodec>) {
        let mark = FFmpegLog.mark
        var decoder: UnsafePointer<AVCodec>?
        let index = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0)
        let videoStreams = (0 ..< streamCount).filter { stream($0).pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO }
        if index == fathom_AVERROR_DECODER_NOT_FOUND(), let first = videoStreams.first {
            let parameters = stream(first).pointee.codecpar.pointee
            let codec = parameters.codec_id == AV_CODEC_ID_NONE
                ? "an unknown codec (tag '\(FFmpeg.fourCC(parameters.codec_tag))')" : "'\(FFmpeg.codecName(parameters.codec_id))'"
            throw FFmpeg.error("media.unsupportedCodec", "cannot decode '\(source)': this FFmpeg (libavcodec \(LIBAVCODEC_VERSION_MAJOR)) has no decoder for its video codec, \(codec)",
                               owner: log, since: mark)
        }
        guard index >= 0, let decoder, stream(Int(index)).pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0 else {
            let kinds = (0 ..< streamCount).map { index in
                let stream = stream(index)
                if stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0 { return "attached picture" }
                return av_get_media_type_string(stream.pointee.codecpar.pointee.codec_type).map { String(cString: $0) } ?? "unknown"
            }
            let has = kinds.isEmpty ? "no streams" : "only \(kinds.joined(separator: ", ")) stream\(kinds.count == 1 ? "" : "s")"
            throw FathomError("media.notVideo", "'\(source)' has no video to decode: it holds \(has)")
        }
        return (Int(index), decoder)
    }

    /// Reads the next packet into `packet`; false at the end of the file.
    func read(into packet: borrowing Packet) throws(FathomError) -> Bool {
        let mark = FFmpegLog.mark
        deadline.restart()
        let status = av_read_frame(context, packet.pointer)
        if status >= 0 { return true }
        if status == fathom_AVERROR_EOF() { return false }
        if deadline.expired || status == fathom_AVERROR(ETIMEDOUT) { throw timeoutError("reading") }
        let offset = context.pointee.pb.map { " at byte \(avio_tell($0))" } ?? ""
        throw FFmpeg.error("media.invalidData", "cannot read '\(source)'\(offset)", status: status, owner: log, since: mark)
    }

    /// An error about this file carrying FFmpeg's last line about it.
    func error(_ code: String, _ what: String, status: Int32? = nil, since mark: UInt64) -> FathomError {
        FFmpeg.error(code, what, status: status, owner: log, since: mark)
    }

    private func timeoutError(_ doing: String) -> FathomError {
        FathomError("media.timeout", "timed out after \(Self.seconds(deadline.seconds)) \(doing) '\(source)': no data arrived; raise the timeout if the source is slow")
    }

    private static func openError(_ source: String, status: Int32, timedOut: Bool, seconds: Double, owner: LogOwner, since mark: UInt64) -> FathomError {
        if timedOut || status == fathom_AVERROR(ETIMEDOUT) {
            return FathomError("media.timeout", "timed out after \(Self.seconds(seconds)) opening '\(source)': no data arrived; raise the timeout if the source is slow")
        }
        let code = switch status {
        case fathom_AVERROR(ENOENT), fathom_AVERROR_HTTP_NOT_FOUND(): "media.notFound"
        case fathom_AVERROR(EACCES), fathom_AVERROR(EISDIR), fathom_AVERROR(EIO), fathom_AVERROR_HTTP_FORBIDDEN(),
             fathom_AVERROR(ECONNREFUSED), fathom_AVERROR_PROTOCOL_NOT_FOUND(): "media.unreadable"
        default: "media.invalidData"
        }
        let what = code == "media.invalidData" ? "cannot open '\(source)' as a video" : "cannot open '\(source)'"
        return FFmpeg.error(code, what, status: status, owner: owner, since: mark)
    }

    private static func seconds(_ value: Double) -> String {
        String(format: "%g s", value)
    }

    /// Sources with a scheme (`https://…`, `rtsp://…`) go to FFmpeg's protocols; all else is a path.
    static func isURL(_ source: String) -> Bool {
        guard let range = source.range(of: "://") else { return false }
        let scheme = source[..<range.lowerBound]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
    }

    /// Turns the common ways a local path fails into precise errors before FFmpeg sees it.
    private static func checkLocalFile(_ path: String) throws(FathomError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errnoText()
            throw FathomError(errno == ENOENT ? "media.notFound" : "media.unreadable", "cannot open '\(path)': \(reason)")
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw FathomError("media.unreadable", "cannot open '\(path)': it is a directory, not a video file")
        }
        guard access(path, R_OK) == 0 else {
            throw FathomError("media.unreadable", "cannot open '\(path)': \(errnoText())")
        }
        if info.st_mode & S_IFMT == S_IFREG && info.st_size == 0 {
            throw FathomError("media.empty", "cannot decode '\(path)': the file is empty (0 bytes)")
        }
    }
}
