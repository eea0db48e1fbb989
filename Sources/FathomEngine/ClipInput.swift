import FathomCore
import FathomVision

/// One clip as the engine receives it: decoded frames at the working resolution and where they came
/// from. Independent of how they were decoded, so synthetic renders and real videos enter alike.
public struct ClipInput: Sendable {
    public var id: String
    public var source: String
    public var fps: Double
    /// [T] frame numbers in the decoded source, strictly increasing.
    public var frameIndex: [Int64]
    /// [T] presentation times in seconds.
    public var timestamp: [Double]
    /// [T, H, W, 3] sRGB frames.
    public var rgb: Tensor<UInt8>
    /// Intrinsics known from the job or manifest, in label pixels; nil to estimate them.
    public var knownIntrinsics: PinholeIntrinsics?

    public init(id: String, source: String, fps: Double, frameIndex: [Int64], timestamp: [Double], rgb: Tensor<UInt8>,
                knownIntrinsics: PinholeIntrinsics? = nil) {
        precondition(rgb.shape.count == 4 && rgb.shape[3] == 3, "clip RGB must have shape [T, H, W, 3], got \(rgb.shape)")
        precondition(frameIndex.count == rgb.shape[0] && timestamp.count == rgb.shape[0], "one frame index and timestamp per frame")
        self.id = id
        self.source = source
        self.fps = fps
        self.frameIndex = frameIndex
        self.timestamp = timestamp
        self.rgb = rgb
        self.knownIntrinsics = knownIntrinsics
    }

    public var frameCount: Int { rgb.shape[0] }
    public var height: Int { rgb.shape[1] }
    public var width: Int { rgb.shape[2] }

    /// The luma of every frame, the form flow and tracking work on.
    func grayImages() -> [GrayImage] {
        let size = width * height * 3
        return (0 ..< frameCount).map { GrayImage(rgb: rgb.storage[$0 * size ..< ($0 + 1) * size], width: width, height: height) }
    }
}
