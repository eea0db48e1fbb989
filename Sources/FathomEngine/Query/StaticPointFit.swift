import FathomCore
import FathomGeometry

/// How well one static world point explains a 2D track, given the clip's cameras: the test that
/// tells a track on still scenery (one point, triangulated from every view that sees it, far more
/// accurate than any single depth map) from one on a moving surface (no static point explains it,
/// and motion stereo cannot observe its depth).
struct StaticPointFit {
    /// Median reprojection error, in pixels, of the point triangulated from all the observations:
    /// robust to a few drifted frames, large when the surface moves across its epipolar lines.
    let medianResidual: Double
    /// The point refined on the observations within `tolerance`, when nearly all of them are and
    /// the rays are wide enough apart to fix its depth; nil otherwise.
    let point: SIMD3<Double>?

    /// Reprojection error, in pixels, within which an observation agrees with the static point.
    static let tolerance = 0.5
    /// Share of the observations that must agree for the track to take the static point.
    static let agreeing = 0.9
    /// Widest ray angle, degrees, below which triangulated depth is too uncertain to use.
    static let minRayAngle = 2.0

    /// Nil when the track has fewer than three observations or its rays are parallel.
    init?(frames: [Int], uv: [SIMD2<Float>], intrinsics: [PinholeIntrinsics], cameraFromWorld: [RigidTransform]) {
        guard frames.count >= 3 else { return nil }
        let focal = (intrinsics[frames[0]].fx * intrinsics[frames[0]].fy).squareRoot()
        var used = frames
        func view(_ k: Int) -> (cameraFromWorld: RigidTransform, x: SIMD2<Double>) {
            let f = used[k], K = intrinsics[f]
            return (cameraFromWorld[f], SIMD2((Double(uv[f].x) - K.cx) / K.fx, (Double(uv[f].y) - K.cy) / K.fy))
        }
        func residuals(_ p: SIMD3<Double>) -> [Double] {
            used.indices.map { k in
                let (pose, x) = view(k)
                let c = pose * p
                guard c.z > 0 else { return .infinity }
                let e = SIMD2(c.x / c.z, c.y / c.z) - x
                return (e * e).sum().squareRoot() * focal
            }
        }
        guard let all = Triangulation.point(count: used.count, view) else { return nil }
        let errors = residuals(all.position)
        medianResidual = median(errors)
        used = used.indices.filter { errors[$0] <= Self.tolerance }.map { used[$0] }
        guard Double(used.count) >= Self.agreeing * Double(frames.count),
              let refined = Triangulation.point(count: used.count, view),
              refined.maxRayAngleDegrees >= Self.minRayAngle,
              residuals(refined.position).allSatisfy({ $0 <= Self.tolerance }) else {
            point = nil
            return
        }
        point = refined.position
    }
}
