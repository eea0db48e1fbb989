import FathomCore
@testable import FathomJobs
import FathomTestSupport
import Foundation
import Testing

/// The runner's small parts: shard choice, reordering, the journal's crash handling, exit codes.
@Suite struct RunnerPartsTests {
    let directory = TemporaryDirectory()

    @Test func shardChoiceFromFlagsAndSchedulers() throws {
        #expect(try ShardSelection.resolve(shard: 2, shards: nil, offset: 0, environment: [:], count: 4) == [2])
        #expect(try ShardSelection.resolve(shard: nil, shards: "all", offset: 0, environment: [:], count: 3) == [0, 1, 2])
        #expect(try ShardSelection.resolve(shard: nil, shards: "5,0-2,1", offset: 0, environment: [:], count: 8) == [5, 0, 1, 2])
        #expect(try ShardSelection.resolve(shard: nil, shards: nil, offset: 0, environment: [:], count: 2) == [0, 1])
        #expect(try ShardSelection.resolve(shard: nil, shards: nil, offset: 0, environment: ["JOB_COMPLETION_INDEX": "3"], count: 4) == [3])
        #expect(try ShardSelection.resolve(shard: nil, shards: nil, offset: 100, environment: ["SLURM_ARRAY_TASK_ID": "7"], count: 200) == [107])
        #expect(try ShardSelection.resolve(shard: nil, shards: nil, offset: 0, environment: ["BATCH_TASK_INDEX": "1", "SLURM_ARRAY_TASK_ID": "0"], count: 2) == [0])
        #expect(try ShardSelection.resolve(shard: 1, shards: nil, offset: 0, environment: ["SLURM_ARRAY_TASK_ID": "0"], count: 2) == [1])
        for (shard, shards, environment, words) in [
            (Int?(4), String?.none, [String: String](), "shard 4 (from --shard) is outside the plan's 4 shards"),
            (nil, "1-x", [:], "'1-x' is not an index or a range"),
            (nil, "3-1", [:], "'3-1' is not an index or a range"),
            (nil, nil, ["AWS_BATCH_JOB_ARRAY_INDEX": "abc"], "AWS_BATCH_JOB_ARRAY_INDEX is 'abc'"),
            (nil, nil, ["SLURM_ARRAY_TASK_ID": "9"], "SLURM_ARRAY_TASK_ID=9"),
            (1, "all", [:], "not both"),
        ] {
            do {
                _ = try ShardSelection.resolve(shard: shard, shards: shards, offset: 0, environment: environment, count: 4)
                Issue.record("accepted \(String(describing: shard)) \(String(describing: shards)) \(environment)")
            } catch {
                #expect(error.code == "job.badShard" && error.message.contains(words), "\(error)")
            }
        }
    }

    @Test func reorderBufferRestoresSequenceOrder() {
        var random = SplitMix(seed: 7)
        var order = Array(0 ..< 200)
        for i in order.indices.reversed() { order.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        var buffer = ReorderBuffer<Int>()
        var out: [Int] = []
        for sequence in order { out += buffer.insert(sequence * 10, at: sequence) }
        #expect(out == (0 ..< 200).map { $0 * 10 } && buffer.isEmpty)
    }

    func entry(_ part: String?, _ outcomes: [ItemOutcome]) -> JournalEntry {
        JournalEntry(part: part.map { PartRecord(file: $0, bytes: 1, sha256: "00", clips: [ClipRecord(id: "c-\($0)", item: "i", frames: 2, width: 4, height: 3, tracks: 0, quality: ["q": .number(0.5)])]) },
                     items: outcomes, attempt: "test", utc: "t")
    }

    @Test func journalDropsATornLastLineAndReplaysInOrder() throws {
        let path = directory.file("journal.jsonl")
        let failed = ItemOutcome(key: "a", failed: true, clips: 0, frames: 0, code: "media.empty", message: "empty")
        let ok = ItemOutcome(key: "a", failed: false, clips: 1, frames: 2)
        do {
            let journal = try ShardJournal(path: path)
            try journal.append(entry("p0.h5", [failed]))
            try journal.append(entry(nil, [ok]))
        }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"part\":{\"file\":\"p1.h5\",\"by".utf8))  // a crash mid-append
        try handle.close()
        #expect(try ShardJournal.read(path).count == 2)
        let reopened = try ShardJournal(path: path)
        #expect(reopened.entries.count == 2)
        try reopened.append(entry("p2.h5", []))
        let state = ShardState(try ShardJournal.read(path))
        #expect(state.parts.map(\.file) == ["p0.h5", "p2.h5"] && state.committedClips == ["c-p0.h5", "c-p2.h5"])
        #expect(state.outcomes["a"] == ok && state.frames == 4)
        #expect(try ShardJournal.read(path).last?.part?.clips.first?.quality == ["q": .number(0.5)])
    }

    @Test func damagedJournalLineIsAnError() throws {
        let path = directory.file("journal.jsonl")
        try "{\"items\":[],\"attempt\":\"a\",\"utc\":\"t\"}\nnot json\n{\"items\":[],\"attempt\":\"a\",\"utc\":\"t\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try ShardJournal.read(path)
            Issue.record("damaged journal accepted")
        } catch {
            #expect(error.code == "journal.damaged" && error.message.contains("line 2"))
        }
    }

    /// FIPS 180-2's million-'a' vector, read from a file, fed in odd pieces, and byte by byte.
    @Test func partChecksumsAreSHA256() throws {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        let bytes = [UInt8](repeating: 0x61, count: 1_000_000)
        let path = directory.file("part.h5")
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        #expect(try FileChecksum.sha256(path) == (expected, 1_000_000))
        var pieces = SHA256()
        var start = 0
        for size in [7, 64, 1, 130, 999_798] {
            pieces.update(bytes[start ..< start + size])
            start += size
        }
        #expect(pieces.finalizeHex() == expected)
        var oneByOne = SHA256()
        oneByOne.update(bytes.lazy.map { $0 })
        #expect(oneByOne.finalizeHex() == expected)
    }

    @Test func exitStatusesOfErrorsAndRuns() {
        #expect(ExitStatus(error: FathomError("job.unknownKey", "")) == .configurationError)
        #expect(ExitStatus(error: FathomError("plan.configChanged", "")) == .configurationError)
        #expect(ExitStatus(error: FathomError("io.diskFull", "")) == .outputError)
        #expect(ExitStatus(error: FathomError("jobs.shardBusy", "")) == .shardBusy)
        #expect(ExitStatus.combined([.ok, .finishedWithFailures]) == .finishedWithFailures)
        #expect(ExitStatus.combined([.finishedWithFailures, .stoppedEarly, .ok]) == .stoppedEarly)
        #expect(ExitStatus.combined([]) == .ok)
        #expect(Set(ExitStatus.allCases.map(\.rawValue)).count == ExitStatus.allCases.count)
        for status in ExitStatus.allCases { #expect(ExitStatus.summary.contains("\(status.rawValue) ")) }
    }

    @Test func diskFullIsRecognisedFromTheMessageOrFreeSpace() {
        let full = OutputFailure.classify(FathomError("shards.hdf5", "H5Dwrite failed: No space left on device"), writing: directory.path)
        #expect(full.code == "io.diskFull" && full.message.contains(directory.path) && full.message.contains("rerun to resume"))
        let other = FathomError("shards.hdf5", "H5Dwrite failed: bad dataset")
        #expect(OutputFailure.classify(other, writing: directory.path) == other)
    }

    @Test func progressShowsCountsRateAndETA() {
        let snapshot = ProgressReporter.Snapshot(shard: 3, itemsDone: 2, itemsFailed: 1, itemsTotal: 8, clips: 5, frames: 120, elapsed: 60)
        #expect(ProgressReporter.line(snapshot) == "progress: shard 3 2/8 items, 1 failed, 5 clips, 2.0 frames/s, ETA 3m0s")
        #expect(ProgressReporter.bar(snapshot).hasPrefix("shard 3 [######------------------] 2/8 items"))
        #expect(ProgressReporter.eta(.init(shard: 0, itemsDone: 0, itemsFailed: 0, itemsTotal: 8, clips: 0, frames: 0, elapsed: 5)) == "—")
        let lines = Locked<[String]>([])
        let reporter = ProgressReporter(style: .lines(interval: 10)) { text in lines.withLock { $0.append(text) } }
        for second in [0.0, 4, 9, 10, 15, 21] { reporter.update(.init(shard: 0, itemsDone: 1, itemsFailed: 0, itemsTotal: 2, clips: 1, frames: 1, elapsed: second)) }
        #expect(lines.current.count == 3)  // at 0, 10 and 21 s
    }
}
