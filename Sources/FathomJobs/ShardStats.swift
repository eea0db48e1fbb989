import FathomCore

/// What a shard holds and what its last run did: the completion marker's contents (`done.json`,
/// written last, only when every planned item is labelled or failed) and the run's summary.
public struct ShardStats: Codable, Sendable, Equatable {
    public var job: String
    public var shard: Int
    public var shardCount: Int
    public var configSHA256: String
    /// Items the plan gives this shard.
    public var itemsPlanned: Int
    /// Items labelled, over all runs.
    public var itemsOk: Int
    /// Items that failed (listed in retry.txt), with their reasons.
    public var itemsFailed: Int
    public var failures: [Failure]
    /// Items this run left alone because an earlier run finished them.
    public var itemsSkipped: Int
    /// Items neither labelled nor failed yet (non-zero only after an early stop).
    public var itemsPending: Int
    /// Clips, frames, part files and bytes committed, over all runs.
    public var clips: Int
    public var frames: Int
    public var parts: Int
    public var bytes: Int
    /// This run: wall-clock seconds, what it labelled, and where the time went.
    public var run: RunFigures
    public var finishedUTC: String

    public struct Failure: Codable, Sendable, Equatable {
        public var item: String
        public var code: String
        public var message: String
    }

    public struct RunFigures: Codable, Sendable, Equatable {
        public var seconds: Double
        public var clips: Int
        public var frames: Int
        public var framesPerSecond: Double
        /// Summed seconds per stage over workers: decode, the engine's stages, write.
        public var stageSeconds: [String: Double]
        public var workers: Int
    }

    public var isComplete: Bool { itemsPending == 0 }
    public var exitStatus: ExitStatus { !isComplete ? .stoppedEarly : itemsFailed > 0 ? .finishedWithFailures : .ok }
}
