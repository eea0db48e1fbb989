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

    /// Level 2: gzip is nearly all of the write stage's time, and levels 1–3 use zlib's fast
    /// matcher. Measured on fathom's labels at 320×240, against level 4: 27–30 % less gzip CPU,
    /// files 0.2 % smaller (frames decoded from H.264) to 3.6 % larger (lossless renders); level 1
    /// saves little more and grows files by 1.4–5.7 %.
    public init(compressionLevel: Int = 2, depthPrecision: DepthPrecision = .float16, storeRGB: Bool = true) {
        precondition((0 ... 9).contains(compressionLevel), "gzip level must be 0...9, got \(compressionLevel)")
        self.compressionLevel = compressionLevel
        self.depthPrecision = depthPrecision
        self.storeRGB = storeRGB
    }
}
