/// One thing wrong with a shard: where, what, in words.
public struct ValidationProblem: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Path inside the HDF5 file ("/", "/clips/x/depth"), or "" for the file as a whole.
    public var location: String
    /// Stable code, e.g. "shards.badShape".
    public var code: String
    public var message: String

    public var description: String { location.isEmpty ? message : "\(location): \(message)" }
}

/// The verdict on one file.
public struct FileValidation: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Every check passed.
        case valid
        /// Opened, but breaks the contract; `problems` says how.
        case invalid
        /// Could not be opened as HDF5 at all (missing, empty, not HDF5, damaged header).
        case unreadable
    }

    public var file: String
    public var status: Status
    public var clips: Int
    /// At most `ShardValidator.maxProblemsPerFile`, then one saying how many more there were.
    public var problems: [ValidationProblem]
}

/// The verdict on all files validated together (clip ids must be unique across them).
public struct ValidationReport: Sendable, Codable, Equatable {
    public var files: [FileValidation]

    /// 0 when every file is valid, 2 when any could not be read, else 1.
    public var exitCode: Int32 {
        if files.contains(where: { $0.status == .unreadable }) { return 2 }
        return files.allSatisfy { $0.status == .valid } ? 0 : 1
    }
}
