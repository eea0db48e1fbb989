import ArgumentParser
import FathomJobs
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a job's progress across all shards, from their journals (while running or after).",
        discussion: """
            Per shard: not_started, running (a process holds its lock), stopped (started, unfinished, nobody
            running it: rerun it), done, or done_with_failures; with items ok / failed / pending, clips,
            frames and bytes committed.

              fathom status Jobs/demo.yaml
              fathom status demo-out/labels --json

            Exit codes: 0 every item labelled, 3 all done but some failed, 4 items pending,
            64 no plan or bad job file.
            """)

    @Argument(help: ArgumentHelp("The job file, or its output directory.", valueName: "job.yaml|dir"))
    var job: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.bootstrap()
        try JobCommandSupport.exitingOnError {
            let status = try JobStatus(output: JobCommandSupport.outputDirectory(job))
            if global.json {
                try printJSON(status)
            } else {
                print("job \(status.job) in \(status.output): \(status.ok)/\(status.planned) items ok, \(status.failed) failed, \(status.pending) pending; "
                    + "\(status.clips) clips, \(status.frames) frames, \(String(format: "%.2f", Double(status.bytes) / 1e6)) MB")
                print("shard  state                planned     ok  failed  pending   clips   frames  parts")
                for shard in status.shards {
                    print(String(format: "%5d  %@ %7d %6d %7d %8d %7d %8d %6d", shard.shard, shard.state.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0),
                                 shard.planned, shard.ok, shard.failed, shard.pending, shard.clips, shard.frames, shard.parts))
                }
            }
            if status.exitStatus != .ok { throw ExitCode(status.exitStatus.rawValue) }
        }
    }
}
