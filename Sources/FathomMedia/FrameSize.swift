/// A picture size in pixels.
public struct FrameSize: Sendable, Equatable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)×\(height)" }

    /// The size a viewer sees scaled so its long side is at most `longSide` (rounded down to
    /// even), keeping the aspect ratio, with even sides (what encoders and chroma subsampling
    /// want), never larger than `self` rounded down to even: 640×480 → 320×240 for `longSide`
    /// 320 or 321, 641×481 → 640×480 for 1000.
    public func fitting(longSide: Int) -> FrameSize {
        let limit = Double(max(2, longSide - longSide % 2))
        let scale = min(1, limit / Double(max(width, height)))
        func even(_ side: Int) -> Int {
            let scaled = 2 * Int((Double(side) * scale / 2).rounded())
            return max(2, min(scaled, side - side % 2))
        }
        return FrameSize(width: even(width), height: even(height))
    }

    /// Width and height exchanged, as a quarter turn does.
    public var transposed: FrameSize { FrameSize(width: height, height: width) }
}
