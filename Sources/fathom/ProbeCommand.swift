import ArgumentParser
import FathomCore
import FathomMedia
import Foundation

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show what videos hold and what Fathom would make of them: streams, working size, clips, shot cuts.",
        discussion: """
            Each argument is a video (path or http(s) URL), a directory (searched recursively for video files),
            a glob pattern, a .txt list of paths or URLs, or a .jsonl / .csv manifest (id, path, fx, fy, cx, cy,
            start, end). For every video: container, streams, duration, frame rate, rotation and codec; then
            (unless --streams-only) it decodes the video as a labelling job would and lists the clips with
            their frame ranges, the shot cuts that bound them and any stretches that could not be decoded.

            Exit status: 0 every video readable, 2 some video unreadable (its error is printed, or in the JSON).
            """)

    @Argument(help: ArgumentHelp("Videos, directories, globs, lists or manifests.", valueName: "video|corpus"))
    var inputs: [String]

    @Option(help: "Long side of the working frames in pixels (never upscaled).") var longSide = 512
    @Option(help: "Most labelled frames per clip.") var clipFrames = 48
    @Option(help: "Labelled frames between clip starts (default: --clip-frames, no overlap).") var stride: Int?
    @Option(help: "Leave out clips shorter than this.") var minClipFrames = 2
    @Option(help: "Label every k-th decoded frame.") var every: Int?
    @Option(help: "Label about this many frames per second of video (instead of --every).") var fps: Double?
    @Option(help: "Start time in seconds.") var start: Double = 0
    @Option(help: "End time in seconds.") var end: Double?
    @Option(help: "Most labelled frames per video.") var maxFrames: Int?
    @Option(help: "Decoder threads (default: number of cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Seconds to wait for a stalled source.") var timeout: Double = 30
    @Option(help: "Histogram distance (0-1) below which frames never count as a cut.") var shotThreshold = ShotDetectionOptions().minimumDistance
    @Flag(help: "Do not split clips at detected shot cuts.") var noShots = false
    @Flag(help: "Only read headers: streams, sizes, rotation; no decoding.") var streamsOnly = false

    @OptionGroup var global: GlobalOptions

    var media: MediaOptions { MediaOptions(longSide: longSide, threads: threads, timeoutSeconds: timeout) }
    var sampling: SamplingOptions {
        SamplingOptions(rate: fps.map { .targetFPS($0) } ?? .everyKth(every ?? 1), startSeconds: start, endSeconds: end, maxFrames: maxFrames)
    }
    var clips: ClipOptions {
        ClipOptions(clipFrames: clipFrames, stride: stride, minClipFrames: minClipFrames,
                    shots: ShotDetectionOptions(enabled: !noShots, minimumDistance: shotThreshold))
    }

    func validate() throws {
        if every != nil && fps != nil { throw ValidationError("Please give --every or --fps, not both.") }
        do {
            try media.validate()
            try sampling.validate()
            try clips.validate()
        } catch {
            throw ValidationError("Please check the options: \(error.message).")
        }
    }

    func run() throws {
        global.bootstrap()
        var results: [ProbeResult] = []
        var failed = false
        for input in inputs {
            let items: [CorpusItem]
            do { items = try CorpusSource.detect(input).items() } catch {
                printError("error: \(error)")
                results.append(ProbeResult(source: input, error: error))
                failed = true
                continue
            }
            for item in items {
                let result = probe(item)
                if let error = result.error {
                    printError("error: \(error.code): \(error.message)")
                    failed = true
                } else if !global.json {
                    print(render(result))
                }
                results.append(result)
            }
        }
        if global.json { try printJSON(results) }
        if failed { throw ExitCode(2) }
    }

    private func probe(_ item: CorpusItem) -> ProbeResult {
        do {
            if streamsOnly { return ProbeResult(source: item.source, info: try VideoProbe.probe(item.source, options: media)) }
            let plan = try ClipReader(item: item, media: media, sampling: sampling, clips: clips).plan()
            return ProbeResult(source: item.source, info: plan.info, plan: plan)
        } catch {
            return ProbeResult(source: item.source, error: error)
        }
    }

    private func render(_ result: ProbeResult) -> String {
        guard let info = result.info else { return result.source }
        var lines = [info.source]
        let duration = info.durationSeconds.map { String(format: ", %.2f s", $0) } ?? ""
        let rate = info.bitRate.map { String(format: ", %.2f Mb/s", Double($0) / 1e6) } ?? ""
        lines.append("  container  \(info.container)\(duration)\(rate)")
        for stream in info.streams {
            var text = "\(stream.kind) \(stream.codec)"
            if let size = stream.size { text += " \(size)" }
            if stream.index == info.videoStream {
                text += " \(info.pixelFormat) \(info.bitDepth)-bit"
                if let fps = info.fps { text += String(format: ", %.3g fps", fps) }
                if let frames = info.frameCount { text += " (\(frames) frames)" }
                if info.rotation != 0 { text += ", rotated \(info.rotation)° clockwise for display" }
                if info.sampleAspectRatio != 1 { text += String(format: ", pixel aspect %.3f", info.sampleAspectRatio) }
            }
            if let rate = stream.sampleRate, let channels = stream.channels { text += " \(rate) Hz \(channels) ch" }
            if stream.isAttachedPicture { text += " (attached picture)" }
            if !stream.decodable { text += " (no decoder)" }
            lines.append("  stream \(stream.index)   \(text)")
        }
        lines.append("  working    \(info.workingSize(longSide: longSide)) (long side \(longSide); shown as \(info.displaySize))")
        guard let plan = result.plan else { return lines.joined(separator: "\n") }
        let summary = plan.summary
        let cuts = summary.shotCuts.isEmpty ? "no shot cuts"
            : "shot cuts at frame\(summary.shotCuts.count == 1 ? "" : "s") \(summary.shotCuts.map { "\($0.frameIndex)" }.joined(separator: ", "))"
        lines.append("  decoded    \(summary.framesDecoded) frames, \(summary.framesSampled) labelled, \(cuts), \(summary.gaps.count) gap\(summary.gaps.count == 1 ? "" : "s")")
        for gap in summary.gaps {
            let span = "\(gap.afterFrame.map(String.init) ?? "start")–\(gap.beforeFrame.map(String.init) ?? "end")"
            lines.append("  gap        between frames \(span): \(gap.reason)")
        }
        lines.append("  clips      \(plan.clips.count) (\(summary.framesInClips) labelled frames\(summary.framesLeftOut > 0 ? ", \(summary.framesLeftOut) left out" : ""))")
        for clip in plan.clips {
            lines.append(String(format: "    %@  frames %d–%d (%d)  %.3f–%.3f s  shot %d, %@", clip.id, clip.firstFrame, clip.lastFrame, clip.frames,
                                clip.startSeconds, clip.endSeconds, clip.shot, clip.start.rawValue))
        }
        return lines.joined(separator: "\n")
    }
}

/// One video's entry in `fathom probe --json`.
private struct ProbeResult: Encodable {
    var source: String
    var info: VideoInfo?
    var plan: ClipPlan?
    var error: ErrorEntry?

    struct ErrorEntry: Encodable {
        var code: String
        var message: String
    }

    init(source: String, info: VideoInfo? = nil, plan: ClipPlan? = nil) {
        self.source = source
        self.info = info
        self.plan = plan
    }

    init(source: String, error: FathomError) {
        self.source = source
        self.error = ErrorEntry(code: error.code, message: error.message)
    }

    private enum CodingKeys: String, CodingKey { case source, info, clips, summary, error }

    /// `info`, `summary` and `clips` at the top level of each entry, not nested in a plan.
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encodeIfPresent(info, forKey: .info)
        try container.encodeIfPresent(plan?.summary, forKey: .summary)
        try container.encodeIfPresent(plan?.clips, forKey: .clips)
        try container.encodeIfPresent(error, forKey: .error)
    }
}
