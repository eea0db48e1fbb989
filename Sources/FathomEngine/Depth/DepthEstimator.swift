import FathomCore
import FathomVision
import Foundation
func cpuNow() -> Double { var now = timespec(); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now); return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 }

/// Dense depth per frame by motion stereo: every pixel is matched into the frames t ± 1, 2, 4, …
/// by chaining the clip's consecutive flows (stopping at occlusions), triangulated against all of
/// them with the cameras (`ParallaxEvidence`), checked for consistency (epipolar distance and
/// agreement between views, which also finds independently moving surfaces), then small holes are
/// filled edge-aware and the result is upsampled guided by the frame.
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
        guard depthObservable, t > 1 else { return .unknown(frames: t, height: h, width: w, moving: moving) }
        var tick = cpuNow(); func lap(_ n: String) { let x = cpuNow(); FileHandle.standardError.write(Data("  \(n) \(String(format: "%.2f", (x - tick) * 1000 / Double(t))) ms/frame\n".utf8)); tick = x }
        let level = min(options.workingLevel, Self.deepestLevel(width: w, height: h))
        let working = WorkingMotion(motion, intrinsics: intrinsics, level: level)
        lap("working")
        var evidence = working.images.map { ParallaxEvidence(texture: StructureTensor($0)) }
        var chains = [ChainedFlow(working, forwards: true), ChainedFlow(working, forwards: false)]
        while true {
            let span = chains[0].span
            // Each link of a chain adds its own flow and matching error: variances grow with the span.
            let flowVariance = Float(span) * options.flowNoise * options.flowNoise
            let matchVariance = Float(span) * options.imageNoise * options.imageNoise / Float(StructureTensor.window * StructureTensor.window)
            for chain in chains {
                for frame in 0 ..< t where !chain.u[frame].isEmpty {
                    let otherFromThis = worldFromCamera[frame + chain.span].inverse * worldFromCamera[frame]
                    evidence[frame].add(u: chain.u[frame], v: chain.v[frame], otherFromThis: otherFromThis, intrinsics: working.intrinsics,
                                        flowVariance: flowVariance, matchVariance: matchVariance, tolerance: options.poseTolerance)
                }
            }
            guard span < options.longestSpan else { break }
            chains = chains.map { $0.doubled() }
        }

        lap("evidence")
        let refinement = EpipolarRefinement(intrinsics: working.intrinsics, iterations: options.refinementIterations, imageNoise: options.imageNoise)
        var depth = [Float](repeating: .nan, count: t * h * w)
        var confidence = [UInt8](repeating: 0, count: t * h * w)
        var movingOut = [Bool](repeating: false, count: t * h * w)
        for frame in 0 ..< t {
            let given = moving.map { working.reduced($0.storage[frame * h * w ..< (frame + 1) * h * w]) }
            var estimate = InverseDepth(evidence[frame], givenMoving: given, minimumParallaxRatio: options.minimumParallaxRatio)
            let views = refinementViews(frame, frames: t).map {
                EpipolarRefinement.View(image: working.images[$0], otherFromThis: worldFromCamera[$0].inverse * worldFromCamera[frame])
            }
            lap("resolve")
            let agreement = refinement.refine(&estimate, image: working.images[frame], views: views)
            var maps = DepthFrame(estimate, agreement: agreement, minimumParallaxRatio: options.minimumParallaxRatio)
            lap("refine")
            HoleFilling.fill(&maps, image: working.images[frame], maximumArea: options.maximumHoleArea)
            lap("fill")
            maps = GuidedUpsampling.upsample(maps, working: working.images[frame], full: motion.images[frame], factor: 1 << level)
            lap("upsample")
            let range = frame * h * w ..< (frame + 1) * h * w
            depth.replaceSubrange(range, with: maps.depth)
            confidence.replaceSubrange(range, with: maps.confidence)
            movingOut.replaceSubrange(range, with: maps.moving)
        }
        if let moving {
            for p in movingOut.indices where moving.storage[p] { movingOut[p] = true }
        }
        return DepthMaps(depth: Tensor(shape: [t, h, w], storage: depth), confidence: Tensor(shape: [t, h, w], storage: confidence),
                         moving: Tensor(shape: [t, h, w], storage: movingOut))
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
