@testable import FathomVision
import Testing

/// `Patch.sample` under a warp steps its positions in fixed point inside the image and clamps
/// each sample near the border: both must give the bilinear samples at the warped positions.
struct WarpedPatchTests {
    /// A smooth, non-separable image, so bilinear samples vary with every position.
    let image: GrayImage = {
        let (w, h) = (64, 48)
        var pixels = [Float](repeating: 0, count: w * h)
        for i in 0 ..< h {
            for j in 0 ..< w { pixels[i * w + j] = Float((i * 37 + j * 91 + i * j * 13) % 256) }
        }
        return GrayImage(width: w, height: h, pixels: pixels)
    }()

    /// The patch as `sampleBilinear` gives it sample by sample, mean removed.
    func reference(at centre: SIMD2<Float>, warp: LinearWarp) -> [Float] {
        let values = (0 ..< Patch.count).map { k -> Float in
            let offset = SIMD2(Float(k % Patch.side - Patch.radius), Float(k / Patch.side - Patch.radius))
            let at = centre + warp.apply(offset)
            return image.pixels.withUnsafeBufferPointer { sampleBilinear($0, width: image.width, height: image.height, x: at.x, y: at.y) }
        }
        let mean = values.reduce(0, +) / Float(values.count)
        return values.map { $0 - mean }
    }

    func sampled(at centre: SIMD2<Float>, warp: LinearWarp) -> [Float] {
        var out = [Float](repeating: .nan, count: Patch.count)
        out.withUnsafeMutableBufferPointer { Patch.sample(image, at: centre, warp: warp, into: $0.baseAddress!) }
        return out
    }

    @Test(arguments: [SIMD2<Float>(30.3, 20.7), SIMD2<Float>(12.01, 9.99), SIMD2<Float>(2.5, 3.25), SIMD2<Float>(61.8, 46.6)])
    func warpedSamplesAreBilinearAtTheWarpedPositions(centre: SIMD2<Float>) {
        let warp = LinearWarp(matrix: [1.13, -0.21, 0.17, 0.92])
        let (got, want) = (sampled(at: centre, warp: warp), reference(at: centre, warp: warp))
        let worst = zip(got, want).map { abs($0 - $1) }.max()!
        // Fixed-point positions are within 1/65536 pixel: on gradients under 256 levels per pixel,
        // samples agree to well under a hundredth of a level.
        #expect(worst < 0.01, "largest difference \(worst) at centre \(centre)")
    }
}
