import FathomCore

/// How the image moves between the reference frame and others, before any 3D model: median track
/// displacement (is the camera moving at all?) and how far a homography misses the epipolar inliers
/// (is there parallax, or could a rotation explain everything?). Both in pixels, independent of the
/// focal length.
struct MotionSurvey {
    struct Pair {
        let frame: Int
        /// Common tracks consistent with one epipolar geometry (fundamental matrix inliers).
        let consistent: Int
        let displacement: Double
        let parallax: Double
    }

    let pairs: [Pair]

    /// `maxPairs` frames evenly spread, each fitted with at most `maxIterations` RANSAC samples: the
    /// survey needs coarse figures, and where a homography keeps failing the parallax is large anyway.
    init(table: TrackTable, reference: Int, options: CameraEstimatorOptions, maxPairs: Int = 12, maxIterations: Int = 300) {
        let others = (0 ..< table.frameCount).filter { $0 != reference }
        let stride = max(1, (others.count + maxPairs - 1) / maxPairs)
        var pairs: [Pair] = []
        for (i, frame) in others.enumerated() where i % stride == 0 || frame == others.last {
            let c = table.correspondences(reference, frame)
            guard c.tracks.count >= 8 else { continue }
            let displacement = upperMedian(zip(c.x1, c.x2).map { length2($1 - $0) })
            // Parallax: how far a homography misses the points the epipolar geometry explains
            // (80th percentile, so a dominant plane — a floor, a wall — does not hide the rest).
            var parallax = 0.0
            var consistent = 0
            let seed = options.seed &+ UInt64(frame)
            let homography = HomographyEstimation(x1: c.x1, x2: c.x2)
            let ransac = RANSACOptions(threshold: options.inlierThresholdPixels, maxIterations: maxIterations, seed: seed)
            if c.tracks.count >= 16, let h = RANSAC.estimate(homography, options: ransac),
               let f = RANSAC.estimate(FundamentalMatrixEstimation(x1: c.x1, x2: c.x2), options: ransac) {
                consistent = f.inlierCount
                let misses = f.inlierIndices.map { homography.squaredResidual(of: $0, under: h.model).squareRoot() }.sorted()
                parallax = misses.isEmpty ? 0 : misses[misses.count * 4 / 5]
            }
            pairs.append(Pair(frame: frame, consistent: consistent, displacement: displacement, parallax: parallax))
        }
        self.pairs = pairs
    }

    /// Whether any surveyed frame's tracks moved (median) by at least `pixels`.
    func cameraMoves(beyond pixels: Double) -> Bool { pairs.contains { $0.displacement >= pixels } }

    /// Whether any surveyed frame shows parallax a homography cannot explain.
    func hasParallax(beyond pixels: Double) -> Bool { pairs.contains { $0.parallax >= pixels } }

    /// Frames to start the reconstruction with, best first: many shared tracks that agree on one
    /// epipolar geometry, and parallax up to `target` pixels (beyond it a wider baseline earns
    /// nothing more).
    func initialPartners(minParallax: Double, target: Double) -> [Int] {
        let candidates = pairs.filter { $0.parallax >= minParallax && $0.consistent >= 30 }
        func score(_ p: Pair) -> Double { Double(p.consistent) * min(1, p.parallax / target) }
        return candidates.sorted { (score($0), -$0.frame) > (score($1), -$1.frame) }.map(\.frame)
    }}

/// Median of a non-empty array (upper middle for even counts).
func upperMedian(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    return values.sorted()[values.count / 2]
}
