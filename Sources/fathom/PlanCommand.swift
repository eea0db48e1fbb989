import ArgumentParser
import FathomJobs
import Foundation

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Freeze a job's plan: every corpus video assigned to a shard, written to <output>/plan.json.",
        discussion: """
            Each video goes to shard SHA-256(key) mod shards, where the key is its path relative to the
            job file: the same on every machine, and adding videos never moves one already planned.
            The plan also records the job's label settings (config_sha256); 'fathom run' refuses
            settings that differ from them, so one dataset never mixes two configurations.

            'fathom run' makes the plan itself when there is none; run 'fathom plan' first when many
            tasks start at once, or to see the shard sizes.

              fathom plan Jobs/demo.yaml             make (or show) the plan
              fathom plan Jobs/demo.yaml --update    add videos new in the corpus to the plan

            Exit codes: 0 ok, 64 configuration error (job file, corpus, changed settings).
            """)

    @Argument(help: ArgumentHelp("The job file (YAML; see Jobs/demo.yaml and Schemas/job.schema.json).", valueName: "job.yaml"))
    var job: String

    @Flag(help: "Add corpus videos that are not in the plan yet (planned ones never move).")
    var update = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.bootstrap()
        try JobCommandSupport.exitingOnError {
            let spec = try JobSpec.load(job)
            let (plan, preparation) = try JobPlan.prepare(spec, update: update)
            let counts = (0 ..< plan.shardCount).map { plan.items(inShard: $0).count }
            let what = switch preparation {
            case .created: "created"
            case .loaded: "existing, unchanged"
            case .updated(let added): "updated, \(added) new item\(added == 1 ? "" : "s")"
            }
            if global.json {
                try printJSON(PlanReport(plan: JobPlan.path(in: spec.outputDirectory), state: what, job: plan.job, items: plan.items.count,
                                         shardCount: plan.shardCount, itemsPerShard: counts, configSha256: plan.configSHA256))
                return
            }
            print("\(JobPlan.path(in: spec.outputDirectory)) (\(what)): job \(plan.job), \(plan.items.count) items in \(plan.shardCount) shard(s), config \(plan.configSHA256.prefix(12))")
            for (shard, count) in counts.enumerated() { print("  shard \(shard): \(count) item\(count == 1 ? "" : "s")") }
        }
    }

    struct PlanReport: Encodable {
        var plan: String
        var state: String
        var job: String
        var items: Int
        var shardCount: Int
        var itemsPerShard: [Int]
        var configSha256: String
    }
}
