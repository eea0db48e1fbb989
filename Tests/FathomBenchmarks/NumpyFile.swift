import Foundation

/// Writes a little-endian float32 or uint8 array as a NumPy `.npy` file (format 1.0), so reference
/// implementations in Python run on exactly the frames and truth the Swift benchmark uses.
func writeNumpy<T: FixedWidthInteger & UnsignedInteger>(_ values: [T], shape: [Int], to path: String) throws {
    precondition(T.self == UInt8.self, "only uint8 integers are written")
    try writeNumpy(values.withUnsafeBytes { Data($0) }, descriptor: "|u1", shape: shape, to: path)
}

func writeNumpy(_ values: [Float], shape: [Int], to path: String) throws {
    try writeNumpy(values.withUnsafeBytes { Data($0) }, descriptor: "<f4", shape: shape, to: path)
}

private func writeNumpy(_ payload: Data, descriptor: String, shape: [Int], to path: String) throws {
    let dimensions = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
    var header = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': (\(dimensions)), }"
    // Magic (6) + version (2) + length (2) + header, padded with spaces and a newline to 64 bytes.
    header += String(repeating: " ", count: 63 - (10 + header.utf8.count) % 64) + "\n"
    var file = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    file.append(contentsOf: [UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)])
    file.append(contentsOf: Array(header.utf8))
    file.append(payload)
    try file.write(to: URL(fileURLWithPath: path), options: .atomic)
}
