import CCrypto
import FathomCore
import Foundation

/// SHA-256 of a file's bytes, read in blocks: the checksum the journal and dataset index give
/// for every part file, so a copied dataset can be verified. libcrypto's, which uses the CPU's
/// SHA instructions: a part of a few hundred megabytes is hashed in a fraction of a second.
enum FileChecksum {
    static func sha256(_ path: String) throws(FathomError) -> (hex: String, bytes: Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FathomError("io.cannotOpen", "cannot open '\(path)' to checksum it; check it exists and is readable")
        }
        defer { try? handle.close() }
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("libcrypto cannot allocate a digest context (out of memory?)") }
        defer { EVP_MD_CTX_free(context) }
        precondition(EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1, "libcrypto has no SHA-256")
        var total = 0
        while true {
            let block: Data
            do { block = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw FathomError("io.cannotRead", "cannot read '\(path)' to checksum it: \(error.localizedDescription)")
            }
            if block.isEmpty { break }
            total += block.count
            block.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(context, &digest, &length) == 1 && length == 32, "libcrypto could not finish a SHA-256")
        return (digest.map { String(format: "%02x", $0) }.joined(), total)
    }
}
