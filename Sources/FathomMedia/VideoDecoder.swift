import CFFmpeg
import FathomCore
import Foundation

/// Decodes the best video stream of a `MediaFile` into frames, in presentation order, with their
/// frame index and timestamp, and records what it could not decode as `DecodeGap`s.
///
/// Frame-threaded (and slice-threaded) decoding with `threads` threads. Frame indices count the
/// frames the decoder delivers, from 0; timestamps are `best_effort_timestamp × time_base` from
/// the stream's start, so variable frame rate video keeps its true times. `AVERROR(EAGAIN)` and
/// `AVERROR_EOF` are states of the send/receive loop, not errors.
///
/// Gaps come from two signals: packets or frames the decoder rejects or flags corrupt (with
/// frame threading these surface a few frames early), and a stream that ends well before its
/// stated duration (a truncated file whose index survived). Longer steps between timestamps are
/// not taken as gaps: containers often state a constant rate for variable frame rate video.
final class VideoDecoder {
    /// Errors tolerated before the first frame: past this, the stream is taken as undecodable.
    private static let maxErrorsBeforeFirstFrame = 64

    let file: MediaFile
    let streamIndex: Int
    let context: UnsafeMutablePointer<AVCodecContext>
    /// Frames per second the container states (average, else base rate); 25 when it says nothing.
    let nominalFPS: Double
    /// The stream's stated duration in seconds, when the container gives one.
    private let statedDuration: Double?
    private let timeBase: Double
    private let startPTS: Int64
    private let packet = Packet()
    private let frame = Frame()
    private var inputEnded = false
    private var finished = false
    private(set) var framesDecoded = 0
    private(set) var gaps: [DecodeGap] = []
    private var openGap: DecodeGap?
    private var lastTimestamp: Double?
    private var markAtLastFrame: UInt64 = 0

    init(file: MediaFile, threads: Int) throws(FathomError) {
        self.file = file
        let mark = FFmpegLog.mark
        let (index, decoder) = try file.bestVideoStream()
        streamIndex = index
        let stream = file.stream(index)
        for other in 0 ..< file.streamCount where other != index {
            file.stream(other).pointee.discard = AVDISCARD_ALL
        }
        timeBase = av_q2d(stream.pointee.time_base)
        startPTS = stream.pointee.start_time == fathom_AV_NOPTS_VALUE() ? 0 : stream.pointee.start_time
        nominalFPS = FFmpeg.rate(stream.pointee.avg_frame_rate) ?? FFmpeg.rate(stream.pointee.r_frame_rate) ?? 25
        let duration = stream.pointee.duration
        statedDuration = duration > 0 && duration != fathom_AV_NOPTS_VALUE() ? Double(duration) * timeBase : nil

        guard let context = avcodec_alloc_context3(decoder) else { fatalError("avcodec_alloc_context3: out of memory") }
        self.context = context
        MediaDiagnostics.opened()
        let copied = avcodec_parameters_to_context(context, stream.pointee.codecpar)
        guard copied >= 0 else {
            throw file.error("media.invalidData", "cannot read the codec parameters of '\(file.source)'", status: copied, since: mark)
        }
        context.pointee.pkt_timebase = stream.pointee.time_base
        context.pointee.thread_count = Int32(threads)
        context.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        context.pointee.opaque = file.log.opaque
        let opened = avcodec_open2(context, decoder, nil)
        guard opened >= 0 else {
            let code = opened == fathom_AVERROR_PATCHWELCOME() || opened == fathom_AVERROR(ENOSYS) ? "media.unsupportedCodec" : "media.invalidData"
            throw file.error(code, "cannot start the \(FFmpeg.codecName(context.pointee.codec_id)) decoder for '\(file.source)'", status: opened, since: mark)
        }
        markAtLastFrame = FFmpegLog.mark
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&context)
        MediaDiagnostics.closed()
    }

    /// Decodes the next frame and lends it to `body` (valid only inside it) with its index,
    /// timestamp, and the gap just before it if there was one. `nil` at the end of the stream.
    func next<R>(_ body: (UnsafePointer<AVFrame>, DecodedPicture) throws(FathomError) -> R) throws(FathomError) -> R? {
        while !finished {
            let status = avcodec_receive_frame(context, frame.pointer)
            if status >= 0 {
                defer { av_frame_unref(frame.pointer) }
                guard frame.pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT == 0, frame.pointer.pointee.decode_error_flags == 0 else {
                    try noteError("the decoder marked frame \(framesDecoded) corrupt and concealed its errors")
                    continue
                }
                let time = timestamp(of: frame.pointer)
                let picture = DecodedPicture(index: framesDecoded, timestamp: time, gapBefore: closeGap(before: framesDecoded, at: time))
                framesDecoded += 1
                lastTimestamp = picture.timestamp
                markAtLastFrame = FFmpegLog.mark
                return try body(frame.pointer, picture)
            } else if status == fathom_AVERROR_EAGAIN() {
                try feed()
            } else if status == fathom_AVERROR_EOF() {
                finished = true
            } else if status == fathom_AVERROR_INVALIDDATA() {
                try noteError(nil)
            } else {
                throw decodeError(status)
            }
        }
        noteEarlyEnd()
        if let gap = openGap {
            gaps.append(gap)
            openGap = nil
        }
        guard framesDecoded > 0 else {
            if let gap = gaps.last {
                throw FathomError("media.invalidData", "cannot decode any frame of '\(file.source)' (\(gap.errors) decoder error\(gap.errors == 1 ? "" : "s")); FFmpeg said: \"\(gap.reason)\"")
            }
            throw FathomError("media.empty", "'\(file.source)' has a \(FFmpeg.codecName(context.pointee.codec_id)) video stream but no frames in it")
        }
        return nil
    }

    /// Sends the next packet of the video stream to the decoder, or the end-of-stream flush.
    private func feed() throws(FathomError) {
        precondition(!inputEnded, "the decoder asked for input after the flush")
        while true {
            let hasPacket: Bool
            do {
                hasPacket = try file.read(into: packet)
            } catch where error.code == "media.invalidData" && framesDecoded > 0 {
                // A damaged tail: keep what decoded and record the rest as a gap.
                recordInGap(error.message, errors: 1)
                hasPacket = false
            }
            guard hasPacket else {
                avcodec_send_packet(context, nil)
                inputEnded = true
                return
            }
            defer { av_packet_unref(packet.pointer) }
            guard packet.pointer.pointee.stream_index == Int32(streamIndex) else { continue }
            let status = avcodec_send_packet(context, packet.pointer)
            if status >= 0 || status == fathom_AVERROR_EAGAIN() { return }
            if status == fathom_AVERROR_INVALIDDATA() { return try noteError(nil) }
            throw decodeError(status)
        }
    }

    /// Records a decoder error in the open gap (opening one if needed), or gives up when nothing
    /// has decoded after many errors.
    private func noteError(_ reason: String?) throws(FathomError) {
        let said = reason ?? FFmpegLog.lastLine(owner: file.log, since: markAtLastFrame) ?? "the decoder rejected a packet (AVERROR_INVALIDDATA)"
        recordInGap(said, errors: 1)
        if framesDecoded == 0 && openGap!.errors > Self.maxErrorsBeforeFirstFrame {
            throw FathomError("media.invalidData", "cannot decode frame 0 of '\(file.source)' (\(openGap!.errors) decoder errors, AVERROR_INVALIDDATA); FFmpeg said: \"\(said)\"")
        }
    }

    /// Opens a gap at the end when the stream stops more than a frame and a half before its stated duration.
    private func noteEarlyEnd() {
        guard let statedDuration, let last = lastTimestamp, statedDuration - (last + 1 / nominalFPS) > 1.5 / nominalFPS else { return }
        recordInGap("the video stops at \(Self.seconds(last)) but its stream lasts \(Self.seconds(statedDuration)): the file is truncated or its end unreadable",
                    errors: 0)
    }

    /// Counts `errors` in the open gap, first opening one after the last good frame, for `reason`.
    private func recordInGap(_ reason: @autoclosure () -> String, errors: Int) {
        if openGap == nil {
            openGap = DecodeGap(afterFrame: framesDecoded > 0 ? framesDecoded - 1 : nil, beforeFrame: nil,
                                startSeconds: lastTimestamp, endSeconds: nil, errors: 0, reason: reason())
        }
        openGap!.errors += errors
    }

    private static func seconds(_ value: Double) -> String {
        String(format: "%.3f s", value)
    }

    private func closeGap(before index: Int, at time: Double) -> DecodeGap? {
        guard var gap = openGap else { return nil }
        gap.beforeFrame = index
        gap.endSeconds = time
        gaps.append(gap)
        openGap = nil
        return gap
    }

    private func timestamp(of frame: UnsafePointer<AVFrame>) -> Double {
        let pts = frame.pointee.best_effort_timestamp
        guard pts != fathom_AV_NOPTS_VALUE() else { return (lastTimestamp.map { $0 + 1 / nominalFPS }) ?? 0 }
        return Double(pts - startPTS) * timeBase
    }

    private func decodeError(_ status: Int32) -> FathomError {
        let code = status == fathom_AVERROR_PATCHWELCOME() || status == fathom_AVERROR(ENOSYS) ? "media.unsupportedCodec" : "media.invalidData"
        return file.error(code, "cannot decode frame \(framesDecoded) of '\(file.source)'", status: status, since: markAtLastFrame)
    }
}

/// What the decoder knows about the frame it lends: its place in the video.
struct DecodedPicture {
    var index: Int
    var timestamp: Double
    var gapBefore: DecodeGap?
}
