import FathomCore
@testable import FathomEngine
import FathomVision
import Testing

/// The camera stage's per-track moving flags, turned into the depth stage's pixel mask.
@Suite struct MovingTrackMaskTests {
    let w = 64, h = 48, t = 2

    /// Checkerboard of 4-pixel squares: texture in every direction everywhere.
    var textured: GrayImage {
        GrayImage(width: w, height: h, pixels: (0 ..< w * h).map { p in ((p % w) / 4 + (p / w) / 4) % 2 == 0 ? 40 : 200 })
    }

    /// Tracks on an 8-pixel grid from (4, 4), still and visible in both frames.
    var grid: (tracks: TrackLabels, at: [SIMD2<Int>]) {
        let at = stride(from: 4, to: h, by: 8).flatMap { y in stride(from: 4, to: w, by: 8).map { SIMD2(x: $0, y: y) } }
        let n = at.count
        let query: [Float] = at.flatMap { [0, Float($0.x) + 0.5, Float($0.y) + 0.5] }
        let uv: [Float] = at.flatMap { p in (0 ..< t).flatMap { _ in [Float(p.x) + 0.5, Float(p.y) + 0.5] } }
        let tracks = TrackLabels(query: Tensor(shape: [n, 3], storage: query), uv: Tensor(shape: [n, t, 2], storage: uv), xyz: nil,
                                 visible: Tensor(shape: [n, t], repeating: 1), confidence: Tensor(shape: [n, t], repeating: 255))
        return (tracks, at)
    }

    func marked(_ mask: Tensor<Bool>, frame: Int) -> Set<SIMD2<Int>> {
        Set((0 ..< w * h).filter { mask.storage[frame * w * h + $0] }.map { SIMD2(x: $0 % w, y: $0 / w) })
    }

    /// The tracks on the 3 × 3 grid points from (20, 20) to (36, 36) are flagged moving.
    func block(_ at: [SIMD2<Int>]) -> [Bool] {
        at.map { (20 ... 36).contains($0.x) && (20 ... 36).contains($0.y) }
    }

    /// A 3 × 3 block of moving tracks marks the pixels nearest to those of its tracks that most of
    /// their neighbours back: the centre and the edges' middles, not the corners (3 of their 8
    /// neighbours move).
    @Test func aBlockOfMovingTracksMarksItsPixels() {
        let (tracks, at) = grid
        let mask = MovingTrackMask(radius: 8).mask(tracks: tracks, moving: block(at), images: [textured, textured])
        for frame in 0 ..< t {
            let pixels = marked(mask, frame: frame)
            // Each of the 5 backed tracks takes the 7 × 7 pixels strictly nearest to it, and some
            // of the ties; nothing is marked outside the block.
            #expect((5 * 7 * 7 ... 5 * 9 * 9).contains(pixels.count), "\(pixels.count) pixels")
            #expect(pixels.allSatisfy { (16 ... 40).contains($0.x) && (16 ... 40).contains($0.y) })
            for inside in [SIMD2(x: 28, y: 28), SIMD2(x: 20, y: 28), SIMD2(x: 36, y: 28), SIMD2(x: 28, y: 20), SIMD2(x: 25, y: 31)] {
                #expect(pixels.contains(inside), "\(inside)")
            }
            for outside in [SIMD2(x: 20, y: 20), SIMD2(x: 36, y: 36), SIMD2(x: 44, y: 28), SIMD2(x: 12, y: 12)] {
                #expect(!pixels.contains(outside), "\(outside)")
            }
        }
    }

    /// Where a track is hidden, its pixels go to the next nearest visible track or to none.
    @Test func hiddenTracksMarkNothing() {
        var (tracks, at) = grid
        let moving = block(at)
        for q in moving.indices where moving[q] { tracks.visible.storage[q * t + 1] = 0 }
        let mask = MovingTrackMask(radius: 8).mask(tracks: tracks, moving: moving, images: [textured, textured])
        #expect(!marked(mask, frame: 0).isEmpty)
        #expect(marked(mask, frame: 1).isEmpty)
    }

    /// One moving track among static ones is outvoted: more likely a tracking error than a mover.
    @Test func aLoneMovingTrackIsOutvoted() {
        let (tracks, at) = grid
        let moving = at.map { $0 == SIMD2(x: 28, y: 20) }
        let mask = MovingTrackMask(radius: 8).mask(tracks: tracks, moving: moving, images: [textured, textured])
        #expect(!mask.storage.contains(true))
    }

    /// On a plain image a track cannot tell drift from motion: its flag does not count.
    @Test func movingTracksOnPlainSurfaceDoNotCount() {
        let (tracks, at) = grid
        let moving = block(at)
        var faint = textured
        faint.pixels = faint.pixels.map { 120 + ($0 - 120) / 400 }  // gradients far below 8-bit noise
        let mask = MovingTrackMask(radius: 8).mask(tracks: tracks, moving: moving, images: [faint, faint])
        #expect(!mask.storage.contains(true))
        #expect(QueryTexture.isTextured(textured, x: 20, y: 20, noise: ImageNoise.quantisation))
        #expect(!QueryTexture.isTextured(faint, x: 20, y: 20, noise: ImageNoise.quantisation))
    }
}
