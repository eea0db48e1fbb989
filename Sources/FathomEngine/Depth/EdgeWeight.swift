/// How much two pixels are trusted to lie on the same surface, from their intensities: 1 for equal
/// intensities, falling as 1 / (1 + (Δ/8)²) with the difference Δ (0–255), so filling and
/// upsampling do not carry depth across image edges. A rational kernel: as edge-preserving as a
/// Gaussian where it matters and no `exp` per pixel.
enum EdgeWeight {
    @inline(__always)
    static func similarity(_ a: Float, _ b: Float) -> Float {
        let d = (a - b) * (1 / 8 as Float)
        return 1 / (1 + d * d)
    }
}
