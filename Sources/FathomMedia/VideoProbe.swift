import CFFmpeg
import FathomCore

/// Reads what a video holds from its headers, without decoding frames: streams, codec, sizes,
/// rotation, frame rate, duration.
public enum VideoProbe {
    /// Opens `source` (a path or URL) and describes it; throws `media.*` errors naming the file.
    public static func probe(_ source: String, options: MediaOptions = MediaOptions()) throws(FathomError) -> VideoInfo {
        try options.validate()
        let file = try MediaFile(source: source, timeoutSeconds: options.timeoutSeconds)
        return try info(of: file, videoStream: file.bestVideoStream().index)
    }

    static func info(of file: MediaFile, videoStream index: Int) -> VideoInfo {
        let context = file.context.pointee
        let video = file.stream(index)
        let parameters = video.pointee.codecpar.pointee
        let format = AVPixelFormat(rawValue: parameters.format)
        let sar = av_guess_sample_aspect_ratio(file.context, video, nil)
        return VideoInfo(
            source: file.source,
            container: context.iformat.map { String(cString: $0.pointee.name) } ?? "unknown",
            durationSeconds: context.duration > 0 ? Double(context.duration) / Double(fathom_AV_TIME_BASE()) : nil,
            bitRate: context.bit_rate > 0 ? Int(context.bit_rate) : nil,
            streams: (0 ..< file.streamCount).map { streamInfo(file.stream($0)) },
            videoStream: index,
            codec: FFmpeg.codecName(parameters.codec_id),
            pixelFormat: FFmpeg.pixelFormatName(parameters.format),
            bitDepth: av_pix_fmt_desc_get(format).map { Int($0.pointee.comp.0.depth) } ?? 8,
            storedSize: FrameSize(width: Int(parameters.width), height: Int(parameters.height)),
            sampleAspectRatio: sar.num > 0 && sar.den > 0 ? av_q2d(sar) : 1,
            rotation: rotation(of: video),
            fps: FFmpeg.rate(video.pointee.avg_frame_rate),
            baseFPS: FFmpeg.rate(video.pointee.r_frame_rate),
            frameCount: video.pointee.nb_frames > 0 ? Int(video.pointee.nb_frames) : nil)
    }

    /// Degrees clockwise a player turns the picture: the display matrix's counter-clockwise
    /// angle, negated and snapped to a quarter turn (as FFmpeg's own autorotation does).
    static func rotation(of stream: UnsafeMutablePointer<AVStream>) -> Int {
        var size = 0
        guard let matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 9 * MemoryLayout<Int32>.size else { return 0 }
        let counterClockwise = matrix.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard counterClockwise.isFinite else { return 0 }
        let quarters = Int((-counterClockwise / 90).rounded())
        return ((quarters % 4 + 4) % 4) * 90
    }

    private static func streamInfo(_ stream: UnsafeMutablePointer<AVStream>) -> StreamInfo {
        let parameters = stream.pointee.codecpar.pointee
        let isVideo = parameters.codec_type == AVMEDIA_TYPE_VIDEO
        let isAudio = parameters.codec_type == AVMEDIA_TYPE_AUDIO
        let duration = stream.pointee.duration
        return StreamInfo(
            index: Int(stream.pointee.index),
            kind: av_get_media_type_string(parameters.codec_type).map { String(cString: $0) } ?? "unknown",
            codec: FFmpeg.codecName(parameters.codec_id),
            decodable: avcodec_find_decoder(parameters.codec_id) != nil,
            size: isVideo ? FrameSize(width: Int(parameters.width), height: Int(parameters.height)) : nil,
            fps: isVideo ? FFmpeg.rate(stream.pointee.avg_frame_rate) : nil,
            sampleRate: isAudio ? Int(parameters.sample_rate) : nil,
            channels: isAudio ? Int(parameters.ch_layout.nb_channels) : nil,
            durationSeconds: duration > 0 && duration != fathom_AV_NOPTS_VALUE() ? Double(duration) * av_q2d(stream.pointee.time_base) : nil,
            isAttachedPicture: stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0)
    }
}
