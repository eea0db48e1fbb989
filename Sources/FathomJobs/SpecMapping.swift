import FathomCore
import Yams

/// One YAML mapping of a job file, read strictly: every value is checked as it is read, and
/// `finish()` rejects keys nobody asked for, so a typo never silently falls back to a default.
/// Every error names the file and line, the key's full path, the value, and what is allowed.
final class SpecMapping {
    let file: String
    /// Dotted path of this mapping inside the file ("" for the top level).
    let path: String
    private let entries: [(key: String, value: Node)]
    private let line: Int?
    private var known: [String] = []

    init(_ node: Node, path: String, file: String) throws(FathomError) {
        self.file = file
        self.path = path
        line = node.mark?.line
        guard let mapping = node.mapping else {
            let what = path.isEmpty ? "the job file" : "'\(path)'"
            throw FathomError("job.badValue", "\(Self.place(file, node.mark?.line)): \(what) must be a mapping of keys to values, got \(Self.describe(node))")
        }
        var entries: [(key: String, value: Node)] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                throw FathomError("job.badValue", "\(Self.place(file, key.mark?.line)): keys in \(path.isEmpty ? "the job file" : "'\(path)'") must be plain names")
            }
            guard !entries.contains(where: { $0.key == name }) else {
                throw FathomError("job.duplicateKey", "\(Self.place(file, key.mark?.line)): '\(Self.join(path, name))' is given twice; keep one")
            }
            entries.append((name, value))
        }
        self.entries = entries
    }

    /// The value of `key`, or nil when it is absent or null. Marks the key as known.
    func node(_ key: String) -> Node? {
        known.append(key)
        guard let value = entries.first(where: { $0.key == key })?.value, value.null == nil else { return nil }
        return value
    }

    /// Whether the mapping has `key` (null or not); does not mark it known.
    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    func mapping(_ key: String) throws(FathomError) -> SpecMapping? {
        guard let node = node(key) else { return nil }
        return try SpecMapping(node, path: Self.join(path, key), file: file)
    }

    func int(_ key: String, default fallback: Int?, range: ClosedRange<Int>) throws(FathomError) -> Int? {
        guard let node = node(key) else { return fallback }
        let allowed = "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard node.scalar != nil, node.tagName == .int, let value = node.int else { throw bad(key, node, allowed: allowed) }
        guard range.contains(value) else { throw bad(key, node, allowed: allowed) }
        return value
    }

    /// A number in `range`; `open` excludes the lower bound (for "must be positive").
    func double(_ key: String, default fallback: Double?, range: ClosedRange<Double>, openBelow: Bool = false) throws(FathomError) -> Double? {
        guard let node = node(key) else { return fallback }
        let lower = openBelow ? "greater than \(Self.number(range.lowerBound))" : "from \(Self.number(range.lowerBound))"
        let allowed = "a number \(lower) to \(Self.number(range.upperBound))"
        guard node.scalar != nil, [.int, .float].contains(node.tagName), let value = node.float, value.isFinite else {
            throw bad(key, node, allowed: allowed)
        }
        guard range.contains(value), !(openBelow && value == range.lowerBound) else { throw bad(key, node, allowed: allowed) }
        return value
    }

    func bool(_ key: String, default fallback: Bool) throws(FathomError) -> Bool {
        guard let node = node(key) else { return fallback }
        guard node.scalar != nil, node.tagName == .bool, let value = node.bool else { throw bad(key, node, allowed: "true or false") }
        return value
    }

    func string(_ key: String, default fallback: String?) throws(FathomError) -> String? {
        guard let node = node(key) else { return fallback }
        guard let scalar = node.scalar, node.tagName == .str, !scalar.string.isEmpty else { throw bad(key, node, allowed: "a non-empty string") }
        return scalar.string
    }

    func choice(_ key: String, default fallback: String, allowed: [String]) throws(FathomError) -> String {
        guard let node = node(key) else { return fallback }
        guard let text = node.scalar?.string, allowed.contains(text) else { throw bad(key, node, allowed: allowed.joined(separator: ", ")) }
        return text
    }

    /// A list of non-empty strings; a single string counts as a list of one.
    func strings(_ key: String) throws(FathomError) -> [String]? {
        guard let node = node(key) else { return nil }
        let items = node.sequence.map(Array.init) ?? [node]
        guard !items.isEmpty else { throw bad(key, node, allowed: "a string or a non-empty list of strings") }
        var values: [String] = []
        for item in items {
            guard let scalar = item.scalar, item.tagName == .str, !scalar.string.isEmpty else {
                throw bad(key, item, allowed: "a string or a non-empty list of strings")
            }
            values.append(scalar.string)
        }
        return values
    }

    /// Rejects keys that no reader asked for, suggesting the closest known one.
    func finish() throws(FathomError) {
        for (key, value) in entries where !known.contains(key) {
            let closest = known.min { Self.editDistance($0, key) < Self.editDistance($1, key) }
            let hint = closest.flatMap { Self.editDistance($0, key) <= 3 ? " (did you mean '\($0)'?)" : nil } ?? ""
            let scope = path.isEmpty ? "at the top level" : "in '\(path)'"
            throw FathomError("job.unknownKey", "\(Self.place(file, value.mark?.line ?? line)): unknown key '\(Self.join(path, key))'\(hint); allowed \(scope): \(known.joined(separator: ", "))")
        }
    }

    /// An error for `key`'s value: where, what was given, what is allowed.
    func bad(_ key: String, _ node: Node, allowed: String) -> FathomError {
        FathomError("job.badValue", "\(Self.place(file, node.mark?.line)): '\(Self.join(path, key))' is \(Self.describe(node)); allowed: \(allowed)")
    }

    func missing(_ key: String, _ what: String) -> FathomError {
        FathomError("job.missingKey", "\(Self.place(file, line)): '\(Self.join(path, key))' is required: \(what)")
    }

    static func place(_ file: String, _ line: Int?) -> String {
        line.map { "\(file) line \($0)" } ?? file
    }

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    private static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0 ... b.count)
        for i in 1 ... max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1 ... max(b.count, 1) where !b.isEmpty {
                let saved = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = saved
            }
        }
        return row[b.count]
    }
}

extension Node {
    /// The resolved YAML type of the node (int, float, bool, str, null, …).
    fileprivate var tagName: Tag.Name { Tag.Name(rawValue: tag.description) }
}
