import FathomCore
import FathomShards
import FathomTestSupport
import Foundation
import Testing

/// `fathom plan/run/label/status/index` end to end on generated corpora: bad inputs, kill -9 at
/// random moments, stop signals, worker counts, resume. Each run labels tiny generated videos at
/// 64×48 with sparse tracks, so the many runs stay fast in debug builds.
@Suite(.serialized) struct JobsCLITests {
    let directory = TemporaryDirectory("fathom-jobs")

    /// Generated test pattern videos, 96×72 at 25 fps, `frames` frames each, in <directory>/videos.
    func videos(_ count: Int = 3, frames: Int = 12) throws {
        try FileManager.default.createDirectory(atPath: directory.file("videos"), withIntermediateDirectories: true)
        let sources = ["testsrc2=s=96x72:r=25", "mandelbrot=s=96x72:r=25", "testsrc=s=96x72:r=25", "mandelbrot=s=96x72:r=25:start_scale=2"]
        for (index, source) in sources.prefix(count).enumerated() {
            let status = try Fathom.command("/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", source,
                                                                "-frames:v", "\(frames)", "-pix_fmt", "yuv420p", directory.file("videos/\(Self.names[index]).mp4")])
            #expect(status == 0)
        }
    }

    static let names = ["a", "b", "c", "d"]

    /// A job file `<name>.yaml` over the corpus `corpus`, writing to `output` (default: `name`); returns its path.
    func job(_ name: String, output: String? = nil, corpus: String = "videos", shards: Int = 2, workers: Int = 2, extra: String = "") throws -> String {
        let path = directory.file("\(name).yaml")
        try """
            name: jobs-test
            corpus: \(corpus)
            output: \(output ?? name)
            shards: \(shards)
            workers: \(workers)
            progress_seconds: 1
            media: {long_side: 64}
            clips: {frames: 4}
            parts: {max_clips: 2}
            engine: {track_spacing: 16}
            \(extra)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Every clip in the finished part files below `output`, as clip id → digest of all its
    /// arrays' bits; records an issue for a clip found twice.
    func labels(_ output: String) throws -> [String: String] {
        var digests: [String: String] = [:]
        for path in partFiles(output) {
            let reader = try ShardReader(path: path)
            for id in try reader.clipIDs() {
                #expect(digests[id] == nil, "clip \(id) is stored twice")
                digests[id] = LabelDigest.of(try reader.clip(id))
            }
        }
        return digests
    }

    func partFiles(_ output: String) -> [String] {
        let root = directory.file(output)
        let names = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return names.filter { $0.hasSuffix(".h5") }.sorted().map { (root as NSString).appendingPathComponent($0) }
    }

    func temporaryFiles(_ output: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory.file(output))?.compactMap { $0 as? String } ?? []).filter { $0.contains(".tmp-") }
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // MARK: - Bad inputs, retry, status, index

    @Test func badInputsAreListedWithReasonsAndTheJobGoesOn() throws {
        try videos(2)
        let bad = directory.file("videos")
        _ = FileManager.default.createFile(atPath: "\(bad)/zero.mp4", contents: Data())
        var random = SplitMix(seed: 4)
        _ = FileManager.default.createFile(atPath: "\(bad)/random.mp4", contents: Data((0 ..< 6000).map { _ in random.byte() }))
        let good = try Data(contentsOf: URL(fileURLWithPath: "\(bad)/a.mp4"))
        _ = FileManager.default.createFile(atPath: "\(bad)/truncated.mp4", contents: good.prefix(good.count / 3))
        _ = FileManager.default.createFile(atPath: "\(bad)/notes.mkv", contents: Data("just text\n".utf8))
        try FileManager.default.createDirectory(atPath: "\(bad)/folder.mp4", withIntermediateDirectories: true)
        try "videos/missing.mp4\n".write(toFile: directory.file("more.txt"), atomically: true, encoding: .utf8)
        let path = try job("out", corpus: "[videos, more.txt]")

        let run = try Fathom.run(["run", path])
        #expect(run.status == 3, "\(run.stdout)\n\(run.stderr)")
        let retry = try (0 ..< 2).map { try String(contentsOfFile: directory.file("out/shard-000\($0)/retry.txt"), encoding: .utf8) }.joined()
        for (name, reason) in [("zero.mp4", "media.empty"), ("random.mp4", "media."), ("truncated.mp4", "media."), ("notes.mkv", "media."),
                               ("folder.mp4", "media."), ("missing.mp4", "media.notFound")] {
            #expect(retry.contains("videos/\(name)\n"), "\(name) not in the retry lists:\n\(retry)")
            #expect(run.stdout.contains("failed videos/\(name): \(reason)"), "no reason for \(name) in:\n\(run.stdout)")
        }
        #expect(!retry.contains("videos/a.mp4") && !retry.contains("videos/b.mp4"))

        let status = try json(Fathom.run(["status", path, "--json"]).stdout)
        #expect(status["failed"] as? Int == 6 && status["ok"] as? Int == 2 && status["pending"] as? Int == 0 && status["clips"] as? Int == 6)
        #expect(try Fathom.run(["status", path]).status == 3)
        #expect(try Fathom.run(["validate", directory.file("out")]).status == 0)
        let index = try Fathom.run(["index", path, "--jsonl", "--verify"])
        #expect(index.status == 0 && index.stdout.contains("every checksum verified"), "\(index.stdout)\(index.stderr)")
        let lines = try String(contentsOfFile: directory.file("out/index.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6 && lines.allSatisfy { $0.contains("\"file\":\"shard-000") && $0.contains("\"frames\":4") })

        // Fix one video and retry the failed ones: it is labelled, the others stay failed.
        try FileManager.default.removeItem(atPath: "\(bad)/zero.mp4")
        try FileManager.default.copyItem(atPath: "\(bad)/b.mp4", toPath: "\(bad)/zero.mp4")
        let retried = try Fathom.run(["run", path, "--retry-failed"])
        #expect(retried.status == 3)
        let after = try json(Fathom.run(["status", path, "--json"]).stdout)
        #expect(after["failed"] as? Int == 5 && after["ok"] as? Int == 3 && after["clips"] as? Int == 9)
        #expect(try labels("out").keys.filter { $0.hasPrefix("zero-") }.count == 3)
    }

    @Test func jobFileMistakesAndChangedSettingsAreConfigurationErrors() throws {
        try videos(1, frames: 4)
        let typo = try job("typo", extra: "enigne: {flow_preset: fast}")
        let bad = try Fathom.run(["run", typo])
        #expect(bad.status == 64 && bad.stderr.contains("unknown key 'enigne'") && bad.stderr.contains("did you mean 'engine'"), "\(bad.stderr)")
        let path = try job("out")
        #expect(try Fathom.run(["plan", path]).status == 0)
        _ = try job("out", extra: "labels: {compression: 5}")
        let changed = try Fathom.run(["run", path])
        #expect(changed.status == 64 && changed.stderr.contains("labels.compression: 2 → 5"), "\(changed.stderr)")
        let missing = try Fathom.run(["run", directory.file("absent.yaml")])
        #expect(missing.status == 64 && missing.stderr.contains("absent.yaml"))
        let wrongShard = try Fathom.run(["run", try job("fine"), "--shard", "5"])
        #expect(wrongShard.status == 64 && wrongShard.stderr.contains("outside the plan's 2 shards"))
    }

    // MARK: - Determinism and resume

    @Test func workerCountDoesNotChangeALabelBit() throws {
        try videos(3)
        let one = try Fathom.run(["run", try job("one", workers: 1)])
        let two = try Fathom.run(["run", try job("two", workers: 2)])
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
        let reference = try labels("one")
        #expect(reference.count == 9)
        #expect(try labels("two") == reference)
        #expect(partFiles("one").map { ($0 as NSString).lastPathComponent } == partFiles("two").map { ($0 as NSString).lastPathComponent })

        let again = try Fathom.run(["run", try job("one", workers: 1)])
        #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout)")
        #expect(try labels("one") == reference)

        // What a crash between rename and journal entry, or mid-write, leaves: both are removed.
        let shard = directory.file("one/shard-0001")
        let part = try #require(FileManager.default.contentsOfDirectory(atPath: shard).first { $0.hasSuffix(".h5") })
        try FileManager.default.copyItem(atPath: "\(shard)/\(part)", toPath: "\(shard)/shard-0001-part-0042.h5")
        try FileManager.default.copyItem(atPath: "\(shard)/\(part)", toPath: "\(shard)/shard-0001-part-0043.h5.tmp-1-2")
        #expect(try Fathom.run(["run", try job("one", workers: 1)]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: "\(shard)/shard-0001-part-0042.h5") && temporaryFiles("one").isEmpty)
        #expect(try labels("one") == reference)
    }

    /// kill -9 at 10 random moments (and right after the first journal entry, and while a part
    /// file is open), each followed by a rerun to completion: the same clips, each once, with
    /// the same bits as an uninterrupted run; nothing temporary left behind.
    @Test func killNineAnywhereThenResumeGivesTheUninterruptedResult() throws {
        try videos(3)
        let started = Date()
        #expect(try Fathom.run(["run", try job("reference")]).status == 0)
        let duration = Date().timeIntervalSince(started)
        let reference = try labels("reference")
        #expect(reference.count == 9)

        var random = SplitMix(seed: 2026)
        var moments: [String] = []
        for trial in 0 ..< 12 {
            let output = "killed-\(trial)"
            let path = try job(output)
            for kill in 0 ..< (trial == 9 ? 3 : 1) {  // trial 9: killed three times before it may finish
                let process = try Fathom.start(["run", path])
                switch trial {
                case 10: try waitFor { (0 ..< 2).contains { (try? String(contentsOfFile: directory.file("\(output)/shard-000\($0)/journal.jsonl"), encoding: .utf8))?.contains("\n") == true } }
                case 11: try waitFor { temporaryFiles(output).contains { $0.contains(".h5.tmp-") } }
                default: Thread.sleep(forTimeInterval: 0.05 + random.unit() * duration * 0.75)
                }
                moments.append("trial \(trial) kill \(kill): \(partFiles(output).count) part(s), \(temporaryFiles(output).count) temporary file(s)")
                Glibc.kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }

            let resumed = try Fathom.run(["run", path])
            #expect(resumed.status == 0, "trial \(trial): \(resumed.stderr)")
            #expect(try labels(output) == reference, "trial \(trial) differs from the uninterrupted run")
            #expect(temporaryFiles(output).isEmpty, "trial \(trial) left \(temporaryFiles(output))")
            let index = try Fathom.run(["index", path, "--verify"])
            #expect(index.status == 0 && index.stdout.contains("9 clips"), "trial \(trial): \(index.stdout)")
        }
        print(moments.joined(separator: "\n"))
    }

    /// SIGTERM: no new items, the open part committed, exit 4 well within 30 s, nothing partial
    /// under a final name; a second signal discards the open part at once; a rerun finishes.
    @Test func stopSignalsEndCleanlyAndResumeFinishes() throws {
        try videos(4, frames: 24)
        let path = try job("stopped", shards: 1, workers: 1)
        let journal = directory.file("stopped/shard-0000/journal.jsonl")

        let process = try Fathom.start(["run", path, "--shard", "0"])
        try waitFor { (try? String(contentsOfFile: journal, encoding: .utf8))?.contains("\n") == true }
        let busy = try Fathom.run(["run", path, "--shard", "0"])
        #expect(busy.status == 75 && busy.stderr.contains("being run by another process"), "\(busy.stderr)")
        let signalled = Date()
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 4)
        #expect(Date().timeIntervalSince(signalled) < 30)
        #expect(temporaryFiles("stopped").isEmpty)
        #expect(try Fathom.run(["validate", directory.file("stopped")]).status == 0)
        let status = try json(Fathom.run(["status", path, "--json"]).stdout)
        #expect((status["shards"] as? [[String: Any]])?.first?["state"] as? String == "stopped")
        #expect(try Fathom.run(["status", path]).status == 4)

        let again = try Fathom.start(["run", path, "--shard", "0"])
        try waitFor { temporaryFiles("stopped").contains { $0.contains(".h5.tmp-") } }
        kill(again.processIdentifier, SIGINT)
        kill(again.processIdentifier, SIGINT)
        again.waitUntilExit()
        #expect(again.terminationStatus == 4)
        #expect(temporaryFiles("stopped").isEmpty)
        #expect(try Fathom.run(["validate", directory.file("stopped")]).status == 0)

        #expect(try Fathom.run(["run", path]).status == 0)
        #expect(try Fathom.run(["run", try job("whole", shards: 1, workers: 1)]).status == 0)
        #expect(try labels("stopped") == labels("whole"))
    }

    @Test func labelWritesTheJobItUsed() throws {
        try videos(1, frames: 8)
        let out = directory.file("labelled")
        let label = try Fathom.run(["label", directory.file("videos/a.mp4"), "--out", out, "--long-side", "64", "--clip-frames", "4", "--workers", "1", "--json"])
        #expect(label.status == 0, "\(label.stderr)")
        #expect((try json(label.stdout)["shards"] as? [[String: Any]])?.first?["clips"] as? Int == 2)
        let rerun = try Fathom.run(["run", "labelled/job.yaml"], in: directory.path)  // a relative job path, from another folder
        #expect(rerun.status == 0 && rerun.stdout.contains("nothing to do"), "\(rerun.stdout)\(rerun.stderr)")
        _ = try job("relative", shards: 1)
        let relative = try Fathom.run(["run", "../relative.yaml"], in: directory.file("videos"))
        #expect(relative.status == 0 && relative.stdout.contains("1/1 items ok"), "\(relative.stdout)\(relative.stderr)")
        #expect(try Fathom.run(["status", out]).status == 0)
        #expect(try Fathom.run(["label", directory.file("videos/a.mp4"), "--out", out, "--long-side", "96"]).status == 64)
    }

    /// A full disk mid-run (a tiny tmpfs; needs root): a clear, named error and exit 74.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount"))) func diskFullIsANamedError() throws {
        try videos(2)
        let mountPoint = directory.file("tiny")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard try Fathom.command("/bin/mount", ["-t", "tmpfs", "-o", "size=200k", "tmpfs", mountPoint]) == 0 else {
            print("skipped: cannot mount a tmpfs here")
            return
        }
        defer { _ = try? Fathom.command("/bin/umount", [mountPoint]) }
        let run = try Fathom.run(["run", try job("tinyjob", output: "tiny/out")])
        #expect(run.status == 74, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("io.diskFull") && run.stderr.contains("no space left"), "\(run.stderr)")
        #expect(temporaryFiles("tiny/out").isEmpty)
    }

    /// Polls `condition` every 10 ms for up to 60 s.
    func waitFor(_ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(60)
        while try !condition() {
            guard Date() < deadline else { throw FathomError("test.timeout", "condition not met within 60 s") }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}

extension Fathom {
    /// Starts `fathom` without waiting; its output is discarded.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs another program; returns its exit status.
    static func command(_ path: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// A digest of every array and attribute of a clip's labels, bit for bit (NaN included).
enum LabelDigest {
    static func of(_ labels: ClipLabels) -> String {
        var hasher = FathomCore.SHA256()
        func add<T>(_ values: [T]) { values.withUnsafeBytes { hasher.update($0) } }
        hasher.update(Array("\(labels.id)|\(labels.source)|\(labels.referenceFrame)|\(labels.fps)|\(labels.depthUnits)|\(labels.quality.sorted { $0.key < $1.key })".utf8))
        add(labels.frameIndex)
        add(labels.timestamp)
        add(labels.rgb?.storage ?? [])
        add(labels.depth.storage)
        add(labels.depthConfidence.storage)
        add(labels.occlusion.storage)
        add(labels.intrinsics.storage)
        add(labels.worldFromCamera.storage)
        add(labels.tracks.query.storage)
        add(labels.tracks.uv.storage)
        add(labels.tracks.xyz?.storage ?? [])
        add(labels.tracks.visible.storage)
        add(labels.tracks.confidence.storage)
        return hasher.finalizeHex()
    }
}
