import FathomCore

/// An RGB8 image to draw previews on: panels copied in, dots and line segments drawn over them.
struct Canvas {
    let width: Int
    let height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
    }

    var tensor: Tensor<UInt8> { Tensor(shape: [height, width, 3], storage: pixels) }

    mutating func set(_ x: Int, _ y: Int, _ colour: SIMD3<UInt8>, alpha: Float = 1) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let p = (y * width + x) * 3
        for c in 0 ..< 3 {
            pixels[p + c] = UInt8((1 - alpha) * Float(pixels[p + c]) + alpha * Float(colour[c]))
        }
    }

    /// A straight segment between two points (pixel-centre coordinates), one pixel wide.
    mutating func line(from a: SIMD2<Float>, to b: SIMD2<Float>, _ colour: SIMD3<UInt8>, alpha: Float = 1) {
        let steps = Int(max(abs(b.x - a.x), abs(b.y - a.y)).rounded(.up)) + 1
        for k in 0 ... steps {
            let p = a + (b - a) * Float(k) / Float(steps)
            set(Int(p.x.rounded(.down)), Int(p.y.rounded(.down)), colour, alpha: alpha)
        }
    }

    /// A filled square dot of the given radius.
    mutating func dot(at p: SIMD2<Float>, radius: Int, _ colour: SIMD3<UInt8>) {
        let (x, y) = (Int(p.x.rounded(.down)), Int(p.y.rounded(.down)))
        for dy in -radius ... radius {
            for dx in -radius ... radius { set(x + dx, y + dy, colour) }
        }
    }
}

/// Turbo-like colour map from 0 (near, warm) to 1 (far, cool), by piecewise-linear interpolation
/// through a few anchor colours; black for unknown.
func depthColour(_ t: Float) -> SIMD3<UInt8> {
    guard t.isFinite else { return [0, 0, 0] }
    let anchors: [SIMD3<Float>] = [[122, 4, 3], [249, 117, 29], [237, 208, 57], [70, 248, 132], [41, 151, 245], [48, 18, 59]]
    let x = min(max(t, 0), 1) * Float(anchors.count - 1)
    let i = min(Int(x), anchors.count - 2)
    let c = anchors[i] + (anchors[i + 1] - anchors[i]) * (x - Float(i))
    return SIMD3(UInt8(c.x), UInt8(c.y), UInt8(c.z))
}

/// A distinct colour per track, from the golden-ratio hue sequence.
func trackColour(_ n: Int) -> SIMD3<UInt8> {
    let hue = (Float(n) * 0.618_034).truncatingRemainder(dividingBy: 1) * 6
    let x = 1 - abs(hue.truncatingRemainder(dividingBy: 2) - 1)
    let (r, g, b): (Float, Float, Float) = switch Int(hue) {
    case 0: (1, x, 0)
    case 1: (x, 1, 0)
    case 2: (0, 1, x)
    case 3: (0, x, 1)
    case 4: (x, 0, 1)
    default: (1, 0, x)
    }
    return SIMD3(UInt8(55 + 200 * r), UInt8(55 + 200 * g), UInt8(55 + 200 * b))
}
