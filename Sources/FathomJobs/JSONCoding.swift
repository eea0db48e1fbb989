import FathomCore
import Foundation

/// The one JSON convention of job files (plan, journal, stats, index): snake_case keys, sorted,
/// slashes unescaped, so files diff cleanly and read naturally from Python.
public enum JSONCoding {
    public static func encode(_ value: some Encodable, pretty: Bool) throws(FathomError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return Array(try encoder.encode(value)) + (pretty ? [0x0A] : []) } catch {
            throw FathomError("jobs.cannotEncode", "cannot encode \(type(of: value)) as JSON: \(error)")
        }
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in CamelKey(snake: path.last!.stringValue) }
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

/// A snake_case JSON key as the Swift property it was encoded from: `config_sha256` →
/// `configSHA256`, `created_utc` → `createdUTC` (Foundation's own strategy would give
/// `configSha256`, which matches no property).
struct CamelKey: CodingKey {
    static let acronyms: Set<String> = ["sha256", "utc"]
    var stringValue: String
    var intValue: Int? { nil }

    init(snake: String) {
        let words = snake.split(separator: "_").map(String.init)
        stringValue = (words.first ?? "") + words.dropFirst().map { Self.acronyms.contains($0) ? $0.uppercased() : $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
