import FathomVision

/// The mean of ∇I ∇Iᵀ over a small window around each pixel: how much texture there is to match,
/// and in which directions. A match along direction e can be no more precise than
/// σ_I² / (N eᵀ G e) (N pixels of intensity noise σ_I): in a uniform region, or along stripes
/// parallel to e, the flow is an interpolation, not a measurement, and must not count as one.
struct StructureTensor {
    let width: Int
    let height: Int
    var xx: [Float]
    var xy: [Float]
    var yy: [Float]

    /// Side of the square window, pixels.
    static let window = 5

    init(_ image: GrayImage) {
        let (w, h) = (image.width, image.height)
        let (gx, gy) = image.gradients()
        width = w
        height = h
        let radius = Self.window / 2
        xx = BoxFilter.mean(zip(gx.pixels, gx.pixels).map(*)[...], width: w, height: h, radius: radius)
        xy = BoxFilter.mean(zip(gx.pixels, gy.pixels).map(*)[...], width: w, height: h, radius: radius)
        yy = BoxFilter.mean(zip(gy.pixels, gy.pixels).map(*)[...], width: w, height: h, radius: radius)
    }
}
