import FathomCore
import Foundation

/// SHA-256 of a file's bytes, read in blocks: the checksum the journal and dataset index give
/// for every part file, so a copied dataset can be verified.
enum FileChecksum {
    static func sha256(_ path: String) throws(FathomError) -> (hex: String, bytes: Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FathomError("io.cannotOpen", "cannot open '\(path)' to checksum it; check it exists and is readable")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total = 0
        while true {
            let block: Data
            do { block = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw FathomError("io.cannotRead", "cannot read '\(path)' to checksum it: \(error.localizedDescription)")
            }
            if block.isEmpty { break }
            total += block.count
            block.withUnsafeBytes { hasher.update($0.bindMemory(to: UInt8.self)) }
        }
        return (hasher.finalizeHex(), total)
    }
}
