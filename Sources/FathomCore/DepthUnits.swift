/// Whether depth and translations are in metres or share one unknown scale per clip.
public enum DepthUnits: String, Sendable, CaseIterable, Codable {
    /// Correct up to one unknown scale per clip (monocular reconstruction without a metric hint).
    case relative
    /// Metres.
    case metric
}
