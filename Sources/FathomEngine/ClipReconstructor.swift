import FathomCore
import FathomVision

/// The reconstruction engine for one clip: correspondences (flow, occlusion, 2D tracks), then
/// cameras, then depth and 3D tracks, all from one consistent model of the clip; last, the
/// clip's consistency figures (`ClipQuality`).
public struct ClipReconstructor: Sendable {
    public let options: EngineOptions

    public init(options: EngineOptions = EngineOptions()) {
        self.options = options
    }

    /// The labels of `input`; `storeRGB` keeps the frames in them. Deterministic: the same input
    /// and options give the same labels bit for bit, whatever the number of cores.
    public func reconstruct(_ input: ClipInput, storeRGB: Bool, timings: inout StageTimings) -> ClipLabels {
        let (t, h, w) = (input.frameCount, input.height, input.width)
        let images = timings.measure("decode_luma") { input.grayImages() }
        let motion = timings.measure("flow") { ClipMotion.estimate(images, flow: DenseOpticalFlow(options: OpticalFlowOptions(options.flowPreset))) }
        let tracks = timings.measure("tracks") { PointTracker(options: options.tracking).track(motion) }
        let reference = min(options.referenceFrame, t - 1)
        let unknownDepth = Tensor<Float>(shape: [t, h, w], repeating: .nan)
        var labels = ClipLabels(
            id: input.id, source: input.source, referenceFrame: reference, fps: input.fps, depthUnits: .relative,
            frameIndex: input.frameIndex, timestamp: input.timestamp, rgb: storeRGB ? input.rgb : nil,
            depth: unknownDepth, depthConfidence: Tensor(shape: [t, h, w], repeating: 0),
            occlusion: Tensor(shape: [t, h, w], storage: motion.occlusionBits),
            intrinsics: Self.intrinsicsTensor(input.knownIntrinsics ?? Self.defaultIntrinsics(width: w, height: h), frames: t),
            worldFromCamera: Tensor(shape: [t, 4, 4], storage: (0 ..< t).flatMap { _ in RigidTransform.identity.matrix4x4.map(Float.init) }),
            tracks: tracks, quality: ["geometry_status": .text("unestimated")])
        timings.measure("quality") { labels.quality.merge(ClipQuality(motion: motion, rgb: input.rgb, labels: labels).entries) { $1 } }
        return labels
    }

    /// Principal point at the centre, square pixels, a 60° horizontal field of view: the prior used
    /// until the focal length is estimated.
    static func defaultIntrinsics(width: Int, height: Int) -> PinholeIntrinsics {
        let focal = Double(width) / 2 / 0.5773502691896258
        return PinholeIntrinsics(fx: focal, fy: focal, cx: Double(width) / 2, cy: Double(height) / 2)
    }

    static func intrinsicsTensor(_ k: PinholeIntrinsics, frames: Int) -> Tensor<Float> {
        let matrix: [Float] = [Float(k.fx), 0, Float(k.cx), 0, Float(k.fy), Float(k.cy), 0, 0, 1]
        return Tensor(shape: [frames, 3, 3], storage: (0 ..< frames).flatMap { _ in matrix })
    }
}
