/// How labels are stored: what the job's `compression` and label options choose.
public struct ShardWriterOptions: Sendable, Equatable {
    /// Precision of the `depth` dataset.
    public enum DepthPrecision: String, Sendable, CaseIterable {
        case float16, float32
    }

    /// gzip level 0–9 after byte shuffling (0 keeps the filters but stores raw blocks).
    public var compressionLevel: Int
    public var depthPrecision: DepthPrecision
    /// Whether `rgb` is stored; when false it is dropped even if the labels carry it.
    public var storeRGB: Bool

    /// Level 4 gives almost all of gzip's size reduction at a fraction of level 9's time.
    public init(compressionLevel: Int = 4, depthPrecision: DepthPrecision = .float16, storeRGB: Bool = true) {
        precondition((0 ... 9).contains(compressionLevel), "gzip level must be 0...9, got \(compressionLevel)")
        self.compressionLevel = compressionLevel
        self.depthPrecision = depthPrecision
        self.storeRGB = storeRGB
    }
}
