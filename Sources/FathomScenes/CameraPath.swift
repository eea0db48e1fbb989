import FathomCore
import Foundation

/// Where the camera is and where it looks at time t (seconds): `worldFromCamera(t)`.
public enum CameraPath: Sendable {
    /// A camera that never moves.
    case fixed(eye: SIMD3<Double>, target: SIMD3<Double>)
    /// Circles `target` at `radius` and `height`, starting at `startAngle`, `rate` radians/s.
    case orbit(target: SIMD3<Double>, radius: Double, height: Double, startAngle: Double, rate: Double)
    /// Moves in a straight line while looking at a fixed point.
    case dolly(start: SIMD3<Double>, velocity: SIMD3<Double>, target: SIMD3<Double>)
    /// Stays at `eye` and turns about the world's up axis (pure rotation), `rate` radians/s.
    case pan(eye: SIMD3<Double>, startTarget: SIMD3<Double>, rate: Double)

    /// The world's up direction: scenes are built with y up, so the camera's down axis is −y.
    static let up: SIMD3<Double> = [0, 1, 0]

    public func worldFromCamera(at t: Double) -> RigidTransform {
        let (eye, target): (SIMD3<Double>, SIMD3<Double>)
        switch self {
        case .fixed(let e, let g):
            (eye, target) = (e, g)
        case .orbit(let g, let radius, let height, let start, let rate):
            let angle = start + rate * t
            (eye, target) = (g + [radius * sin(angle), height, -radius * cos(angle)], g)
        case .dolly(let start, let velocity, let g):
            (eye, target) = (start + velocity * t, g)
        case .pan(let e, let startTarget, let rate):
            let turn = Matrix3.rotation(axis: Self.up, angle: rate * t)
            (eye, target) = (e, e + turn * (startTarget - e))
        }
        let cameraFromWorldRotation = Matrix3.lookAt(eye: eye, target: target, up: Self.up)
        return RigidTransform(rotation: cameraFromWorldRotation.transposed, translation: eye)
    }
}
