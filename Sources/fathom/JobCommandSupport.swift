import ArgumentParser
import FathomCore
import FathomJobs
import Foundation

/// What the job commands (plan, run, label, status, index) share: reading a job, reporting an
/// error with the documented exit code, and printing shard results.
enum JobCommandSupport {
    /// Runs `body`; a `FathomError` is printed to stderr and becomes its documented exit code.
    static func exitingOnError(_ body: () throws -> Void) throws {
        do { try body() } catch let error as FathomError {
            printError("error: \(error)")
            throw ExitCode(ExitStatus(error: error).rawValue)
        }
    }

    /// A job file's output directory, or the directory itself when given one.
    static func outputDirectory(_ jobOrDirectory: String) throws -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: jobOrDirectory, isDirectory: &isDirectory), isDirectory.boolValue { return jobOrDirectory }
        return try JobSpec.load(jobOrDirectory).outputDirectory
    }

    /// One line per shard for people.
    static func describe(_ stats: ShardStats) -> String {
        let state = !stats.isComplete ? "stopped, \(stats.itemsPending) item(s) left" : stats.itemsFailed > 0 ? "done with failures" : "done"
        var line = "shard \(stats.shard): \(state): \(stats.itemsOk)/\(stats.itemsPlanned) items ok, \(stats.itemsFailed) failed, "
            + "\(stats.clips) clips, \(stats.frames) frames, \(stats.parts) part(s), \(String(format: "%.2f", Double(stats.bytes) / 1e6)) MB"
        if stats.run.frames > 0 {
            let total = stats.run.stageSeconds.values.reduce(0, +)
            let shares = stats.run.stageSeconds.sorted { $0.key < $1.key }.map { "\($0.key) \(Int(($0.value / max(total, 1e-9) * 100).rounded()))%" }
            line += String(format: "; this run %.1f s, %.1f frames/s (%@)", stats.run.seconds, stats.run.framesPerSecond, shares.joined(separator: ", "))
        } else if stats.itemsSkipped == stats.itemsPlanned {
            line += "; nothing to do"
        }
        for failure in stats.failures { line += "\n  failed \(failure.item): \(failure.code): \(failure.message)" }
        return line
    }

    /// Runs the chosen shards with signal handling and progress, prints results, and exits
    /// with the run's status.
    static func run(_ spec: JobSpec, plan: JobPlan, shards: [Int], workers: Int, retryFailed: Bool, graceSeconds: Double, json: Bool) throws {
        let stop = StopSignal(graceSeconds: graceSeconds)
        stop.install()
        let progress = ProgressReporter.automatic(interval: spec.progressSeconds)
        let results = try JobRun.run(spec, plan: plan, shards: shards, workers: workers, retryFailed: retryFailed, stop: stop, progress: progress) { stats in
            if !json { print(describe(stats)) }
        }
        let status = JobRun.exitStatus(results, chosen: shards.count)
        if json {
            try printJSON(RunReport(output: spec.outputDirectory, exitCode: status.rawValue, shards: results))
        } else if let reason = stop.requested {
            print("stopped by \(reason) after \(results.count) of \(shards.count) shard(s); rerun the same command to resume")
        }
        if status != .ok { throw ExitCode(status.rawValue) }
    }

    struct RunReport: Encodable {
        var output: String
        var exitCode: Int32
        var shards: [ShardStats]
    }
}
