import FathomCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A shard's journal (`journal.jsonl`): the record of what is committed, one JSON line per
/// commit, appended and flushed to disk after the part file it names has been renamed into
/// place. It is the shard's single source of truth: a part file it does not name is not part of
/// the dataset, and an item it does not close is redone.
///
/// A line is complete only with its newline; a line cut short by a crash is dropped when the
/// journal is next opened for writing.
final class ShardJournal {
    static let fileName = "journal.jsonl"
    let path: String
    private let descriptor: Int32
    private(set) var entries: [JournalEntry]

    /// Opens (creating) the journal for appending, cutting off a line a crash left unfinished.
    init(path: String) throws(FathomError) {
        self.path = path
        let (entries, completeBytes) = try Self.parse(Self.contents(path), path: path)
        descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputFailure.error("cannot open the journal '\(path)'", path: path) }
        var info = stat()
        if fstat(descriptor, &info) == 0, Int(info.st_size) > completeBytes {
            guard ftruncate(descriptor, off_t(completeBytes)) == 0 else {
                close(descriptor)
                throw OutputFailure.error("cannot cut the unfinished last line off the journal '\(path)'", path: path)
            }
        }
        self.entries = entries
    }

    deinit {
        close(descriptor)
    }

    /// Appends one entry and flushes it to disk before returning.
    func append(_ entry: JournalEntry) throws(FathomError) {
        let line = try JSONCoding.encode(entry, pretty: false) + [0x0A]
        var written = 0
        while written < line.count {
            let n = line.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, line.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw OutputFailure.error("cannot append to the journal '\(path)'", path: path) }
            written += n
        }
        guard fsync(descriptor) == 0 else { throw OutputFailure.error("cannot flush the journal '\(path)' to disk", path: path) }
        entries.append(entry)
    }

    /// The entries of a journal without opening it for writing (for `status` and `index`);
    /// none when it does not exist yet.
    static func read(_ path: String) throws(FathomError) -> [JournalEntry] {
        try parse(contents(path), path: path).entries
    }

    private static func contents(_ path: String) throws(FathomError) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FathomError("journal.unreadable", "cannot read the journal '\(path)'; check its permissions")
        }
        return Array(data)
    }

    /// Complete lines as entries, and how many bytes they span (a torn last line is not counted).
    private static func parse(_ bytes: [UInt8], path: String) throws(FathomError) -> (entries: [JournalEntry], completeBytes: Int) {
        guard let lastNewline = bytes.lastIndex(of: 0x0A) else { return ([], 0) }
        var entries: [JournalEntry] = []
        for (number, line) in bytes[...lastNewline].split(separator: 0x0A).enumerated() {
            do { entries.append(try JSONCoding.decoder.decode(JournalEntry.self, from: Data(line))) } catch {
                throw FathomError("journal.damaged", "'\(path)' line \(number + 1) is not a journal entry (\(error)); "
                    + "the shard's record is damaged: move the shard's folder aside and rerun the shard")
            }
        }
        return (entries, lastNewline + 1)
    }
}

/// One commit: a part file renamed into place (if any) and the items that closed with it.
public struct JournalEntry: Codable, Sendable, Equatable {
    public var part: PartRecord?
    /// Items whose every clip is committed (by this or an earlier entry), or that failed.
    public var items: [ItemOutcome]
    /// Which run wrote it: `<host>:<pid>-<random>`.
    public var attempt: String
    public var utc: String
}

/// A committed part file, as the dataset index lists it.
public struct PartRecord: Codable, Sendable, Equatable {
    /// File name inside the shard's folder.
    public var file: String
    public var bytes: Int
    public var sha256: String
    public var clips: [ClipRecord]
}

/// A clip as committed: enough to find and describe it without opening the file.
public struct ClipRecord: Codable, Sendable, Equatable {
    public var id: String
    /// Plan key of the item it came from.
    public var item: String
    public var frames: Int
    public var width: Int
    public var height: Int
    public var tracks: Int
    public var quality: [String: QualityValue]
}

/// How one item ended.
public struct ItemOutcome: Codable, Sendable, Equatable {
    public var key: String
    public var failed: Bool
    /// Clips and frames of the item labelled in this attempt.
    public var clips: Int
    public var frames: Int
    /// For a failed item: the error's code and message.
    public var code: String?
    public var message: String?
}

/// What a shard's journal says is done, replayed in order (a later outcome of an item replaces
/// an earlier one, as after `--retry-failed`).
struct ShardState {
    var parts: [PartRecord] = []
    var committedClips = Set<String>()
    var outcomes: [String: ItemOutcome] = [:]

    init(_ entries: [JournalEntry]) {
        for entry in entries {
            if let part = entry.part {
                parts.append(part)
                committedClips.formUnion(part.clips.map(\.id))
            }
            for outcome in entry.items { outcomes[outcome.key] = outcome }
        }
    }

    var clips: Int { parts.reduce(0) { $0 + $1.clips.count } }
    var frames: Int { parts.reduce(0) { $0 + $1.clips.reduce(0) { $0 + $1.frames } } }
    var bytes: Int { parts.reduce(0) { $0 + $1.bytes } }
}
