/// How labels are stored: what the job's `compression` and label options choose.
public struct ShardWriterOptions: Sendable, Equatable {
    /// Precision of the `depth` dataset.
    public enum DepthPrecision: String, Sendable, CaseIterable {
        case float16, float32
    }

    /// Deflate (gzip) level 0–9 after byte shuffling, on libdeflate's scale (0 keeps the filters
    /// but stores raw blocks).
    public var compressionLevel: Int
    public var depthPrecision: DepthPrecision
    /// Whether `rgb` is stored; when false it is dropped even if the labels carry it.
    public var storeRGB: Bool

    /// Level 2: compression is nearly all of the write cost. Measured on the demo's labels
    /// (320×240, decoded from H.264), with libdeflate: 34 % less CPU than zlib's level 2, files
    /// 0.7 % smaller; level 1 saves another 20 % of that CPU for files 5 % larger; level 6 costs
    /// 37 % more for files 2.4 % smaller.
    public init(compressionLevel: Int = 2, depthPrecision: DepthPrecision = .float16, storeRGB: Bool = true) {
        precondition((0 ... 9).contains(compressionLevel), "deflate level must be 0...9, got \(compressionLevel)")
        self.compressionLevel = compressionLevel
        self.depthPrecision = depthPrecision
        self.storeRGB = storeRGB
    }
}
