import ArgumentParser
import FathomJobs
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Label a job's shards: resumable, one writer per part file, bit-identical whatever the worker count.",
        discussion: """
            Which shards: --shard I, or --shards all / 0,3,5-7; otherwise the array-task index a scheduler
            sets (\(ShardSelection.environmentVariables.joined(separator: ", "))), plus --shard-offset;
            otherwise every shard, one after another.

            Output, per shard, in <output>/shard-NNNN/: part files shard-NNNN-part-MMMM.h5 (each appears under
            its name only when complete), journal.jsonl (what is committed), retry.txt (failed videos, with
            reasons), and done.json (written last, when every video is labelled or failed).

            Rerunning after a crash, kill -9 or preemption resumes: committed clips are kept, temporary
            files discarded, the rest redone; every clip ends up exactly once. SIGTERM, SIGINT and SIGUSR1
            stop it cleanly: no new videos, clips in flight are committed (or, after --stop-grace seconds
            or a second signal, discarded), exit 4.

              fathom run Jobs/demo.yaml                       every shard on this machine
              fathom run job.yaml --shard 3 --workers 8       one shard
              SLURM_ARRAY_TASK_ID=3 fathom run job.yaml       what Jobs/slurm/fathom-array.sbatch does
              fathom run job.yaml --shard 3 --retry-failed    retry the videos in shard-0003/retry.txt

            Exit codes:
            \(ExitStatus.summary)
            """)

    @Argument(help: ArgumentHelp("The job file (YAML; see Jobs/demo.yaml).", valueName: "job.yaml"))
    var job: String

    @Option(help: "Run this shard only.") var shard: Int?
    @Option(help: ArgumentHelp("Shards to run: all, or a list like 0,3,5-7.", valueName: "list")) var shards: String?
    @Option(help: "Added to the scheduler's task index (for arrays smaller than the shard count).") var shardOffset = 0
    @Option(help: "Engine worker threads (default: the job's 'workers').") var workers: Int?
    @Flag(help: "Also rerun videos that failed before.") var retryFailed = false
    @Option(help: "Seconds to let clips in flight finish after a stop signal before discarding them.") var stopGrace: Double = 20

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let workers, !(1 ... 256).contains(workers) { throw ValidationError("--workers must be 1-256 (got \(workers)).") }
        guard stopGrace >= 0 && stopGrace <= 25 else { throw ValidationError("--stop-grace must be 0-25 s, so a stop ends within 30 s (got \(stopGrace)).") }
    }

    func run() throws {
        global.bootstrap()
        try JobCommandSupport.exitingOnError {
            let spec = try JobSpec.load(job)
            let (plan, _) = try JobPlan.prepare(spec)
            let chosen = try ShardSelection.resolve(shard: shard, shards: shards, offset: shardOffset, environment: ProcessInfo.processInfo.environment,
                                                    count: plan.shardCount)
            try JobCommandSupport.run(spec, plan: plan, shards: chosen, workers: workers ?? spec.workers, retryFailed: retryFailed,
                                      graceSeconds: stopGrace, json: global.json)
        }
    }
}
