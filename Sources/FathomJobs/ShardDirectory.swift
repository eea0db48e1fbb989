import FathomCore
import Foundation

/// Where one shard's files live: `<output>/shard-0003/` with its journal, part files
/// (`shard-0003-part-0000.h5`, unique across the whole dataset), retry list and completion marker.
public struct ShardDirectory: Sendable {
    public let index: Int
    public let path: String

    public init(output: String, index: Int) {
        self.index = index
        path = (output as NSString).appendingPathComponent("shard-\(Self.fourDigits(index))")
    }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    public var journal: String { file(ShardJournal.fileName) }
    /// Written last, when every planned item of the shard is labelled or failed.
    public var completionMarker: String { file("done.json") }
    /// The failed items as a corpus list, reasons in comments.
    public var retryList: String { file("retry.txt") }
    /// Held (flock) by the process running the shard.
    public var lock: String { file("lock") }

    public func partName(_ number: Int) -> String { "shard-\(Self.fourDigits(index))-part-\(Self.fourDigits(number)).h5" }

    /// Files left by an attempt that died: temporary part files (`*.h5.tmp-*`) and temporary
    /// copies of small files.
    func temporaryFiles() -> [String] {
        names().filter { $0.contains(".tmp-") }
    }

    /// Part files under their final names, sorted.
    func partFiles() -> [String] {
        names().filter { $0.hasSuffix(".h5") && $0.contains("-part-") }
    }

    private func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    private static func fourDigits(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
