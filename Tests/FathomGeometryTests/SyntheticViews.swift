import FathomCore
import FathomGeometry
import Foundation

/// Random points in front of a few cameras of known pose, and their exact projections: the
/// solvers' ground truth, independent of the scene renderer.
struct SyntheticViews {
    let intrinsics = PinholeIntrinsics(fx: 300, fy: 300, cx: 160, cy: 120)
    var points: [SIMD3<Double>] = []
    var cameraFromWorld: [RigidTransform] = []

    /// `cameras` cameras on an arc looking at a cloud of `count` points around z = 5 (world = camera 0).
    init(count: Int, cameras: Int = 2, seed: UInt64 = 1, baseline: Double = 0.6) {
        var random = SplitMix(seed: seed)
        points = (0 ..< count).map { _ in SIMD3(random.unit() * 4 - 2, random.unit() * 3 - 1.5, 4 + random.unit() * 3) }
        cameraFromWorld = (0 ..< cameras).map { c in
            let angle = Double(c) * baseline / 5
            let centre = SIMD3(5 * sin(angle), 0.1 * Double(c), 5 - 5 * cos(angle))
            let rotation = Matrix3.rotation(axis: [0, 1, 0], angle: -angle) * Matrix3.rotation(axis: [1, 0, 0], angle: 0.02 * Double(c))
            return RigidTransform(rotation: rotation, translation: -(rotation * centre))
        }
    }

    /// Normalised image points of every point in camera c.
    func normalized(_ c: Int) -> [SIMD2<Double>] {
        points.map { p in
            let q = cameraFromWorld[c] * p
            return SIMD2(q.x / q.z, q.y / q.z)
        }
    }

    func pixels(_ c: Int) -> [SIMD2<Double>] {
        points.map { intrinsics.project(cameraFromWorld[c] * $0) }
    }

    /// camera c from camera 0.
    func motion(to c: Int) -> RigidTransform { cameraFromWorld[c] * cameraFromWorld[0].inverse }
}

/// Largest absolute difference of two matrices after scaling both to unit norm and fixing the sign.
func projectiveDistance(_ a: Matrix3, _ b: Matrix3) -> Double {
    let an = (1 / a.norm) * a
    var bn = (1 / b.norm) * b
    if dot(an.rows.0, bn.rows.0) + dot(an.rows.1, bn.rows.1) + dot(an.rows.2, bn.rows.2) < 0 { bn = -1 * bn }
    return (an - bn).flat.map(abs).max()!
}

func gaussian(_ random: inout SplitMix) -> Double {
    (-2 * log(max(random.unit(), 1e-300))).squareRoot() * cos(2 * .pi * random.unit())
}
