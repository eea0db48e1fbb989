import FathomCore
import Foundation

/// A colour defined at every point of an object's frame (a solid texture), so the pattern moves
/// exactly with the object and needs no surface parametrisation. Patterns are band-limited
/// (smooth noise, soft edges) so that 2 × 2 supersampling renders them without aliasing.
public enum SolidTexture: Sendable {
    /// Smooth value noise of the given feature size (object units), between two colours.
    case noise(scale: Double, SIMD3<Double>, SIMD3<Double>)
    /// A 3D checkerboard of the given cell size, with fine noise on top.
    case checker(size: Double, SIMD3<Double>, SIMD3<Double>)
    /// Soft stripes across x with the given period, with fine noise on top.
    case stripes(period: Double, SIMD3<Double>, SIMD3<Double>)
    /// Bricks in the x-y plane (brick width, height), with mortar and per-brick shade.
    case bricks(SIMD2<Double>, SIMD3<Double>, mortar: SIMD3<Double>)
    /// Nearly uniform colour with faint noise: the low-texture case flow struggles on.
    case plain(SIMD3<Double>)

    /// Colour in [0, 1] at object-frame point `p`; `seed` varies the noise between objects.
    func colour(at p: SIMD3<Double>, seed: UInt32) -> SIMD3<Double> {
        switch self {
        case .noise(let scale, let a, let b):
            let n = 0.55 * valueNoise(p / scale, seed) + 0.3 * valueNoise(p / (scale * 0.45), seed &+ 1) + 0.15 * valueNoise(p / (scale * 0.2), seed &+ 2)
            return mix(a, b, n)
        case .checker(let size, let a, let b):
            let q = p / size
            let edge = softSquare(q.x) * softSquare(q.y) * softSquare(q.z)
            return mix(a, b, 0.5 + 0.5 * edge) * detail(p, scale: size * 0.3, seed)
        case .stripes(let period, let a, let b):
            return mix(a, b, 0.5 + 0.5 * sin(2 * .pi * p.x / period)) * detail(p, scale: period * 0.4, seed)
        case .bricks(let size, let brick, let mortar):
            let row = (p.y / size.y).rounded(.down)
            let x = p.x / size.x + (Int(row) & 1 == 0 ? 0 : 0.5)
            let column = x.rounded(.down)
            let fx = x - column
            let fy = p.y / size.y - row
            let inMortar = min(smoothstep(0, 0.06, fx) * smoothstep(1, 0.94, fx), smoothstep(0, 0.1, fy) * smoothstep(1, 0.9, fy))
            let shade = 0.8 + 0.4 * hash(Int32(column), Int32(row), 7, seed)
            return mix(mortar, brick * shade, inMortar) * detail(p, scale: size.y * 0.35, seed)
        case .plain(let colour):
            return colour * (0.985 + 0.03 * valueNoise(p / 0.5, seed))
        }
    }

    private func detail(_ p: SIMD3<Double>, scale: Double, _ seed: UInt32) -> Double {
        0.75 + 0.5 * valueNoise(p / scale, seed &+ 11)
    }
}

private func mix(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ t: Double) -> SIMD3<Double> {
    a + (b - a) * t
}

private func smoothstep(_ e0: Double, _ e1: Double, _ x: Double) -> Double {
    let t = min(max((x - e0) / (e1 - e0), 0), 1)
    return t * t * (3 - 2 * t)
}

/// +1 / −1 square wave of period 2 with soft transitions.
private func softSquare(_ x: Double) -> Double {
    let s = sin(.pi * x)
    return s / (abs(s) + 0.15)
}

/// Deterministic hash of a lattice point to [0, 1).
private func hash(_ x: Int32, _ y: Int32, _ z: Int32, _ seed: UInt32) -> Double {
    var h = UInt32(bitPattern: x) &* 0x8DA6_B343 ^ UInt32(bitPattern: y) &* 0xD816_3841 ^ UInt32(bitPattern: z) &* 0xCB1A_B31F ^ seed &* 0x9E37_79B9
    h ^= h >> 15
    h = h &* 0x2C1B_3C6D
    h ^= h >> 12
    h = h &* 0x297A_2D39
    h ^= h >> 15
    return Double(h) / 4_294_967_296
}

/// Trilinearly interpolated lattice noise with smooth weights, in [0, 1].
private func valueNoise(_ p: SIMD3<Double>, _ seed: UInt32) -> Double {
    let base = p.rounded(.down)
    let f = p - base
    let w = f * f * (3 - 2 * f)
    let (x, y, z) = (Int32(clamping: Int(base.x)), Int32(clamping: Int(base.y)), Int32(clamping: Int(base.z)))
    func corner(_ dx: Int32, _ dy: Int32, _ dz: Int32) -> Double { hash(x &+ dx, y &+ dy, z &+ dz, seed) }
    let x00 = corner(0, 0, 0) + (corner(1, 0, 0) - corner(0, 0, 0)) * w.x
    let x10 = corner(0, 1, 0) + (corner(1, 1, 0) - corner(0, 1, 0)) * w.x
    let x01 = corner(0, 0, 1) + (corner(1, 0, 1) - corner(0, 0, 1)) * w.x
    let x11 = corner(0, 1, 1) + (corner(1, 1, 1) - corner(0, 1, 1)) * w.x
    let y0 = x00 + (x10 - x00) * w.y
    let y1 = x01 + (x11 - x01) * w.y
    return y0 + (y1 - y0) * w.z
}
