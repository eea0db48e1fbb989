import FathomCore
import Foundation

/// The root attributes of a shard: which job and shard it belongs to, and what wrote it.
public struct ShardHeader: Sendable, Equatable {
    /// Contract name and version written into every shard.
    public static let schema = "fathom.shard/1"

    public var producer: String
    public var job: String
    public var shardIndex: Int
    public var shardCount: Int
    /// SHA-256 (lower-case hex) of the canonical job configuration.
    public var configSHA256: String
    /// ISO 8601 UTC, e.g. "2026-11-21T23:40:00Z".
    public var createdUTC: String

    public init(producer: String = "fathom \(FathomVersion.current)", job: String, shardIndex: Int, shardCount: Int,
                configSHA256: String, createdUTC: String = ShardHeader.utcNow()) {
        self.producer = producer
        self.job = job
        self.shardIndex = shardIndex
        self.shardCount = shardCount
        self.configSHA256 = configSHA256
        self.createdUTC = createdUTC
    }

    /// The current time in the contract's format.
    public static func utcNow() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
