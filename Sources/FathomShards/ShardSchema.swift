import FathomCore
import Foundation

/// The `fathom.shard/1` contract as data, decoded from `Schemas/fathom.shard-1.json`, which is
/// compiled into the binary: the validator checks exactly what the published file says, and the
/// names are never typed twice.
public struct ShardSchema: Decodable, Sendable {
    /// An attribute the contract requires on the root or on every clip group.
    public struct Attribute: Decodable, Sendable {
        public var name: String
        /// "string", "int" or "float".
        public var type: String
        public var equals: String?
        public var `enum`: [String]?
        public var pattern: String?
        public var min: Double?
        public var exclusiveMin: Double?
        /// The attribute gives this dimension's extent (T, H or W).
        public var dimension: String?
        /// The value must be less than this dimension.
        public var lessThanDimension: String?
        /// The value must be less than this other attribute.
        public var lessThanAttribute: String?
        public var doc: String
    }

    /// A dataset of each clip group.
    public struct Dataset: Decodable, Sendable {
        /// Relative to the clip group, e.g. "camera/K".
        public var path: String
        /// Allowed stored types, numpy spelling.
        public var dtypes: [String]
        /// Each entry a dimension letter ("T") or a fixed extent (3).
        public var shape: [Extent]
        public var required: Bool
        /// "frame": chunked one frame per chunk.
        public var chunk: String?
        /// Names of value checks, see `ValueCheck`.
        public var checks: [String]?
        public var doc: String
    }

    /// One axis of a dataset's shape.
    public enum Extent: Decodable, Sendable, CustomStringConvertible {
        case dimension(String)
        case fixed(Int)

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let fixed = try? container.decode(Int.self) { self = .fixed(fixed) } else { self = .dimension(try container.decode(String.self)) }
        }

        public var description: String {
            switch self {
            case .dimension(let name): name
            case .fixed(let extent): "\(extent)"
            }
        }
    }

    public struct Tolerances: Decodable, Sendable {
        public var rotationOrthonormality: Double
        public var rotationDeterminant: Double
    }

    public var schema: String
    public var rootAttributes: [Attribute]
    public var clipsGroup: String
    public var clipAttributes: [Attribute]
    public var datasets: [Dataset]
    public var tolerances: Tolerances

    /// The contract this build of Fathom writes and checks.
    public static let current: ShardSchema = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(ShardSchema.self, from: Data(PackageResources.fathom_shard_1_json))
        } catch {
            fatalError("the compiled-in Schemas/fathom.shard-1.json does not decode: \(error)")
        }
    }()
}
