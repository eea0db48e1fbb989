import Dispatch
import FathomCore
import FathomEngine
import FathomShards
import Foundation

/// What flows into the writer, numbered in the order the plan dictates.
enum PipelineEvent: Sendable {
    /// A labelled clip of the item with this plan key, encoded for the shard (or why it could not be).
    case clip(Result<EncodedClip, FathomError>, item: String, timings: StageTimings)
    /// The item is over: every clip of it was sent before this event.
    case itemEnded(ItemOutcome)
    /// Nothing more will come.
    case finished
}

/// Counts of the current run, shared with the progress display.
struct RunCounters: Sendable {
    var itemsDone = 0
    var itemsFailed = 0
    var clips = 0
    var frames = 0
    var timings = StageTimings()
}

/// The last stage of the pipeline, on one serial queue (HDF5 allows one writer per file):
/// takes events in any order, restores plan order, appends clips to the open part file, rolls
/// parts at the job's limits and commits each — finish (fsync, rename), then the journal entry
/// naming its clips and the items that closed with it. An item's outcome is journaled only
/// once every clip of it is in a committed part, so a crash can never mark an item done whose
/// clips were lost.
final class PartWriter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "fathom.jobs.writer")
    private let directory: ShardDirectory
    private let header: ShardHeader
    private let options: ShardWriterOptions
    private let limits: PartLimits
    private let journal: ShardJournal
    private let attempt: String
    /// Released once per clip handled, so the decoder can have only so many clips in flight.
    private let inFlight: DispatchSemaphore
    private let counters: Locked<RunCounters>
    private let done = DispatchSemaphore(value: 0)

    // Confined to `queue`:
    private var reorder = ReorderBuffer<PipelineEvent>()
    private var open: (writer: ShardWriter, name: String, clips: [ClipRecord])?
    private var pendingOutcomes: [ItemOutcome] = []
    private var nextPart: Int
    private var abandoned = false
    private let failure = Locked<FathomError?>(nil)

    init(directory: ShardDirectory, header: ShardHeader, options: ShardWriterOptions, limits: PartLimits, journal: ShardJournal,
         attempt: String, inFlight: DispatchSemaphore, counters: Locked<RunCounters>) {
        self.directory = directory
        self.header = header
        self.options = options
        self.limits = limits
        self.journal = journal
        self.attempt = attempt
        self.inFlight = inFlight
        self.counters = counters
        let taken = Set(journal.entries.compactMap(\.part?.file))
        nextPart = (0...).first { !taken.contains(directory.partName($0)) }!
    }

    /// Hands over event number `sequence` (from any thread).
    func receive(_ event: PipelineEvent, at sequence: Int) {
        queue.async { [self] in
            for ready in reorder.insert(event, at: sequence) { handle(ready) }
        }
    }

    /// The first write error, once one happened (the pipeline then stops taking items).
    var error: FathomError? { failure.current }

    /// Waits until `finished` was handled, or `timeout` passes; true when finished.
    func waitUntilFinished(timeout: Double) -> Bool {
        done.wait(timeout: .now() + timeout) == .success
    }

    /// Gives up the open part (deletes its temporary file) and ignores whatever still comes:
    /// for a stop that cannot wait for clips in flight.
    func abandon() {
        queue.sync {
            abandoned = true
            open?.writer.abandon()
            open = nil
        }
    }

    private func handle(_ event: PipelineEvent) {
        switch event {
        case .clip(let encoded, let item, let timings):
            defer { inFlight.signal() }
            guard !abandoned, error == nil else { return }
            guarded { () throws(FathomError) in try append(encoded.get(), item: item, timings: timings) }
        case .itemEnded(let outcome):
            guard !abandoned, error == nil else { return }
            pendingOutcomes.append(outcome)
            counters.withLock {
                $0.itemsDone += 1
                if outcome.failed { $0.itemsFailed += 1 }
            }
            if open == nil { guarded { () throws(FathomError) in try journalPending(part: nil) } }
        case .finished:
            if !abandoned, error == nil { guarded { () throws(FathomError) in try commit() } }
            done.signal()
        }
    }

    /// Runs a write step; on failure records the error and discards the open part.
    private func guarded(_ step: () throws(FathomError) -> Void) {
        do { try step() } catch {
            failure.withLock { $0 = OutputFailure.classify(error, writing: directory.path) }
            open?.writer.abandon()
            open = nil
        }
    }

    private func append(_ clip: EncodedClip, item: String, timings: StageTimings) throws(FathomError) {
        let start = DispatchTime.now().uptimeNanoseconds
        if open == nil {
            let name = directory.partName(nextPart)
            open = (try ShardWriter(path: directory.file(name), header: header, options: options), name, [])
        }
        try open!.writer.append(clip)
        open!.clips.append(ClipRecord(id: clip.id, item: item, frames: clip.frameCount, width: clip.width, height: clip.height,
                                      tracks: clip.trackCount, quality: clip.quality))
        let size = (try? FileManager.default.attributesOfItem(atPath: open!.writer.temporaryPath)[.size] as? Int) ?? 0
        if open!.clips.count >= limits.maxClips || Double(size) >= limits.maxMegabytes * 1e6 {
            try commit()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        counters.withLock {
            $0.clips += 1
            $0.frames += clip.frameCount
            $0.timings.add(timings)
            $0.timings.seconds["write", default: 0] += seconds
        }
    }

    /// Closes the open part, renames it into place, and journals it with the pending outcomes.
    private func commit() throws(FathomError) {
        guard let part = open else {
            if !pendingOutcomes.isEmpty { try journalPending(part: nil) }
            return
        }
        open = nil
        try part.writer.finish()
        let checksum = try FileChecksum.sha256(directory.file(part.name))
        nextPart += 1
        try journalPending(part: PartRecord(file: part.name, bytes: checksum.bytes, sha256: checksum.hex, clips: part.clips))
    }

    private func journalPending(part: PartRecord?) throws(FathomError) {
        try journal.append(JournalEntry(part: part, items: pendingOutcomes, attempt: attempt, utc: ShardHeader.utcNow()))
        pendingOutcomes = []
    }
}
