import FathomCore
@testable import FathomJobs
import FathomMedia
import FathomTestSupport
import Foundation
import Testing

/// The plan: shard assignment by hash alone, stable under corpus growth and recomputation,
/// frozen against changed settings.
@Suite struct JobPlanTests {
    let directory = TemporaryDirectory()

    func spec(shards: Int = 4) -> JobSpec {
        var spec = JobSpec(name: "plan-test", corpus: ["videos"], output: "out", baseDirectory: directory.path)
        spec.shards = shards
        return spec
    }

    func items(_ names: some Sequence<String>) -> [CorpusItem] {
        names.map { CorpusItem(source: "videos/\($0).mp4") }
    }

    @Test func shardIsTheHashPrefixModuloCount() {
        // Values from Python: int(hashlib.sha256(key).hexdigest()[:16], 16) % count.
        #expect(JobPlan.shard(for: "videos/a.mp4", count: 7) == 6)
        #expect(JobPlan.shard(for: "scenes/orbit.mp4", count: 4) == 0)
        #expect(JobPlan.shard(for: "x", count: 1000) == 876)
    }

    @Test func keysAreRelativeToTheJobAndShardsAreBalanced() {
        let plan = JobPlan(spec: spec(shards: 8), items: items((0 ..< 800).map { "clip-\($0)" }))
        #expect(plan.items.first?.key == "videos/clip-0.mp4")
        let counts = (0 ..< 8).map { plan.items(inShard: $0).count }
        #expect(counts.reduce(0, +) == 800)
        #expect(counts.allSatisfy { (60 ... 140).contains($0) }, "\(counts)")
    }

    @Test func addingItemsMovesNoneAndRecomputingGivesTheSamePlan() {
        let spec = spec()
        let first = JobPlan(spec: spec, items: items((0 ..< 50).map { "v\($0)" }), createdUTC: "t")
        #expect(JobPlan(spec: spec, items: items((0 ..< 50).map { "v\($0)" }), createdUTC: "t") == first)
        var grown = first
        let added = grown.add(items((0 ..< 80).map { "v\($0)" }), spec: spec)
        #expect(added == 30)
        #expect(Array(grown.items.prefix(50)) == first.items)
        let fresh = JobPlan(spec: spec, items: items((0 ..< 80).map { "v\($0)" }), createdUTC: "t")
        #expect(Dictionary(uniqueKeysWithValues: fresh.items.map { ($0.key, $0.shard) }) == Dictionary(uniqueKeysWithValues: grown.items.map { ($0.key, $0.shard) }))
    }

    @Test func preparedPlanIsFrozenAgainstChangedSettings() throws {
        try FileManager.default.createDirectory(atPath: directory.file("videos"), withIntermediateDirectories: true)
        for name in ["a", "b", "c"] { _ = FileManager.default.createFile(atPath: directory.file("videos/\(name).mp4"), contents: Data([1])) }
        var spec = spec()
        let (plan, created) = try JobPlan.prepare(spec)
        #expect(created == .created && plan.items.map(\.key) == ["videos/a.mp4", "videos/b.mp4", "videos/c.mp4"])
        #expect(try JobPlan.load(JobPlan.path(in: spec.outputDirectory)) == plan)

        _ = FileManager.default.createFile(atPath: directory.file("videos/d.mp4"), contents: Data([1]))
        let (loaded, state) = try JobPlan.prepare(spec)
        #expect(state == .loaded && loaded.items.count == 3)
        let (updated, grown) = try JobPlan.prepare(spec, update: true)
        #expect(grown == .updated(added: 1) && updated.items.count == 4 && Array(updated.items.prefix(3)) == plan.items)

        spec.workers = 1
        _ = try JobPlan.prepare(spec)  // operational settings may change
        spec.engine.options.flowPreset = .quality
        do {
            _ = try JobPlan.prepare(spec)
            Issue.record("changed settings accepted")
        } catch {
            #expect(error.code == "plan.configChanged" && error.message.contains("engine.flow_preset: \"fast\" → \"quality\""), "\(error)")
        }
    }

    @Test func emptyCorpusAndDamagedPlanAreNamed() throws {
        try FileManager.default.createDirectory(atPath: directory.file("videos"), withIntermediateDirectories: true)
        do { _ = try JobPlan.prepare(spec()) } catch { #expect(error.code == "job.emptyCorpus" && error.message.contains("holds no videos")) }
        try FileManager.default.createDirectory(atPath: directory.file("out"), withIntermediateDirectories: true)
        try "{not json".write(toFile: directory.file("out/plan.json"), atomically: true, encoding: .utf8)
        do {
            _ = try JobPlan.prepare(spec())
            Issue.record("damaged plan accepted")
        } catch {
            #expect(error.code == "plan.damaged" && error.message.contains("plan.json"))
        }
    }
}
