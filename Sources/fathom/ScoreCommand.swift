import ArgumentParser
import FathomCore
import FathomEngine
import FathomJobs
import FathomMedia
import Foundation

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Rate how physically consistent videos are: per clip, a 0-1 consistency score and the figures behind it.",
        discussion: """
            Each video (path, URL, directory, glob, list or manifest, as for 'fathom
            probe') is decoded into clips and run through the engine; for every clip
            it prints the score and the figures behind it, the same figures the
            engine stores as clip attributes (Schemas/README.md, "Quality figures").

            What the score means. Footage of a physical world obeys rules that do not
            depend on what it shows: every surface either moves (its colour is found
            where the motion takes it) or is covered by a nearer surface that was
            already in view. A generated video may break them: an object teleports,
            vanishes or melts into another, and one surface is replaced by another
            that comes from nowhere.

              consistency = exp(-(replacement_peak / 0.001
                                  + uncovered_hiding_peak / 0.002))

              replacement_peak       colour the motion explains in neither
                                     direction, in the worst frame pair above
                                     the clip's typical pair; 0.001 is 0.1 % of
                                     the image replaced at full contrast
              uncovered_hiding_peak  share of the image that disappears with no
                                     nearer surface in front (only where the
                                     engine has confident depth)

            1 means everything is explained; each tolerance costs a factor e (0.37).
            On Fathom's synthetic scenes at 320x240, plausible clips score a median
            0.99 (10th percentile 0.94); the same clips with an object vanishing
            score a median 0.07, teleporting 0.20 (scripts/bench.sh). The text
            output names the frames of the worst pair. Informative figures, not in
            the score: flow_inconsistency, photometric_residual (and their _peak),
            track_jump_peak, track_vanish_peak, track_survival,
            textured_track_fraction (low: tracks, focal length and plain surfaces'
            depth rest on the flow's interpolation), focal_sigma_percent (the
            spread the tracks' noise alone leaves an estimated focal length, a
            lower bound on its error), depth_coverage, depth_reprojection_px.

            As a filter: with --min-consistency 0.5, clips below 0.5 are marked
            rejected and the exit status is 1 if any is, so
              fathom score --min-consistency 0.5 clip.mp4 && keep clip.mp4
            works in a shell; with --json, select clips by their 'consistency'.
            Start around 0.5 and look at what it rejects: the score screens for
            impossible events, it does not measure visual quality. Real footage
            can also replace colour in place (a light switched on, a flash, a
            screen, splashing water, heavy motion blur), and objects passing
            through each other often look like passing behind each other: they are
            caught least.

            Exit status: 0 every clip scored (none below --min-consistency), 1 some
            clip below it, 2 some video unreadable.
            """)

    @Argument(help: ArgumentHelp("Videos, directories, globs, lists or manifests.", valueName: "video"))
    var inputs: [String]

    @Option(help: "Long side of the working frames in pixels (never upscaled).") var longSide = 320
    @Option(help: "Most frames per clip.") var clipFrames = 48
    @Option(help: "Score every k-th decoded frame.") var every = 1
    @Option(help: "Most frames per video.") var maxFrames: Int?
    @Flag(help: "Do not split clips at detected shot cuts (a generated video is one shot; a 'cut' may be a jump).") var noShots = false
    @Option(help: ArgumentHelp("Reject clips scoring below this (0-1); exit 1 if any is rejected.", valueName: "score")) var minConsistency: Double?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard longSide >= 16 else { throw ValidationError("Please give --long-side of at least 16 pixels.") }
        guard clipFrames >= 3 else { throw ValidationError("Please give --clip-frames of at least 3: the figures compare frames.") }
        guard every >= 1 else { throw ValidationError("Please give --every of at least 1.") }
        if let minConsistency, !(0 ... 1).contains(minConsistency) { throw ValidationError("Please give --min-consistency between 0 and 1.") }
    }

    func run() throws {
        global.bootstrap()
        var results: [VideoScore] = []
        var unreadable = false
        for input in inputs {
            let items: [CorpusItem]
            do { items = try CorpusSource.detect(input).items() } catch {
                printError("error: \(error.code): \(error.message)")
                results.append(VideoScore(source: input, error: error))
                unreadable = true
                continue
            }
            for item in items {
                let result = score(item)
                if let error = result.error {
                    printError("error: \(error.code): \(error.message)")
                    unreadable = true
                } else if !global.json {
                    print(render(result))
                }
                results.append(result)
            }
        }
        if global.json { try printJSON(results) }
        if unreadable { throw ExitCode(2) }
        if results.contains(where: { $0.clips.contains { $0.rejected == true } }) { throw ExitCode(1) }
    }

    private func score(_ item: CorpusItem) -> VideoScore {
        var result = VideoScore(source: item.source)
        do {
            let reader = try ClipReader(item: item, media: MediaOptions(longSide: longSide),
                                        sampling: SamplingOptions(rate: .everyKth(every), maxFrames: maxFrames),
                                        clips: ClipOptions(clipFrames: clipFrames, minClipFrames: 3, shots: ShotDetectionOptions(enabled: !noShots)))
            let engine = ClipReconstructor()
            while let clip = try reader.next() {
                var timings = StageTimings()
                let labels = engine.reconstruct(ClipInput(clip, fallbackFPS: reader.info.fps ?? 24), storeRGB: false, timings: &timings)
                result.clips.append(ClipScore(clip, labels: labels, minimum: minConsistency))
            }
            result.shotCuts = reader.summary.shotCuts.map(\.frameIndex)
        } catch {
            result.error = .init(code: error.code, message: error.message)
        }
        return result
    }

    private func render(_ result: VideoScore) -> String {
        var lines = [result.source]
        if !result.shotCuts.isEmpty { lines.append("  shot cuts at frames \(result.shotCuts.map(String.init).joined(separator: ", "))") }
        if result.clips.isEmpty { lines.append("  no clip of 3 or more frames") }
        for clip in result.clips {
            let verdict = clip.rejected.map { $0 ? "  REJECTED" : "  kept" } ?? ""
            lines.append(String(format: "  %@  frames %d-%d  consistency %.3f", clip.id, clip.firstFrame, clip.lastFrame, clip.consistency) + verdict)
            lines.append(String(format: "    replacement_peak %.5f (frames %d-%d)", clip.figures["replacement_peak"] ?? 0,
                                clip.replacementPeakFrames[0], clip.replacementPeakFrames[1])
                         + (clip.figures["uncovered_hiding_peak"].map { String(format: "  uncovered_hiding_peak %.5f", $0) } ?? ""))
            let others = clip.figures.keys.sorted().filter { !["replacement_peak", "replacement_peak_frame", "uncovered_hiding_peak"].contains($0) }
            lines.append("    " + others.map { String(format: "%@ %.4g", $0, clip.figures[$0]!) }.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}

/// One video's entry in `fathom score --json`.
private struct VideoScore: Encodable {
    var source: String
    var clips: [ClipScore] = []
    var shotCuts: [Int] = []
    var error: ErrorEntry?

    struct ErrorEntry: Encodable {
        var code: String
        var message: String
    }

    init(source: String, error: FathomError? = nil) {
        self.source = source
        self.error = error.map { ErrorEntry(code: $0.code, message: $0.message) }
    }
}

/// One clip's score and figures.
private struct ClipScore: Encodable {
    var id: String
    var firstFrame: Int
    var lastFrame: Int
    var consistency: Double
    var figures: [String: Double]
    /// The decoded frame numbers of the pair with the most replacement.
    var replacementPeakFrames: [Int]
    /// Below --min-consistency; nil without one.
    var rejected: Bool?

    init(_ clip: Clip, labels: ClipLabels, minimum: Double?) {
        id = clip.id
        firstFrame = clip.frames.first?.frameIndex ?? 0
        lastFrame = clip.frames.last?.frameIndex ?? 0
        var figures: [String: Double] = [:]
        for (name, value) in labels.quality { if case .number(let number) = value { figures[name] = number } }
        consistency = figures.removeValue(forKey: "consistency") ?? .nan
        self.figures = figures
        let worst = min(Int(figures["replacement_peak_frame"] ?? 0), max(clip.frames.count - 2, 0))
        replacementPeakFrames = [clip.frames[worst].frameIndex, clip.frames[min(worst + 1, clip.frames.count - 1)].frameIndex]
        rejected = minimum.map { consistency < $0 }
    }
}
