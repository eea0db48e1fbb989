import FathomCore
import FathomVision

/// Whether a track stands on texture that the image noise cannot fake. On a plainer patch the
/// track's position comes from the flow's smooth interpolation between textured parts, not from
/// the image, so it can drift unseen: the depth stage does not take its moving flag, and the
/// quality figure `textured_track_fraction` says how much of a clip's tracking (and so its focal
/// length and the depth of its plain surfaces) rests on interpolation.
enum QueryTexture {
    /// The weakest direction's RMS gradient, in multiples of the image noise, that counts as
    /// texture: over a clip, a drift of a few pixels on plainer patches looks like motion.
    static let minimumTexture: Float = 3

    /// Whether the window around (x, y) (pixels, clamped to the image) has at least
    /// `minimumTexture` × `noise` RMS gradient in every direction: the smaller eigenvalue of the
    /// mean of ∇I ∇Iᵀ (central differences) over a `StructureTensor.window` square. An edge fixes
    /// a point across it only, so it does not count.
    static func isTextured(_ image: GrayImage, x: Int, y: Int, noise: Float) -> Bool {
        let (w, h) = (image.width, image.height)
        guard w >= 3, h >= 3 else { return false }
        let r = StructureTensor.window / 2
        let (x, y) = (min(max(x, 1), w - 2), min(max(y, 1), h - 2))
        var (xx, xy, yy, count) = (Float(0), Float(0), Float(0), Float(0))
        for i in max(y - r, 1) ... min(y + r, h - 2) {
            for j in max(x - r, 1) ... min(x + r, w - 2) {
                let gx = (image.pixels[i * w + j + 1] - image.pixels[i * w + j - 1]) / 2
                let gy = (image.pixels[(i + 1) * w + j] - image.pixels[(i - 1) * w + j]) / 2
                (xx, xy, yy, count) = (xx + gx * gx, xy + gx * gy, yy + gy * gy, count + 1)
            }
        }
        let (mean, gap) = ((xx + yy) / 2, (((xx - yy) / 2) * ((xx - yy) / 2) + xy * xy).squareRoot())
        let weakest = (mean - gap) / count
        let required = minimumTexture * noise
        return weakest >= required * required
    }

    /// Whether track `q`'s query window (in its source frame) is textured.
    static func isTextured(_ tracks: TrackLabels, _ q: Int, images: [GrayImage], noise: Float) -> Bool {
        let query = tracks.query.storage
        // Label pixels have their centres at j + 0.5.
        return isTextured(images[Int(query[q * 3])], x: Int(query[q * 3 + 1]), y: Int(query[q * 3 + 2]), noise: noise)
    }

    /// Share of `tracks` on texture, against the clip's own noise; nil without tracks.
    static func texturedFraction(_ tracks: TrackLabels, images: [GrayImage]) -> Double? {
        guard tracks.count > 0 else { return nil }
        let noise = ImageNoise.estimate(images)
        let textured = (0 ..< tracks.count).filter { isTextured(tracks, $0, images: images, noise: noise) }.count
        return Double(textured) / Double(tracks.count)
    }
}
