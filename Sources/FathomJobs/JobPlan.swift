import FathomCore
import FathomMedia
import FathomShards
import Foundation

/// The frozen plan of a job (`<output>/plan.json`): every corpus item and the shard it belongs
/// to, with the configuration the labels are made with. Written once; `update` only adds items.
///
/// An item's shard is a hash of its key alone (`shard(for:count:)`), so any machine computes the
/// same assignment, and adding items to the corpus moves none that were planned before.
public struct JobPlan: Codable, Sendable, Equatable {
    public static let schema = "fathom.plan/1"
    public static let fileName = "plan.json"

    public var schema: String
    public var job: String
    public var shardCount: Int
    public var configSHA256: String
    /// The canonical configuration, `key: value` (see `JobSpec.canonicalConfig`).
    public var config: [String: String]
    public var createdUTC: String
    public var items: [PlanItem]

    /// The plan for `spec` over `items` (in corpus order).
    public init(spec: JobSpec, items: [CorpusItem], createdUTC: String = ShardHeader.utcNow()) {
        schema = Self.schema
        job = spec.name
        shardCount = spec.shards
        configSHA256 = spec.configSHA256
        config = spec.canonicalConfig
        self.createdUTC = createdUTC
        self.items = items.map { PlanItem($0, spec: spec) }
    }

    /// The shard of the item with `key`: the first 8 bytes of SHA-256(key), big-endian, modulo
    /// the shard count.
    public static func shard(for key: String, count: Int) -> Int {
        let hex = SHA256.hex(of: Array(key.utf8))
        return Int(UInt64(hex.prefix(16), radix: 16)! % UInt64(count))
    }

    public func items(inShard shard: Int) -> [PlanItem] {
        items.filter { $0.shard == shard }
    }

    public static func path(in outputDirectory: String) -> String {
        (outputDirectory as NSString).appendingPathComponent(fileName)
    }

    /// Reads a plan file.
    public static func load(_ path: String) throws(FathomError) -> JobPlan {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FathomError("plan.notFound", "cannot read the plan '\(path)': \(error.localizedDescription); run 'fathom plan <job.yaml>' first")
        }
        let plan: JobPlan
        do { plan = try JSONCoding.decoder.decode(JobPlan.self, from: data) } catch {
            throw FathomError("plan.damaged", "'\(path)' is not a Fathom plan: \(error); delete it and run 'fathom plan' again (only if no shard has started)")
        }
        guard plan.schema == schema else {
            throw FathomError("plan.damaged", "'\(path)' has schema '\(plan.schema)', this fathom reads '\(schema)'")
        }
        return plan
    }

    /// Checks that `spec` makes the labels this plan was frozen with; names the settings that changed.
    public func checkMatches(_ spec: JobSpec, planPath: String) throws(FathomError) {
        guard spec.configSHA256 != configSHA256 else { return }
        let current = spec.canonicalConfig
        let changed = Set(current.keys).union(config.keys).filter { current[$0] != config[$0] }.sorted()
        let details = changed.map { "\($0): \(config[$0] ?? "unset") → \(current[$0] ?? "unset")" }.joined(separator: ", ")
        throw FathomError("plan.configChanged", "the job's settings differ from the frozen plan '\(planPath)' (\(details)); "
            + "labels made with both would be mixed. Restore the settings, or give the job a new output directory")
    }

    /// Adds the corpus items not planned yet (each assigned by its own hash); returns how many.
    public mutating func add(_ corpusItems: [CorpusItem], spec: JobSpec) -> Int {
        let planned = Set(items.map(\.key))
        let new = corpusItems.map { PlanItem($0, spec: spec) }.filter { !planned.contains($0.key) }
        items += new
        return new.count
    }

    /// Writes the plan atomically.
    public func write(to path: String) throws(FathomError) {
        try AtomicFile.write(JSONCoding.encode(self, pretty: true), to: path)
    }
}

/// One video of the plan.
public struct PlanItem: Codable, Sendable, Equatable {
    /// The video's path relative to the job file's folder (or absolute, or a URL): its identity
    /// in the plan, the journal and clip ids.
    public var key: String
    public var shard: Int
    /// The manifest's id, or the file stem.
    public var id: String
    public var fx: Double?
    public var fy: Double?
    public var cx: Double?
    public var cy: Double?
    public var startSeconds: Double?
    public var endSeconds: Double?

    init(_ item: CorpusItem, spec: JobSpec) {
        key = Self.key(for: item)
        shard = JobPlan.shard(for: key, count: spec.shards)
        id = item.id
        (fx, fy, cx, cy) = (item.intrinsics?.fx, item.intrinsics?.fy, item.intrinsics?.cx, item.intrinsics?.cy)
        startSeconds = item.startSeconds
        endSeconds = item.endSeconds
    }

    /// The plan key of a corpus item (whose source is already relative to the job, see
    /// `JobSpec.corpusItems`), plus its time range when the manifest gives one: one video may be
    /// listed once per range.
    static func key(for item: CorpusItem) -> String {
        guard item.startSeconds != nil || item.endSeconds != nil else { return item.source }
        return "\(item.source)#t=\(item.startSeconds.map { "\($0)" } ?? ""),\(item.endSeconds.map { "\($0)" } ?? "")"
    }

    /// The item to decode, with the job's intrinsics where the manifest gives none.
    func corpusItem(spec: JobSpec) -> CorpusItem {
        var intrinsics = spec.intrinsics
        if let fx, let fy, let cx, let cy { intrinsics = PinholeIntrinsics(fx: fx, fy: fy, cx: cx, cy: cy) }
        return CorpusItem(id: id, source: spec.resolve(labelSource), intrinsics: intrinsics, startSeconds: startSeconds, endSeconds: endSeconds)
    }

    /// What clip ids and the `source` attribute derive from: the video's path relative to the job.
    var labelSource: String {
        key.split(separator: "#t=", maxSplits: 1).first.map(String.init) ?? key
    }
}

extension JobPlan {
    /// What `prepare` did.
    public enum Preparation: Sendable, Equatable {
        case created
        case loaded
        /// The plan existed; this many new corpus items were added to it.
        case updated(added: Int)
    }

    /// The frozen plan in the spec's output directory: loaded and checked against the spec, or
    /// made from the corpus when there is none yet. With `update`, corpus items not in the plan
    /// are added (none planned before moves). Concurrent first runs (a whole array job starting
    /// at once) all compute the same plan, and it is written atomically, so any of them may win.
    public static func prepare(_ spec: JobSpec, update: Bool = false) throws(FathomError) -> (plan: JobPlan, preparation: Preparation) {
        let path = path(in: spec.outputDirectory)
        guard FileManager.default.fileExists(atPath: path) else {
            let items = try spec.corpusItems()
            guard !items.isEmpty else {
                throw FathomError("job.emptyCorpus", "the corpus of '\(spec.name)' (\(spec.corpus.joined(separator: ", "))) holds no videos "
                    + "with extensions \(spec.extensions.joined(separator: ", ")); check the paths, relative to \(spec.resolve("."))")
            }
            let plan = JobPlan(spec: spec, items: items)
            do { try FileManager.default.createDirectory(atPath: spec.outputDirectory, withIntermediateDirectories: true) } catch {
                throw FathomError("io.cannotCreate", "cannot create the output directory '\(spec.outputDirectory)': \(error.localizedDescription)")
            }
            try plan.write(to: path)
            return (plan, .created)
        }
        var plan = try load(path)
        try plan.checkMatches(spec, planPath: path)
        guard update else { return (plan, .loaded) }
        let added = plan.add(try spec.corpusItems(), spec: spec)
        if added > 0 { try plan.write(to: path) }
        return (plan, .updated(added: added))
    }
}
