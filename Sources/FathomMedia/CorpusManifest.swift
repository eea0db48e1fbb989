import FathomCore
import Foundation

/// Reads corpus manifests: JSON Lines (one object per line) or CSV with a header row, with the
/// fields `id` (optional), `path` (required; a path relative to the manifest, or a URL), `fx`,
/// `fy`, `cx`, `cy` (optional, all four or none: intrinsics in displayed pixels) and `start`,
/// `end` (optional, seconds).
///
///     {"id": "bear", "path": "clips/bear.mp4", "fx": 500, "fy": 500, "cx": 320, "cy": 240, "start": 2.5}
///
///     id,path,fx,fy,cx,cy,start,end
///     bear,clips/bear.mp4,500,500,320,240,2.5,
public enum CorpusManifest {
    public static func items(_ path: String) throws(FathomError) -> [CorpusItem] {
        let isCSV = (path as NSString).pathExtension.lowercased() == "csv"
        let lines = try CorpusSource.lines(of: path)
        let rows = isCSV ? try csvRows(lines, path: path) : try jsonRows(lines, path: path)
        return try rows.map { row throws(FathomError) in try item(row.fields, line: row.line, manifest: path) }
    }

    private typealias Row = (line: Int, fields: [String: String])

    private static func jsonRows(_ lines: [(number: Int, text: String)], path: String) throws(FathomError) -> [Row] {
        try lines.map { line throws(FathomError) in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.text.utf8)) as? [String: Any] else {
                throw FathomError("corpus.badManifest", "'\(path)' line \(line.number): not a JSON object: \(line.text.prefix(80))")
            }
            var fields: [String: String] = [:]
            for (key, value) in object where !(value is NSNull) {
                fields[key] = (value as? String) ?? (value as? NSNumber)?.stringValue ?? "\(value)"
            }
            return (line.number, fields)
        }
    }

    private static func csvRows(_ lines: [(number: Int, text: String)], path: String) throws(FathomError) -> [Row] {
        guard let header = lines.first else { return [] }
        let names = try csvFields(header.text, line: header.number, path: path).map { $0.lowercased() }
        return try lines.dropFirst().map { line throws(FathomError) in
            let values = try csvFields(line.text, line: line.number, path: path)
            guard values.count <= names.count else {
                throw FathomError("corpus.badManifest", "'\(path)' line \(line.number): \(values.count) fields, but the header names \(names.count)")
            }
            var fields: [String: String] = [:]
            for (name, value) in zip(names, values) where !value.isEmpty { fields[name] = value }
            return (line.number, fields)
        }
    }

    /// The fields of one CSV line (RFC 4180: fields may be quoted, `""` is a quote inside quotes).
    static func csvFields(_ line: String, line number: Int, path: String) throws(FathomError) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var characters = line.makeIterator()
        while let character = characters.next() {
            if quoted {
                if character == "\"" {
                    if let following = characters.next() {
                        if following == "\"" { field.append("\"") } else {
                            quoted = false
                            if following == "," { fields.append(field); field = "" } else { field.append(following) }
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && field.isEmpty {
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        guard !quoted else { throw FathomError("corpus.badManifest", "'\(path)' line \(number): unterminated quoted field") }
        fields.append(field)
        return fields.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private static func item(_ fields: [String: String], line: Int, manifest: String) throws(FathomError) -> CorpusItem {
        func fail(_ what: String) -> FathomError { FathomError("corpus.badManifest", "'\(manifest)' line \(line): \(what)") }
        func number(_ key: String) throws(FathomError) -> Double? {
            guard let text = fields[key] else { return nil }
            guard let value = Double(text), value.isFinite else { throw fail("\(key) '\(text)' is not a number") }
            return value
        }
        guard let path = fields["path"], !path.isEmpty else { throw fail("no 'path'") }
        let known = try ["fx", "fy", "cx", "cy"].map { key throws(FathomError) in try number(key) }
        var intrinsics: PinholeIntrinsics?
        if known.contains(where: { $0 != nil }) {
            guard let fx = known[0], let fy = known[1], let cx = known[2], let cy = known[3] else {
                throw fail("give all of fx, fy, cx, cy or none of them")
            }
            guard fx > 0, fy > 0 else { throw fail("focal lengths must be positive (fx \(fx), fy \(fy))") }
            intrinsics = PinholeIntrinsics(fx: fx, fy: fy, cx: cx, cy: cy)
        }
        let start = try number("start"), end = try number("end")
        if let start, start < 0 { throw fail("start \(start) s is negative") }
        if let start, let end, end <= start { throw fail("end \(end) s is not after start \(start) s") }
        return CorpusItem(id: fields["id"], source: CorpusSource.resolve(path, against: manifest), intrinsics: intrinsics,
                          startSeconds: start, endSeconds: end)
    }
}
