import CHDF5
import FathomCore

/// A value of an HDF5 attribute, as far as Fathom's contract uses them.
enum HDF5AttributeValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case float(Double)
    /// Anything else (arrays, compound types…), described for messages.
    case other(String)

    /// How `Schemas/` names the type: "string", "int", "float", or the description.
    var typeName: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .float: "float"
        case .other(let description): description
        }
    }
}

/// Groups and datasets: both carry attributes.
protocol HDF5Object {
    var location: HDF5Group.Location { get }
}

extension HDF5Object {
    func setAttribute(_ name: String, _ value: HDF5AttributeValue) throws(FathomError) {
        try HDF5Library.locked { () throws(FathomError) in
            let what = "cannot write attribute '\(name)' of '\(location.path)' in '\(location.file.path)'"
            let space = HDF5Handle(try HDF5Library.check(H5Screate(H5S_SCALAR), "shards.internal", what), close: H5Sclose)
            let type: HDF5Handle
            switch value {
            case .string:
                type = HDF5Handle(H5Tcopy(fathom_H5T_C_S1()), close: H5Tclose)
                H5Tset_size(type.id, fathom_H5T_VARIABLE())
                H5Tset_cset(type.id, H5T_CSET_UTF8)
            case .int: type = HDF5Handle(H5Tcopy(fathom_H5T_NATIVE_INT64()), close: H5Tclose)
            case .float: type = HDF5Handle(H5Tcopy(fathom_H5T_NATIVE_DOUBLE()), close: H5Tclose)
            case .other(let description): preconditionFailure("cannot write an attribute of type \(description)")
            }
            let attribute = HDF5Handle(
                try HDF5Library.check(H5Acreate2(location.handle.id, name, type.id, space.id, fathom_H5P_DEFAULT(), fathom_H5P_DEFAULT()),
                                      "shards.cannotCreate", what),
                close: H5Aclose)
            let status: herr_t
            switch value {
            case .string(let text):
                status = text.withCString { pointer in
                    var pointers: [UnsafePointer<CChar>?] = [pointer]
                    return H5Awrite(attribute.id, type.id, &pointers)
                }
            case .int(var number): status = H5Awrite(attribute.id, type.id, &number)
            case .float(var number): status = H5Awrite(attribute.id, type.id, &number)
            case .other: status = -1
            }
            try HDF5Library.check(status, "shards.cannotWrite", what)
        }
    }

    /// Attribute names in creation order.
    func attributeNames() throws(FathomError) -> [String] {
        try HDF5Library.locked { () throws(FathomError) in
            var names: [String] = []
            let visit: H5A_operator2_t = { _, name, _, context in
                if let name, let context { context.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name)) }
                return 0
            }
            var index: hsize_t = 0
            let status = withUnsafeMutablePointer(to: &names) { pointer in
                H5Aiterate2(location.handle.id, H5_INDEX_NAME, H5_ITER_INC, &index, visit, pointer)
            }
            try HDF5Library.check(status, "shards.damaged", "cannot list attributes of '\(location.path)' in '\(location.file.path)'")
            return names
        }
    }

    /// The attribute's value, or nil when it does not exist.
    func attribute(_ name: String) throws(FathomError) -> HDF5AttributeValue? {
        try HDF5Library.locked { () throws(FathomError) in
            let what = "cannot read attribute '\(name)' of '\(location.path)' in '\(location.file.path)'"
            guard try HDF5Library.check(H5Aexists(location.handle.id, name), "shards.damaged", what) > 0 else { return nil }
            let attribute = HDF5Handle(try HDF5Library.check(H5Aopen(location.handle.id, name, fathom_H5P_DEFAULT()), "shards.damaged", what),
                                       close: H5Aclose)
            let type = HDF5Handle(try HDF5Library.check(H5Aget_type(attribute.id), "shards.damaged", what), close: H5Tclose)
            let space = HDF5Handle(try HDF5Library.check(H5Aget_space(attribute.id), "shards.damaged", what), close: H5Sclose)
            let points = H5Sget_simple_extent_npoints(space.id)
            let typeClass = H5Tget_class(type.id)
            guard points == 1 else { return .other("array of \(points) \(describe(typeClass))") }
            switch typeClass {
            case H5T_STRING:
                if H5Tis_variable_str(type.id) > 0 {
                    let memory = HDF5Handle(H5Tcopy(fathom_H5T_C_S1()), close: H5Tclose)
                    H5Tset_size(memory.id, fathom_H5T_VARIABLE())
                    H5Tset_cset(memory.id, H5Tget_cset(type.id))
                    var pointer: UnsafeMutablePointer<CChar>? = nil
                    try HDF5Library.check(H5Aread(attribute.id, memory.id, &pointer), "shards.damaged", what)
                    defer { H5free_memory(pointer) }
                    return .string(pointer.map { String(cString: $0) } ?? "")
                }
                let size = H5Tget_size(type.id)
                var bytes = [UInt8](repeating: 0, count: size + 1)
                try HDF5Library.check(H5Aread(attribute.id, type.id, &bytes), "shards.damaged", what)
                return .string(String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self))
            case H5T_INTEGER:
                var number: Int64 = 0
                try HDF5Library.check(H5Aread(attribute.id, fathom_H5T_NATIVE_INT64(), &number), "shards.damaged", what)
                return .int(number)
            case H5T_FLOAT:
                var number: Double = 0
                try HDF5Library.check(H5Aread(attribute.id, fathom_H5T_NATIVE_DOUBLE(), &number), "shards.damaged", what)
                return .float(number)
            default:
                return .other(describe(typeClass))
            }
        }
    }
}

private func describe(_ typeClass: H5T_class_t) -> String {
    switch typeClass {
    case H5T_INTEGER: "integer"
    case H5T_FLOAT: "float"
    case H5T_STRING: "string"
    case H5T_COMPOUND: "compound"
    case H5T_ARRAY: "array"
    case H5T_ENUM: "enum"
    case H5T_VLEN: "variable-length sequence"
    case H5T_REFERENCE: "reference"
    default: "opaque"
    }
}
