import FathomCore
import Foundation

/// Progress of a whole job, gathered from the shards' journals (no shard needs to be running):
/// what `fathom status` shows.
public struct JobStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case notStarted = "not_started"
        /// A process holds the shard's lock now.
        case running
        /// Started, not finished, nobody running it: stopped or killed; rerun it.
        case stopped
        case done
        case doneWithFailures = "done_with_failures"
    }

    public struct Shard: Codable, Sendable, Equatable {
        public var shard: Int
        public var state: State
        public var planned: Int
        public var ok: Int
        public var failed: Int
        public var pending: Int
        public var clips: Int
        public var frames: Int
        public var parts: Int
        public var bytes: Int
    }

    public var job: String
    public var output: String
    public var configSHA256: String
    public var shardCount: Int
    public var planned: Int
    public var ok: Int
    public var failed: Int
    public var pending: Int
    public var clips: Int
    public var frames: Int
    public var bytes: Int
    public var shards: [Shard]

    /// Reads the plan and every shard's journal under `output`.
    public init(output: String) throws(FathomError) {
        let plan = try JobPlan.load(JobPlan.path(in: output))
        var shards: [Shard] = []
        for index in 0 ..< plan.shardCount {
            let directory = ShardDirectory(output: output, index: index)
            let state = ShardState(try ShardJournal.read(directory.journal))
            let planned = plan.items(inShard: index)
            let outcomes = planned.compactMap { state.outcomes[$0.key] }
            let failed = outcomes.filter(\.failed).count
            let pending = planned.count - outcomes.count
            let started = FileManager.default.fileExists(atPath: directory.journal)
            let shardState: State = ShardLock.isHeld(directory.lock) ? .running
                : pending == 0 && (started || planned.isEmpty) ? (failed > 0 ? .doneWithFailures : .done)
                : started ? .stopped : .notStarted
            shards.append(Shard(shard: index, state: shardState, planned: planned.count, ok: outcomes.count - failed, failed: failed, pending: pending,
                                clips: state.clips, frames: state.frames, parts: state.parts.count, bytes: state.bytes))
        }
        job = plan.job
        self.output = output
        configSHA256 = plan.configSHA256
        shardCount = plan.shardCount
        self.shards = shards
        planned = shards.reduce(0) { $0 + $1.planned }
        ok = shards.reduce(0) { $0 + $1.ok }
        failed = shards.reduce(0) { $0 + $1.failed }
        pending = shards.reduce(0) { $0 + $1.pending }
        clips = shards.reduce(0) { $0 + $1.clips }
        frames = shards.reduce(0) { $0 + $1.frames }
        bytes = shards.reduce(0) { $0 + $1.bytes }
    }

    /// 0 when every item is labelled, 3 when all are done but some failed, 4 while any is pending.
    public var exitStatus: ExitStatus { pending > 0 ? .stoppedEarly : failed > 0 ? .finishedWithFailures : .ok }
}
