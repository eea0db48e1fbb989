import ArgumentParser
import FathomCore
import FathomJobs
import FathomShards
import FathomVision
import Foundation

struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Label videos without writing a job file: the job runner with defaults, for a quick start and scripts.",
        discussion: """
            Writes the job file it used to <out>/job.yaml (edit it and use 'fathom run' for more control),
            the plan, and the shards, exactly as 'fathom run' does; rerunning the same command resumes.

              fathom label clip.mp4 --out labels/
              fathom label videos/ more.txt --out labels/ --shards 4 --workers 2
              fathom label corpus.jsonl --out labels/ --long-side 320 --clip-frames 24

            Exit codes:
            \(ExitStatus.summary)
            """)

    @Argument(help: ArgumentHelp("Videos, directories, globs, lists or manifests (as 'fathom probe' reads them).", valueName: "video|dir|list"))
    var inputs: [String]

    @Option(help: "Output directory (created if missing).") var out: String
    @Option(help: "Job name written into the shards.") var name = "label"
    @Option(help: "Number of shards.") var shards = 1
    @Option(help: "Engine worker threads.") var workers = JobSpec.defaultWorkers
    @Option(help: "Long side of the labelled frames in pixels.") var longSide = 512
    @Option(help: "Most labelled frames per clip.") var clipFrames = 48
    @Option(help: "Label every k-th decoded frame.") var every = 1
    @Option(help: "Optical flow preset: fast, balanced or quality.") var flowPreset: OpticalFlowOptions.Preset = .fast
    @Option(help: "Depth precision: float16 or float32.") var depthDtype: ShardWriterOptions.DepthPrecision = .float16
    @Flag(help: "Do not store the video frames in the shards.") var noRGB = false
    @Option(help: "Seconds to let clips in flight finish after a stop signal before discarding them.") var stopGrace: Double = 20

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1 ... 100_000).contains(shards), (1 ... 256).contains(workers) else {
            throw ValidationError("--shards must be 1-100000 and --workers 1-256 (got \(shards), \(workers)).")
        }
        guard longSide >= 16, clipFrames >= 2, every >= 1 else {
            throw ValidationError("--long-side must be ≥ 16, --clip-frames ≥ 2 and --every ≥ 1 (got \(longSide), \(clipFrames), \(every)).")
        }
        guard stopGrace >= 0 && stopGrace <= 25 else { throw ValidationError("--stop-grace must be 0-25 s (got \(stopGrace)).") }
    }

    func run() throws {
        global.bootstrap()
        try JobCommandSupport.exitingOnError {
            let cwd = FileManager.default.currentDirectoryPath
            let absolute = { (path: String) in path.hasPrefix("/") || path.contains("://") ? path : ((cwd as NSString).appendingPathComponent(path) as NSString).standardizingPath }
            let folder = absolute(out)
            var spec = JobSpec(name: name, corpus: inputs.map(absolute), output: ".", baseDirectory: folder)
            spec.shards = shards
            spec.workers = workers
            spec.media.longSide = longSide
            spec.clips.clipFrames = clipFrames
            spec.sampling.rate = .everyKth(every)
            spec.engine.options.flowPreset = flowPreset
            spec.labels = ShardWriterOptions(compressionLevel: spec.labels.compressionLevel, depthPrecision: depthDtype, storeRGB: !noRGB)
            let (plan, _) = try JobPlan.prepare(spec)
            let jobFile = (folder as NSString).appendingPathComponent("job.yaml")
            try AtomicFile.write(Array(spec.yaml(comment: "Written by 'fathom label'; rerun with: fathom run \(jobFile)").utf8), to: jobFile)
            try JobCommandSupport.run(spec, plan: plan, shards: Array(0 ..< plan.shardCount), workers: workers, retryFailed: false,
                                      graceSeconds: stopGrace, json: global.json)
        }
    }
}

extension OpticalFlowOptions.Preset: ExpressibleByArgument {}
