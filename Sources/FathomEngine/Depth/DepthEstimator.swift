import FathomCore
import FathomVision

/// Dense depth per frame by motion stereo:
/// 1. every pixel is matched into the frames t ± 2, 4, 8 by chaining the clip's consecutive flows,
///    stopping at occlusions (`ChainedFlow`), and triangulated against all of them with the
///    cameras, weighted by baseline and texture, views off their epipolar line or disagreeing with
///    the others set aside as evidence of motion (`ParallaxEvidence`, `InverseDepth`);
/// 2. refined photometrically along the epipolar lines of the widest views (`EpipolarRefinement`);
/// 3. checked against and fused with the depth maps of frames up to 4 spans away, both ways:
///    points seen where another frame sees through them, or seen through another frame's
///    surfaces, are moving (`MultiViewFusion`);
/// 4. small holes filled edge-aware (`HoleFilling`), and upsampled guided by the frame
///    (`GuidedUpsampling`); confidence from parallax, view agreement and photometric match.
/// Frames are worked on in parallel, each by one worker at a time.
///
/// Works in inverse depth, so far surfaces and sky come out as ρ ≈ 0 and are left unknown rather
/// than given a large made-up depth. Deterministic: the same inputs give the same maps bit for
/// bit, whatever the number of cores.
public struct DepthEstimator: Sendable {
    public let options: DepthOptions

    public init(options: DepthOptions = DepthOptions()) {
        self.options = options
    }

    /// Depth, confidence and moving mask of every frame of `motion`.
    ///
    /// - Parameters:
    ///   - intrinsics: the cameras' intrinsics in the frames' pixels.
    ///   - worldFromCamera: one pose per frame, in any consistent scale (depth comes out in it).
    ///   - depthObservable: false when the camera only rotates or stands still: then nothing is
    ///     triangulable and every depth is NaN with confidence 0.
    ///   - moving: [T, H, W] pixels already known to move on their own, or nil; pixels whose flow
    ///     breaks the cameras' static geometry are added to it.
    public func estimate(motion: ClipMotion, intrinsics: PinholeIntrinsics, worldFromCamera: [RigidTransform],
                         depthObservable: Bool, moving: Tensor<Bool>? = nil) -> DepthMaps {
        let (t, h, w) = (motion.frameCount, motion.height, motion.width)
        precondition(worldFromCamera.count == t, "one camera pose per frame: \(worldFromCamera.count) for \(t) frames")
        precondition(moving.map { $0.shape == [t, h, w] } ?? true, "moving mask must have shape [\(t), \(h), \(w)]")
        guard depthObservable, t > 1, w >= 4, h >= 4 else { return .unknown(frames: t, height: h, width: w, moving: moving) }
        let level = min(options.workingLevel, Self.deepestLevel(width: w, height: h))
        let working = WorkingMotion(motion, intrinsics: intrinsics, level: level)
        let imageNoise = options.imageNoise ?? ImageNoise.estimate(working.images)
        let cameras = CameraPairs(worldFromCamera: worldFromCamera, intrinsics: working.intrinsics)
        let evidence = triangulate(working, cameras: cameras, imageNoise: imageNoise)

        // Conclude, then refine photometrically, each frame on its own.
        let refinement = EpipolarRefinement(iterations: options.refinementIterations, imageNoise: imageNoise)
        let refined = parallelMap(t) { frame in
            let given = moving.map { working.reduced($0.storage[frame * h * w ..< (frame + 1) * h * w]) }
            var estimate = InverseDepth(evidence[frame], givenMoving: given, minimumParallaxRatio: options.minimumParallaxRatio)
            let views = refinementViews(frame, frames: t).map {
                EpipolarRefinement.View(image: working.images[$0], camera: cameras.camera($0, seeing: frame))
            }
            let agreement = refinement.refine(&estimate, image: working.images[frame], views: views)
            return (estimate, agreement)
        }

        // Check the frames against each other and fuse; fill small holes; back to full resolution.
        let fusion = MultiViewFusion(gate: 3, relativeFloor: options.relativeFloor)
        let maximumHoleArea = Int(options.maximumHoleFraction * Float(working.width * working.height))
        let frames = parallelMap(t) { frame in
            var estimate = refined[frame].0
            let neighbours = fusionNeighbours(frame, frames: t).map {
                MultiViewFusion.Neighbour(estimate: refined[$0].0, camera: cameras.camera($0, seeing: frame),
                                          reverse: cameras.camera(frame, seeing: $0))
            }
            fusion.fuse(&estimate, neighbours: neighbours)
            var maps = DepthFrame(estimate, agreement: refined[frame].1, minimumParallaxRatio: options.minimumParallaxRatio)
            HoleFilling.fill(&maps, image: working.images[frame], maximumArea: maximumHoleArea)
            return GuidedUpsampling.upsample(maps, working: working.images[frame], full: motion.images[frame], factor: 1 << level)
        }
        var maps = DepthMaps(depth: Tensor(shape: [t, h, w], storage: frames.flatMap(\.depth)),
                             confidence: Tensor(shape: [t, h, w], storage: frames.flatMap(\.confidence)),
                             moving: Tensor(shape: [t, h, w], storage: frames.flatMap(\.moving)))
        // Moving pixels get no depth, whatever upsampling blended into them.
        for p in 0 ..< t * h * w where maps.moving.storage[p] || moving?.storage[p] == true {
            maps.moving.storage[p] = true
            maps.depth.storage[p] = .nan
            maps.confidence.storage[p] = 0
        }
        return maps
    }

    /// The parallax evidence of every frame against t ± shortestSpan, …, longestSpan (powers of
    /// two): chains doubled span by span, each span from the shortest on added to every frame's evidence.
    private func triangulate(_ working: WorkingMotion, cameras: CameraPairs, imageNoise: Float) -> [ParallaxEvidence] {
        let t = working.frameCount
        var evidence = parallelMap(t) { ParallaxEvidence(texture: StructureTensor(working.images[$0])) }
        var chains = [ChainedFlow(working, forwards: true), ChainedFlow(working, forwards: false)]
        while true {
            let span = chains[0].span
            // Each link of a chain adds its own flow and matching error: variances grow with the span.
            let flowVariance = Float(span) * options.flowNoise * options.flowNoise
            let matchVariance = Float(span) * imageNoise * imageNoise / Float(StructureTensor.window * StructureTensor.window)
            evidence.withUnsafeMutableBufferPointer { frames in
                let base = frames.baseAddress!
                parallelRows(t, minimumWork: working.width * working.height) { frame in
                    for chain in chains where !chain.u[frame].isEmpty && abs(chain.span) >= options.shortestSpan {
                        base[frame].add(u: chain.u[frame], v: chain.v[frame], camera: cameras.camera(frame + chain.span, seeing: frame),
                                        flowVariance: flowVariance, matchVariance: matchVariance, tolerance: options.poseTolerance)
                    }
                }
            }
            guard span < options.longestSpan else { return evidence }
            chains = chains.map { $0.doubled() }
        }
    }

    /// The frames a frame's depth is checked in photometrically: the farthest neighbour on each
    /// side (widest baseline; two sides so an occlusion on one is seen from the other), or at a clip
    /// end the farthest and the half-way frame on the one side there is.
    private func refinementViews(_ frame: Int, frames t: Int) -> [Int] {
        let span = min(options.longestSpan, t - 1)
        let before = frame - span >= 0 ? [frame - span] : []
        let after = frame + span < t ? [frame + span] : []
        if !before.isEmpty && !after.isEmpty { return before + after }
        let side = before.isEmpty ? 1 : -1
        return Set([frame + side * span, frame + side * max(span / 2, 1)]).filter { $0 >= 0 && $0 < t }.sorted()
    }

    /// The frames a frame's depth map is checked against and fused with: the four farthest of
    /// 1, 2 and 4 times the longest span away on either side, so surfaces whose triangulated
    /// position drifts over time (independent motion along the epipolar lines) are caught.
    private func fusionNeighbours(_ frame: Int, frames t: Int) -> [Int] {
        let candidates = [4, 2, 1].flatMap { [frame - $0 * options.longestSpan, frame + $0 * options.longestSpan] }
        return Array(candidates.filter { $0 >= 0 && $0 < t }.prefix(4))
    }

    /// Whether the cameras move at all: without translation no depth is observable.
    public static func hasTranslation(_ worldFromCamera: [RigidTransform]) -> Bool {
        guard let first = worldFromCamera.first else { return false }
        return worldFromCamera.contains { $0.translation != first.translation }
    }

    /// The deepest working level that still leaves a frame of at least 16 × 16 pixels.
    private static func deepestLevel(width: Int, height: Int) -> Int {
        var level = 0
        while min(width, height) >> (level + 1) >= 16 { level += 1 }
        return level
    }
}
