@testable import FathomVision
import Testing

/// Occlusion masks on hand-made flows, where the right answer is known pixel for pixel.
@Suite struct OcclusionMaskTests {
    static let (width, height) = (64, 32)

    static func flow(_ value: (Int, Int) -> SIMD2<Float>) -> FlowField {
        let cells = (0 ..< height).flatMap { y in (0 ..< width).map { x in value(x, y) } }
        return FlowField(width: width, height: height, u: cells.map(\.x), v: cells.map(\.y))
    }

    static func image(_ value: (Int, Int) -> Float) -> GrayImage {
        GrayImage(width: width, height: height, pixels: (0 ..< height).flatMap { y in (0 ..< width).map { x in value(x, y) } })
    }

    /// A square (columns 20–35, rows 8–23) moves 4 px right over a smooth ramp. The forward flow
    /// carries its motion onto the 4 columns of background it is about to cover, as smoothed flow
    /// does; there the forward flow lands on background only 8 grey levels off, too close for the
    /// photometric confirmation of the forward–backward check. Nothing of the second frame maps
    /// back onto those columns, so they, and only they, are hidden in the second frame.
    @Test func backgroundAboutToBeCoveredIsHiddenOnSmoothTexture() {
        let rows = 8 ..< 24
        func square(_ x: Int, _ y: Int, at left: Int) -> Float? {
            rows.contains(y) && (left ..< left + 16).contains(x) ? ((x - left + y) % 2 == 0 ? 30 : 220) : nil
        }
        let first = Self.image { x, y in square(x, y, at: 20) ?? 100 + 2 * Float(x) }
        let second = Self.image { x, y in square(x, y, at: 24) ?? 100 + 2 * Float(x) }
        let forward = Self.flow { x, y in rows.contains(y) && (20 ..< 40).contains(x) ? [4, 0] : .zero }
        let backward = Self.flow { x, y in rows.contains(y) && (24 ..< 40).contains(x) ? [-4, 0] : .zero }
        let mask = OcclusionMask(forward: forward, backward: backward, first: first, second: second)
        for y in 0 ..< Self.height {
            for x in 0 ..< Self.width {
                #expect(mask.hidden[y * Self.width + x] == (rows.contains(y) && (36 ..< 40).contains(x)), "pixel (\(x), \(y))")
            }
        }
    }

    /// A uniform sub-pixel shift maps exactly one pixel's worth of the second frame onto every
    /// pixel of the first away from the border it comes in from.
    @Test func uniformShiftCoversEveryInteriorPixelOnce() {
        let coverage = FlowCoverage(backward: Self.flow { _, _ in [0.5, 0.25] })
        for y in 1 ..< Self.height {
            for x in 1 ..< Self.width {
                #expect(abs(coverage.weight[y * Self.width + x] - 1) < 1e-5, "pixel (\(x), \(y))")
            }
        }
        #expect(abs(coverage.weight[0] - 0.375) < 1e-5)
    }
}
