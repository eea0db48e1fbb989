import FathomCore

/// Runs chosen shards of a job one after another (each with `workers` engine threads), until
/// all are done or a stop is requested.
public enum JobRun {
    public static func run(_ spec: JobSpec, plan: JobPlan, shards: [Int], workers: Int, retryFailed: Bool, stop: StopSignal,
                           progress: ProgressReporter, onShard: (ShardStats) -> Void = { _ in }) throws(FathomError) -> [ShardStats] {
        var results: [ShardStats] = []
        for shard in shards {
            guard stop.requested == nil else { break }
            let stats = try ShardRunner(spec: spec, plan: plan, shard: shard, workers: workers, retryFailed: retryFailed, stop: stop,
                                        progress: progress).run()
            results.append(stats)
            onShard(stats)
        }
        return results
    }

    /// The exit status of a run: stopped early if a stop left any chosen shard unrun or unfinished.
    public static func exitStatus(_ results: [ShardStats], chosen: Int) -> ExitStatus {
        ExitStatus.combined(results.map(\.exitStatus) + (results.count < chosen ? [.stoppedEarly] : []))
    }
}
