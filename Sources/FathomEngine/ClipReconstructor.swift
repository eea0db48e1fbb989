import FathomCore
import FathomGeometry
import FathomVision

/// The reconstruction engine for one clip: correspondences (flow, occlusion, 2D tracks), then
/// cameras, then depth (kept off the surfaces the cameras found moving) and 3D tracks, all from
/// one consistent model of the clip; last, the clip's consistency figures (`ClipQuality`).
public struct ClipReconstructor: Sendable {
    public let options: EngineOptions

    public init(options: EngineOptions = EngineOptions()) {
        self.options = options
    }

    /// The labels of `input`; `storeRGB` keeps the frames in them. Deterministic: the same input
    /// and options give the same labels bit for bit, whatever the number of cores.
    public func reconstruct(_ input: ClipInput, storeRGB: Bool, timings: inout StageTimings) -> ClipLabels {
        model(input, storeRGB: storeRGB, timings: &timings).labels
    }

    /// The clip's model: its labels and the motion behind them, ready to answer point queries
    /// about any pixel (`ClipModel.answer`); the labels' tracks are such answers.
    public func model(_ input: ClipInput, storeRGB: Bool, timings: inout StageTimings) -> ClipModel {
        let (t, h, w) = (input.frameCount, input.height, input.width)
        let images = timings.measure("decode_luma") { input.grayImages() }
        let motion = timings.measure("flow") { ClipMotion.estimate(images, flow: DenseOpticalFlow(options: OpticalFlowOptions(options.flowPreset))) }
        var tracks = timings.measure("tracks") { PointTracker(options: options.tracking).track(motion) }
        let reference = min(options.referenceFrame, t - 1)
        let cameras = timings.measure("cameras") {
            CameraEstimator(options: options.cameras).estimate(tracks: tracks, width: w, height: h,
                                                               knownIntrinsics: input.knownIntrinsics, referenceFrame: reference)
        }
        let depth = timings.measure("depth") {
            let moving = MovingTrackMask(radius: options.tracking.spacing).mask(tracks: tracks, moving: cameras.trackIsMoving, images: images)
            return DepthEstimator(options: options.depth).estimate(motion: motion, intrinsics: cameras.intrinsics,
                                                                   worldFromCamera: cameras.worldFromCamera,
                                                                   depthObservable: cameras.depthObservable, moving: moving)
        }
        var labels = ClipLabels(
            id: input.id, source: input.source, referenceFrame: reference, fps: input.fps, depthUnits: .relative,
            frameIndex: input.frameIndex, timestamp: input.timestamp, rgb: storeRGB ? input.rgb : nil,
            depth: depth.depth, depthConfidence: depth.confidence,
            occlusion: Tensor(shape: [t, h, w], storage: motion.occlusionBits),
            intrinsics: Self.intrinsicsTensor(cameras.intrinsics, frames: t),
            worldFromCamera: Tensor(shape: [t, 4, 4], storage: cameras.worldFromCamera.flatMap { $0.matrix4x4.map(Float.init) }),
            tracks: tracks, quality: cameras.quality)
        let lifting = timings.measure("tracks_3d") {
            let lifting = TrackLifting(labels: labels)
            tracks.xyz = lifting.xyz()
            labels.tracks = tracks
            return lifting
        }
        timings.measure("quality") { labels.quality.merge(ClipQuality(motion: motion, rgb: input.rgb, labels: labels).entries) { $1 } }
        return ClipModel(labels: labels, motion: motion, tracking: options.tracking, lifting: lifting)
    }

    static func intrinsicsTensor(_ k: PinholeIntrinsics, frames: Int) -> Tensor<Float> {
        let matrix: [Float] = [Float(k.fx), 0, Float(k.cx), 0, Float(k.fy), Float(k.cy), 0, 0, 1]
        return Tensor(shape: [frames, 3, 3], storage: (0 ..< frames).flatMap { _ in matrix })
    }
}
