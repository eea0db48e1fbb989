import FathomCore

/// Checks shards against the compiled-in `fathom.shard/1` schema: structure, attribute types and
/// values, dataset dtypes, shapes, storage (chunking, standard filters only) and value sanity, and
/// clip ids unique across every file validated together.
///
/// Never crashes or hangs on a bad file: every failure becomes a `ValidationProblem` naming the
/// file and the path inside it.
public struct ShardValidator: Sendable {
    public static let maxProblemsPerFile = 50
    /// HDF5 filters every stock build has: deflate, shuffle, fletcher32, nbit, scaleoffset.
    static let standardFilters: Set = [1, 2, 3, 5, 6]

    public let schema: ShardSchema

    public init(schema: ShardSchema = .current) {
        self.schema = schema
    }

    /// Validates `paths` in order; `progress` is told each file as it finishes.
    public func validate(_ paths: [String], progress: (FileValidation) -> Void = { _ in }) -> ValidationReport {
        var firstFileOfClip: [String: String] = [:]
        var results: [FileValidation] = []
        for path in paths {
            var (result, clipIDs) = validateFile(path)
            for id in clipIDs {
                if let other = firstFileOfClip[id] {
                    let location = "/\(schema.clipsGroup)/\(id)"
                    let where_ = other == path ? "twice in this file" : "also in '\(other)'"
                    result.problems.append(ValidationProblem(location: location, code: "shards.duplicateClip",
                                                             message: "clip id '\(id)' is \(where_); clip ids must be unique across a dataset"))
                    result.status = .invalid
                } else {
                    firstFileOfClip[id] = path
                }
            }
            progress(result)
            results.append(result)
        }
        return ValidationReport(files: results)
    }

    private func validateFile(_ path: String) -> (FileValidation, [String]) {
        let file: HDF5File
        do {
            file = try HDF5File.openReadOnly(path)
        } catch {
            return (FileValidation(file: path, status: .unreadable, clips: 0,
                                   problems: [ValidationProblem(location: "", code: error.code, message: error.message)]), [])
        }
        var problems = Problems()
        var clipIDs: [String] = []
        do {
            let root = try file.root()
            let rootValues = try checkAttributes(schema.rootAttributes, of: root, dimensions: [:], into: &problems)
            if case .string(let name)? = rootValues["schema"], name != schema.schema {
                return (FileValidation(file: path, status: .invalid, clips: 0, problems: problems.list), [])
            }
            if try root.childKind(schema.clipsGroup) != .group {
                problems.add("/", "shards.missing", "group '/\(schema.clipsGroup)' is missing; every shard has one, even when empty")
            } else {
                let clips = try root.group(schema.clipsGroup)
                clipIDs = try clips.childNames()
                for id in clipIDs where !problems.isFull {
                    checkClip(id, in: clips, into: &problems)
                }
            }
        } catch {
            problems.add("", error.code, error.message)
        }
        let status: FileValidation.Status = problems.list.isEmpty ? .valid : .invalid
        return (FileValidation(file: path, status: status, clips: clipIDs.count, problems: problems.list), clipIDs)
    }

    private func checkClip(_ id: String, in clips: HDF5Group, into problems: inout Problems) {
        let clipPath = "/\(schema.clipsGroup)/\(id)"
        do {
            guard try clips.childKind(id) == .group else {
                problems.add(clipPath, "shards.notAGroup", "expected a clip group, found another kind of object")
                return
            }
            let clip = try clips.group(id)
            var dimensions: [String: Int] = [:]
            let values = try checkAttributes(schema.clipAttributes, of: clip, dimensions: [:], into: &problems)
            for attribute in schema.clipAttributes {
                if let dimension = attribute.dimension, case .int(let extent)? = values[attribute.name] {
                    dimensions[dimension] = Int(extent)
                }
            }
            // Attributes bounded by a dimension (reference_frame < T) are checked once T is known.
            _ = try checkAttributes(schema.clipAttributes.filter { $0.lessThanDimension != nil }, of: clip,
                                    dimensions: dimensions, into: &problems, boundsOnly: true)
            let query = try lookUp("tracks/query", in: clip)
            if let query, let n = query.shape.first { dimensions["N"] = n }
            for spec in schema.datasets where !problems.isFull {
                try checkDataset(spec, in: clip, clipPath: clipPath, dimensions: dimensions, into: &problems)
            }
        } catch {
            problems.add(clipPath, error.code, error.message)
        }
    }

    /// Opens a dataset by a relative path such as "camera/K", or nil when any part is missing.
    private func lookUp(_ relativePath: String, in group: HDF5Group) throws(FathomError) -> HDF5Dataset? {
        var parts = relativePath.split(separator: "/").map(String.init)
        let name = parts.removeLast()
        var current = group
        for part in parts {
            guard try current.childKind(part) == .group else { return nil }
            current = try current.group(part)
        }
        guard try current.childKind(name) == .dataset else { return nil }
        return try current.dataset(name)
    }

    private func checkDataset(_ spec: ShardSchema.Dataset, in clip: HDF5Group, clipPath: String,
                              dimensions: [String: Int], into problems: inout Problems) throws(FathomError) {
        let location = "\(clipPath)/\(spec.path)"
        guard let dataset = try lookUp(spec.path, in: clip) else {
            if spec.required { problems.add(location, "shards.missing", "required dataset is missing (\(spec.doc))") }
            return
        }
        let dtype = try dataset.dtypeName()
        guard spec.dtypes.contains(dtype) else {
            problems.add(location, "shards.badDtype", "dtype is \(dtype), expected \(spec.dtypes.joined(separator: " or "))")
            return
        }
        let expected = spec.shape.map { extent -> Int? in
            switch extent {
            case .fixed(let value): value
            case .dimension(let name): dimensions[name]
            }
        }
        let shapeMatches = expected.count == dataset.shape.count
            && zip(expected, dataset.shape).allSatisfy { wanted, actual in wanted.map { $0 == actual } ?? true }
        guard shapeMatches else {
            let wanted = spec.shape.map { extent -> String in
                if case .dimension(let name) = extent, let value = dimensions[name] { return "\(name)=\(value)" }
                return extent.description
            }
            problems.add(location, "shards.badShape", "shape is \(dataset.shape), expected [\(wanted.joined(separator: ", "))]")
            return
        }
        let filters = try dataset.filterIDs()
        if let unusual = filters.first(where: { !Self.standardFilters.contains($0) }) {
            problems.add(location, "shards.nonstandardFilter",
                         "uses HDF5 filter \(unusual), which needs a plugin most readers lack; only shuffle and gzip are allowed")
        }
        if spec.chunk == "frame", dataset.shape.reduce(1, *) > 0 {
            let wanted = [1] + dataset.shape.dropFirst()
            let chunk = try dataset.chunkShape()
            if chunk != wanted {
                problems.add(location, "shards.badChunks",
                             "chunks are \(chunk.map { "\($0)" } ?? "none (contiguous)"), expected one frame per chunk \(wanted)")
            }
        }
        for name in spec.checks ?? [] {
            guard let check = ValueCheck(rawValue: name) else {
                preconditionFailure("Schemas/fathom.shard-1.json names an unknown check '\(name)'")
            }
            if let problem = try check.run(on: dataset, frameCount: dimensions["T"], tolerances: schema.tolerances) {
                problems.add(location, "shards.badValue", problem)
            }
        }
    }

    /// Checks attributes' presence, types and constraints; returns the values found.
    private func checkAttributes(_ specs: [ShardSchema.Attribute], of object: some HDF5Object, dimensions: [String: Int],
                                 into problems: inout Problems, boundsOnly: Bool = false) throws(FathomError) -> [String: HDF5AttributeValue] {
        let location = object.location.path
        var values: [String: HDF5AttributeValue] = [:]
        for spec in specs {
            guard let value = try object.attribute(spec.name) else {
                if !boundsOnly { problems.add(location, "shards.missingAttribute", "attribute '\(spec.name)' is missing (\(spec.doc))") }
                continue
            }
            values[spec.name] = value
            guard value.typeName == spec.type else {
                if !boundsOnly {
                    problems.add(location, "shards.badAttribute", "attribute '\(spec.name)' is of type \(value.typeName), expected \(spec.type)")
                }
                continue
            }
            if boundsOnly {
                if let dimension = spec.lessThanDimension, let bound = dimensions[dimension], case .int(let number) = value, number >= bound {
                    problems.add(location, "shards.badAttribute", "attribute '\(spec.name)' is \(number), expected less than \(dimension) = \(bound)")
                }
                continue
            }
            if let problem = constraintProblem(spec, value, siblings: { try? object.attribute($0) }) {
                problems.add(location, "shards.badAttribute", "attribute '\(spec.name)' \(problem)")
            }
        }
        return values
    }

    private func constraintProblem(_ spec: ShardSchema.Attribute, _ value: HDF5AttributeValue,
                                   siblings: (String) -> HDF5AttributeValue??) -> String? {
        switch value {
        case .string(let text):
            if let wanted = spec.equals, text != wanted { return "is '\(text)', expected '\(wanted)'" }
            if let allowed = spec.enum, !allowed.contains(text) { return "is '\(text)', expected one of \(allowed.joined(separator: ", "))" }
            if let pattern = spec.pattern, let regex = try? Regex(pattern), (try? regex.wholeMatch(in: text)) == nil {
                return "is '\(text)', which does not match \(pattern)"
            }
        case .int, .float:
            let number: Double = if case .int(let i) = value { Double(i) } else if case .float(let f) = value { f } else { .nan }
            if !number.isFinite { return "is \(number), expected a finite number" }
            if let min = spec.min, number < min { return "is \(number), expected at least \(min)" }
            if let min = spec.exclusiveMin, number <= min { return "is \(number), expected more than \(min)" }
            if let other = spec.lessThanAttribute, case .int(let bound)?? = siblings(other), number >= Double(bound) {
                return "is \(number), expected less than '\(other)' (\(bound))"
            }
        case .other:
            break
        }
        return nil
    }
}

/// Problems found in one file, capped so a badly broken file gives a readable report.
private struct Problems {
    private(set) var list: [ValidationProblem] = []
    private var dropped = 0

    var isFull: Bool { list.count >= ShardValidator.maxProblemsPerFile }

    mutating func add(_ location: String, _ code: String, _ message: String) {
        if isFull {
            dropped += 1
            list[list.count - 1] = ValidationProblem(location: "", code: "shards.manyProblems",
                                                     message: "\(dropped + 1) more problems not listed")
        } else {
            list.append(ValidationProblem(location: location, code: code, message: message))
        }
    }
}
