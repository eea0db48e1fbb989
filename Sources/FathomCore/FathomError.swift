/// An error that reads like a sentence: a stable code for machines, and a message for people that
/// names what failed, on which file, and what to do.
///
///     shards.cannotOpen: cannot open 'part-0003.h5' as HDF5: file signature not found
public struct FathomError: Error, Sendable, CustomStringConvertible, Equatable {
    /// `<stage>.<reason>`, e.g. `shards.cannotOpen`; stable across versions, safe to match on.
    public let code: String
    /// Human-readable text naming the subject and cause.
    public let message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
