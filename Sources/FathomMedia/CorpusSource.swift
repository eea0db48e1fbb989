import FathomCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a corpus's videos are listed: a file, a directory tree, a glob, a list of paths or
/// URLs, or a manifest with per-video ids, intrinsics and time ranges.
public enum CorpusSource: Sendable, Equatable {
    /// One video: a path or an http(s) URL.
    case video(String)
    /// Every file below a directory (recursively) whose extension is in the set (lower case, no dot).
    case directory(String, extensions: Set<String>)
    /// A shell pattern (`clips/*/take-??.mp4`), expanded by glob(3).
    case glob(String)
    /// A text file with one path or URL per line; blank lines and `#` comments are skipped.
    case list(String)
    /// A JSON Lines or CSV manifest (see `CorpusManifest`).
    case manifest(String)

    /// Video file extensions a directory search picks up by default.
    public static let videoExtensions: Set<String> = [
        "mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "mts", "m2ts", "flv", "wmv", "ogv", "3gp",
    ]

    /// Reads a command-line argument: a URL or a glob pattern, an existing directory, a `.txt` /
    /// `.list` list, a `.jsonl` / `.csv` manifest, else one video.
    public static func detect(_ argument: String) -> CorpusSource {
        if MediaFile.isURL(argument) { return .video(argument) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return .directory(argument, extensions: videoExtensions) }
        } else if argument.contains(where: { "*?[".contains($0) }) {
            return .glob(argument)
        }
        switch (argument as NSString).pathExtension.lowercased() {
        case "txt", "list": return .list(argument)
        case "jsonl", "csv": return .manifest(argument)
        default: return .video(argument)
        }
    }

    /// The videos, in a stable order (sorted paths for directories and globs, file order for lists).
    public func items() throws(FathomError) -> [CorpusItem] {
        switch self {
        case .video(let source):
            return [CorpusItem(source: source)]
        case .directory(let root, let extensions):
            return try Self.walk(root, extensions: extensions).map { CorpusItem(source: $0) }
        case .glob(let pattern):
            return Self.expand(pattern).map { CorpusItem(source: $0) }
        case .list(let path):
            return try Self.lines(of: path).map { line in CorpusItem(source: Self.resolve(line.text, against: path)) }
        case .manifest(let path):
            return try CorpusManifest.items(path)
        }
    }

    private static func walk(_ root: String, extensions: Set<String>) throws(FathomError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FathomError("corpus.notFound", "cannot list videos in '\(root)': no such directory")
        }
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw FathomError("corpus.unreadable", "cannot list videos in '\(root)'")
        }
        let found = walker.compactMap { $0 as? String }.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
        return found.sorted().map { (root as NSString).appendingPathComponent($0) }
    }

    private static func expand(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard Glibc.glob(pattern, GLOB_TILDE | GLOB_BRACE, nil, &matches) == 0 else { return [] }
        return (0 ..< Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }

    /// Non-blank, non-comment lines of a text file, with their 1-based line numbers.
    static func lines(of path: String) throws(FathomError) -> [(number: Int, text: String)] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FathomError(FileManager.default.fileExists(atPath: path) ? "corpus.unreadable" : "corpus.notFound", "cannot read the corpus list '\(path)': \(error.localizedDescription)")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty || text.hasPrefix("#") ? nil : (index + 1, text)
        }
    }

    /// A listed path relative to the folder of the list that names it; URLs and absolute paths as they are.
    static func resolve(_ entry: String, against listPath: String) -> String {
        guard !MediaFile.isURL(entry), !entry.hasPrefix("/") else { return entry }
        let folder = (listPath as NSString).deletingLastPathComponent
        return folder.isEmpty ? entry : (folder as NSString).appendingPathComponent(entry)
    }
}
