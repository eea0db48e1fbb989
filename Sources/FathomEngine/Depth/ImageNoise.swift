import FathomCore
import FathomVision

/// The standard deviation of a clip's intensity noise, estimated from its frames (after
/// Immerkær, "Fast noise variance estimation", CVIU 1996): the 3 × 3 mask below cancels any local
/// linear trend, so in smooth regions its response is noise alone (its norm is 6). The median of
/// the absolute responses (× 1.4826 for a Gaussian) is taken rather than the mean, so texture and
/// edges, a minority of pixels in most frames, do not inflate the estimate.
///
/// Lossless renders come out near 8-bit quantisation, compressed or sensor-noisy video higher:
/// depth then trusts faint texture exactly as far as the noise allows.
enum ImageNoise {
    /// The floor: 8-bit quantisation (a uniform error of ±½ level has σ = 1/√12).
    static let quantisation: Float = 0.29

    /// Noise of `images`, judged on the first, middle and last frames.
    static func estimate(_ images: [GrayImage]) -> Float {
        guard let first = images.first, first.width >= 3, first.height >= 3 else { return quantisation }
        let (w, h) = (first.width, first.height)
        var responses: [Float] = []
        responses.reserveCapacity(3 * (w - 2) * (h - 2))
        for index in Set([0, images.count / 2, images.count - 1]).sorted() {
            images[index].pixels.withUnsafeBufferPointer { p in
                for i in 1 ..< h - 1 {
                    for j in 1 ..< w - 1 {
                        let (up, mid, down) = ((i - 1) * w + j, i * w + j, (i + 1) * w + j)
                        let corners = p[up - 1] + p[up + 1] + p[down - 1] + p[down + 1]
                        let edges = p[up] + p[down] + p[mid - 1] + p[mid + 1]
                        responses.append(abs(corners - 2 * edges + 4 * p[mid]))
                    }
                }
            }
        }
        return max(quantisation, 1.4826 * kthSmallest(&responses, responses.count / 2) / 6)
    }
}
