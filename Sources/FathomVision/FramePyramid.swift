/// A frame's image pyramid with gradients at every level, computed once per frame and shared by
/// every flow pair the frame is part of (forward and backward).
public struct FramePyramid: Sendable {
    /// Level 0 is the full frame; each next level is half the size.
    public let levels: [GrayImage]
    public let gradientX: [GrayImage]
    public let gradientY: [GrayImage]

    /// Builds `levelCount` levels (fewer if the image gets smaller than 8 pixels).
    public init(_ image: GrayImage, levelCount: Int) {
        var levels = [image]
        while levels.count < levelCount, let last = levels.last, last.width >= 16, last.height >= 16 {
            levels.append(last.halved())
        }
        let gradients = levels.map { $0.gradients() }
        self.levels = levels
        gradientX = gradients.map(\.x)
        gradientY = gradients.map(\.y)
    }
}
