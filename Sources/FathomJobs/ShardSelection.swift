import FathomCore

/// Which shards a `fathom run` process labels: named on the command line, or one shard per
/// task of a scheduler's array job, from the index the scheduler puts in the environment.
public enum ShardSelection {
    /// Array-task index variables, in the order they are looked for: Slurm job arrays,
    /// Kubernetes Indexed Jobs, AWS Batch array jobs, Google Cloud Batch.
    public static let environmentVariables = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX", "BATCH_TASK_INDEX"]

    /// The shards to run, in order. `shards` is "all" or a list like "0,3,5-7"; without either
    /// flag the scheduler's index (plus `offset`, for arrays capped below the shard count)
    /// picks one shard, and without that every shard runs, one after another.
    public static func resolve(shard: Int?, shards: String?, offset: Int, environment: [String: String], count: Int) throws(FathomError) -> [Int] {
        func check(_ index: Int, _ origin: String) throws(FathomError) -> Int {
            guard (0 ..< count).contains(index) else {
                throw FathomError("job.badShard", "shard \(index) (\(origin)) is outside the plan's \(count) shard\(count == 1 ? "" : "s"), 0-\(count - 1)")
            }
            return index
        }
        if shard != nil && shards != nil { throw FathomError("job.badShard", "give --shard or --shards, not both") }
        if let shard { return [try check(shard, "from --shard")] }
        if let shards { return try parse(shards, count: count).map { index throws(FathomError) in try check(index, "from --shards") } }
        for name in environmentVariables {
            guard let text = environment[name] else { continue }
            guard let index = Int(text) else { throw FathomError("job.badShard", "\(name) is '\(text)', not a task index") }
            return [try check(index + offset, "\(name)=\(text)" + (offset != 0 ? " + offset \(offset)" : ""))]
        }
        return Array(0 ..< count)
    }

    private static func parse(_ text: String, count: Int) throws(FathomError) -> [Int] {
        if text == "all" { return Array(0 ..< count) }
        var indices: [Int] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard (1 ... 2).contains(bounds.count), let low = bounds.first!, let high = bounds.last!, low <= high else {
                throw FathomError("job.badShard", "--shards '\(text)': '\(part)' is not an index or a range like 3-5; allowed: all, or a list like 0,3,5-7")
            }
            indices += Array(low ... high)
        }
        var seen = Set<Int>()
        return indices.filter { seen.insert($0).inserted }
    }
}
