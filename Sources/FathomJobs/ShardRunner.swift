import Dispatch
import FathomCore
import FathomEngine
import FathomMedia
import FathomShards
import Foundation
import Logging

/// Runs one shard of a planned job to completion, resuming whatever an earlier run left.
///
/// Pipeline: one decoder thread reads the shard's items in plan order and cuts clips; `workers`
/// engine threads label clips side by side; one writer (`PartWriter`) puts the labels back in
/// plan order and commits part files. At most 2 × workers clips are in flight, so memory is
/// bounded whatever the corpus size, and the output does not depend on the worker count.
///
/// Resume: the journal names every committed clip and every finished item. A rerun deletes
/// temporary files and part files the journal does not name (a crash between rename and
/// journal entry), skips finished items, and within an unfinished item skips clips already
/// committed, so each clip ends up in the shard exactly once.
public final class ShardRunner {
    public let spec: JobSpec
    public let plan: JobPlan
    public let shard: Int
    public let workers: Int
    /// Also rerun items an earlier run recorded as failed.
    public let retryFailed: Bool
    private let stop: StopSignal
    private let progress: ProgressReporter
    private let logger = Logger(label: "fathom.jobs")

    public init(spec: JobSpec, plan: JobPlan, shard: Int, workers: Int, retryFailed: Bool = false, stop: StopSignal,
                progress: ProgressReporter) {
        precondition((0 ..< plan.shardCount).contains(shard) && workers >= 1, "shard \(shard) of \(plan.shardCount), \(workers) workers")
        self.spec = spec
        self.plan = plan
        self.shard = shard
        self.workers = workers
        self.retryFailed = retryFailed
        self.stop = stop
        self.progress = progress
    }

    /// Labels what is left of the shard; returns its figures (`isComplete` false after a stop).
    public func run() throws(FathomError) -> ShardStats {
        let directory = ShardDirectory(output: spec.outputDirectory, index: shard)
        do { try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true) } catch {
            throw OutputFailure.classify(FathomError("io.cannotCreate", "cannot create the shard folder '\(directory.path)': \(error.localizedDescription)"),
                                         writing: directory.path)
        }
        let lock = try ShardLock(path: directory.lock, shard: shard)
        defer { withExtendedLifetime(lock) {} }
        let journal = try ShardJournal(path: directory.journal)
        let before = ShardState(journal.entries)
        removeLeftovers(directory, committed: Set(before.parts.map(\.file)))

        let planned = plan.items(inShard: shard)
        let todo = planned.filter { item in
            guard let outcome = before.outcomes[item.key] else { return true }
            return retryFailed && outcome.failed
        }
        if todo.isEmpty, var marker = try? Self.readMarker(directory), marker.itemsPlanned == planned.count {
            // Finished before: nothing to do, nothing to touch; report that this run did nothing.
            marker.itemsSkipped = planned.count
            marker.run = .init(seconds: 0, clips: 0, frames: 0, framesPerSecond: 0, stageSeconds: [:], workers: workers)
            return marker
        }
        AtomicFile.discard(directory.completionMarker)  // the shard is not complete while work is left

        let started = DispatchTime.now().uptimeNanoseconds
        let counters = Locked(RunCounters())
        if !todo.isEmpty { try label(todo, directory: directory, journal: journal, committed: before.committedClips, counters: counters) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9

        let stats = makeStats(ShardState(journal.entries), planned: planned, skipped: planned.count - todo.count, run: counters.current, seconds: seconds)
        try writeRetryList(stats, directory: directory)
        if stats.isComplete {
            try AtomicFile.write(JSONCoding.encode(stats, pretty: true), to: directory.completionMarker)  // last: the shard is done
        }
        return stats
    }

    /// Deletes temporary files of dead attempts, and part files the journal does not name.
    private func removeLeftovers(_ directory: ShardDirectory, committed: Set<String>) {
        for name in directory.temporaryFiles() {
            logger.info("removing a temporary file of an earlier attempt", metadata: ["file": "\(name)"])
            AtomicFile.discard(directory.file(name))
        }
        for name in directory.partFiles() where !committed.contains(name) {
            logger.notice("removing a part file the journal does not name (the run that wrote it died before recording it); its clips are redone",
                          metadata: ["file": "\(name)"])
            AtomicFile.discard(directory.file(name))
        }
    }

    /// One unit of engine work: a decoded clip with its place in the output order.
    private struct WorkUnit: Sendable {
        var sequence: Int
        var item: String
        var input: ClipInput
        var timings: StageTimings
    }

    private func label(_ todo: [PlanItem], directory: ShardDirectory, journal: ShardJournal, committed: Set<String>,
                       counters: Locked<RunCounters>) throws(FathomError) {
        let inFlight = DispatchSemaphore(value: 2 * workers)
        let header = ShardHeader(job: plan.job, shardIndex: shard, shardCount: plan.shardCount, configSHA256: plan.configSHA256)
        let writer = PartWriter(directory: directory, header: header, options: spec.labels, limits: spec.parts, journal: journal,
                                attempt: Self.attemptID(), inFlight: inFlight, counters: counters)
        let work = WorkQueue<WorkUnit>()
        let reconstructor = ClipReconstructor(options: spec.engine.options)
        let options = spec.labels
        for _ in 0 ..< workers {
            Thread {
                while let unit = work.pop() {
                    var timings = unit.timings
                    let rgb = options.storeRGB ? RGBEncoding(unit.input.rgb, options: options) : nil
                    let labels = reconstructor.reconstruct(unit.input, storeRGB: options.storeRGB, timings: &timings)
                    // Compressed here, side by side with other clips, so the one writer only copies bytes.
                    let encoded = timings.measure("compress") {
                        Result { () throws(FathomError) in try EncodedClip(labels, rgb: rgb, options: options) }
                    }
                    writer.receive(.clip(encoded, item: unit.item, timings: timings), at: unit.sequence)
                }
            }.start()
        }
        let (spec, stop, progress) = (spec, stop, progress)
        Thread {
            let shouldStop = { stop.requested != nil || writer.error != nil }
            var sequence = 0
            items: for item in todo {
                if shouldStop() { break }
                var outcome = ItemOutcome(key: item.key, failed: false, clips: 0, frames: 0)
                do throws(FathomError) {
                    let reader = try ClipReader(item: item.corpusItem(spec: spec), media: spec.media, sampling: spec.sampling, clips: spec.clips)
                    let fallbackFPS = reader.info.fps ?? 30
                    while true {
                        if shouldStop() { break items }  // the item stays open: a rerun finishes it
                        let start = DispatchTime.now().uptimeNanoseconds
                        guard let clip = try reader.next() else { break }
                        let input = ClipInput(clip, item: item, fallbackFPS: fallbackFPS)
                        guard !committed.contains(input.id) else { continue }
                        var timings = StageTimings()
                        timings.seconds["decode"] = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                        inFlight.wait()
                        work.push(WorkUnit(sequence: sequence, item: item.key, input: input, timings: timings))
                        sequence += 1
                        outcome.clips += 1
                        outcome.frames += input.frameCount
                    }
                } catch {
                    outcome.failed = true
                    outcome.code = error.code
                    outcome.message = error.message
                    progress.note("failed: \(item.key): \(error)")
                }
                writer.receive(.itemEnded(outcome), at: sequence)
                sequence += 1
            }
            writer.receive(.finished, at: sequence)
            work.close()
        }.start()

        let started = DispatchTime.now().uptimeNanoseconds
        let snapshot = { () -> ProgressReporter.Snapshot in
            let counts = counters.current
            return .init(shard: self.shard, itemsDone: counts.itemsDone, itemsFailed: counts.itemsFailed, itemsTotal: todo.count,
                         clips: counts.clips, frames: counts.frames, elapsed: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        }
        var announcedStop = false
        while !writer.waitUntilFinished(timeout: 0.25) {
            progress.update(snapshot())
            if let reason = stop.requested, !announcedStop {
                announcedStop = true
                progress.note("stopping (\(reason)): no new items; finishing clips in flight into the open part (at most \(Int(stop.graceSeconds)) s)")
            }
            if stop.isUrgent {
                progress.note("stopping now: discarding the open part; its clips are redone on the next run")
                writer.abandon()
                break
            }
        }
        progress.finish(snapshot())
        if let error = writer.error { throw error }
    }

    private func makeStats(_ state: ShardState, planned: [PlanItem], skipped: Int, run: RunCounters, seconds: Double) -> ShardStats {
        let outcomes = planned.compactMap { state.outcomes[$0.key] }
        let failures = outcomes.filter(\.failed).map { ShardStats.Failure(item: $0.key, code: $0.code ?? "", message: $0.message ?? "") }
        return ShardStats(
            job: plan.job, shard: shard, shardCount: plan.shardCount, configSHA256: plan.configSHA256, itemsPlanned: planned.count,
            itemsOk: outcomes.count - failures.count, itemsFailed: failures.count, failures: failures, itemsSkipped: skipped,
            itemsPending: planned.count - outcomes.count, clips: state.clips, frames: state.frames, parts: state.parts.count, bytes: state.bytes,
            run: .init(seconds: seconds, clips: run.clips, frames: run.frames, framesPerSecond: seconds > 0 ? Double(run.frames) / seconds : 0,
                       stageSeconds: run.timings.seconds, workers: workers),
            finishedUTC: ShardHeader.utcNow())
    }

    /// The failed items as a corpus list (reasons as comments), or no file when none failed.
    private func writeRetryList(_ stats: ShardStats, directory: ShardDirectory) throws(FathomError) {
        guard !stats.failures.isEmpty else {
            AtomicFile.discard(directory.retryList)
            return
        }
        var lines = ["# \(stats.failures.count) failed item(s) of shard \(shard) of job \(plan.job); after fixing them, rerun with:",
                     "#   fathom run <job.yaml> --shard \(shard) --retry-failed"]
        for failure in stats.failures {
            lines.append("# \(failure.code): \(failure.message.replacingOccurrences(of: "\n", with: " "))")
            let item = plan.items.first { $0.key == failure.item }
            lines.append(item.map { spec.resolve($0.labelSource) } ?? failure.item)
        }
        try AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: directory.retryList)
    }

    static func readMarker(_ directory: ShardDirectory) throws -> ShardStats {
        try JSONCoding.decoder.decode(ShardStats.self, from: Data(contentsOf: URL(fileURLWithPath: directory.completionMarker)))
    }

    /// `<host>:<pid>-<random>`: which run wrote a journal entry.
    static func attemptID() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid())-\(String(UInt32.random(in: 0 ... .max), radix: 16))"
    }
}
