import FathomCore
@testable import FathomEngine
import FathomVision
import Testing

/// Texture under tracks, and the `textured_track_fraction` figure, on frames whose texture is known
/// by construction: noise well above and well below 8-bit quantisation, an edge, a ramp, a flat patch.
@Suite struct QueryTextureTests {
    static let (width, height) = (60, 20)

    /// Columns 0–19: noise of ±`strong` grey levels; 20–39: a vertical edge of 100 levels at
    /// column 30; 40–59: flat grey.
    private func frame(strong: Float) -> GrayImage {
        var random = SplitMix(seed: 7)
        var pixels = [Float](repeating: 128, count: Self.width * Self.height)
        for i in 0 ..< Self.height {
            for j in 0 ..< Self.width {
                if j < 20 { pixels[i * Self.width + j] = 128 + strong * Float(random.unit() * 2 - 1) }
                if j >= 30 && j < 40 { pixels[i * Self.width + j] = 228 }
            }
        }
        return GrayImage(width: Self.width, height: Self.height, pixels: pixels)
    }

    /// Tracks queried at frame 0 at the centres of the given pixels.
    private func tracks(at pixels: [SIMD2<Int>]) -> TrackLabels {
        let n = pixels.count
        return TrackLabels(query: Tensor(shape: [n, 3], storage: pixels.flatMap { [0, Float($0.x) + 0.5, Float($0.y) + 0.5] }),
                           uv: Tensor(shape: [n, 1, 2], storage: pixels.flatMap { [Float($0.x) + 0.5, Float($0.y) + 0.5] }), xyz: nil,
                           visible: Tensor(shape: [n, 1], repeating: 1), confidence: Tensor(shape: [n, 1], repeating: 255))
    }

    @Test func onlyTextureAboveTheNoiseCounts() {
        let noise = ImageNoise.quantisation
        let image = frame(strong: 20)
        // Uniform noise of ±20 levels: central differences of about 8 levels per pixel, every way.
        #expect(QueryTexture.isTextured(image, x: 10, y: 10, noise: noise))
        #expect(QueryTexture.isTextured(image, x: 0, y: 0, noise: noise), "a window cut by the border")
        // An edge fixes a point across it only; flat grey not at all.
        #expect(!QueryTexture.isTextured(image, x: 30, y: 10, noise: noise))
        #expect(!QueryTexture.isTextured(image, x: 50, y: 10, noise: noise))
        // Noise of ±0.5 levels: about 0.2 per pixel, under three times quantisation noise.
        #expect(!QueryTexture.isTextured(frame(strong: 0.5), x: 10, y: 10, noise: noise))
        // A plane of intensity tilted in both directions: a strong but constant gradient.
        let ramp = GrayImage(width: 20, height: 20, pixels: (0 ..< 400).map { Float(3 * ($0 / 20) + 5 * ($0 % 20)) })
        #expect(!QueryTexture.isTextured(ramp, x: 10, y: 10, noise: noise))
        #expect(!QueryTexture.isTextured(GrayImage(width: 2, height: 2, pixels: [0, 50, 100, 150]), x: 1, y: 1, noise: noise))
    }

    @Test func theFractionCountsTracksByTheirQueryWindow() {
        let image = frame(strong: 20)
        // Two tracks on the noise, one on the edge, one on flat grey.
        #expect(QueryTexture.texturedFraction(tracks(at: [[10, 10], [5, 5], [30, 10], [50, 10]]), images: [image]) == 0.5)
        #expect(QueryTexture.texturedFraction(tracks(at: [[10, 10], [5, 5]]), images: [frame(strong: 0.5)]) == 0)
        #expect(QueryTexture.texturedFraction(.empty(frameCount: 1), images: [image]) == nil)
    }
}
