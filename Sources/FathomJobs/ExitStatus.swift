import FathomCore

/// The exit codes of `fathom run`, `label` and `status`: stable, documented, and chosen so a
/// scheduler can tell "retry" from "do not retry" (see Jobs/kubernetes and Jobs/slurm).
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Every item of every shard run is labelled.
    case ok = 0
    /// Shards finished, but some items failed (bad input); they are listed in each shard's
    /// retry file. Retrying the same input will not help, so schedulers should not.
    case finishedWithFailures = 3
    /// Stopped early by SIGTERM, SIGINT or SIGUSR1 (preemption, time limit, Ctrl-C), or not yet
    /// finished (`status`); rerun to resume where it stopped.
    case stoppedEarly = 4
    /// The job file, plan or command line is wrong; nothing was labelled. Fix it and rerun.
    case configurationError = 64
    /// Writing the output failed (disk full, permissions, I/O error); committed parts are kept.
    case outputError = 74
    /// Another process is running the same shard right now.
    case shardBusy = 75

    /// One line per code, for `--help` and the README.
    public static let summary = """
        0   every item labelled
        3   finished, some items failed (bad input; listed in the shard's retry.txt)
        4   stopped early by SIGTERM/SIGINT/SIGUSR1, or not finished: rerun to resume
        64  configuration error (job file, plan, or command line); nothing labelled
        74  output error (disk full, permissions); committed parts are kept, rerun after fixing
        75  the shard is being run by another process
        """
}

extension ExitStatus {
    /// The exit status for an error that ended a command: configuration problems (job file,
    /// plan, corpus, shard choice) are 64, a busy shard 75, anything about writing output 74.
    public init(error: FathomError) {
        let stage = error.code.split(separator: ".").first.map(String.init) ?? ""
        switch (stage, error.code) {
        case (_, "jobs.shardBusy"): self = .shardBusy
        case ("job", _), ("plan", _), ("corpus", _), ("media", _): self = .configurationError
        default: self = .outputError
        }
    }

    /// The status of a run over several shards: the most urgent one's.
    public static func combined(_ statuses: [ExitStatus]) -> ExitStatus {
        let order: [ExitStatus] = [.configurationError, .outputError, .shardBusy, .stoppedEarly, .finishedWithFailures, .ok]
        return order.first { statuses.contains($0) } ?? .ok
    }
}
