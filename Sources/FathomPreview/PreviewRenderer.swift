import FathomCore

/// What a person needs to judge labels in seconds: for each frame, side by side, the frame with
/// track trails (colour per track; a trail is drawn only over frames where the point is visible),
/// the depth as a colour map (near warm, far cool, unknown black; scaled per clip), and the frame
/// with occlusion overlaid (red: hidden in the next frame, blue: was hidden in the previous one).
public struct PreviewRenderer: Sendable {
    public let labels: ClipLabels
    /// Frames of trail behind each track's current position.
    public var trailFrames = 8
    private let depthRange: (near: Float, far: Float)

    public init(labels: ClipLabels) {
        self.labels = labels
        let finite = labels.depth.storage.filter { $0.isFinite && $0 > 0 }.sorted()
        depthRange = finite.isEmpty ? (0, 1) : (finite[finite.count / 50], finite[finite.count * 49 / 50])
    }

    /// Width and height of a rendered frame: three panels in a row.
    public var size: (width: Int, height: Int) { (labels.width * 3, labels.height) }

    /// The preview of labelled frame `t`, [H, 3W, 3].
    public func render(frame t: Int) -> Tensor<UInt8> {
        let (w, h) = (labels.width, labels.height)
        var canvas = Canvas(width: 3 * w, height: h)
        for i in 0 ..< h {
            for j in 0 ..< w {
                let p = (t * h + i) * w + j
                let colour = rgb(at: p)
                canvas.set(j, i, colour)
                let d = labels.depth.storage[p]
                let normalised = d.isFinite ? (log(d) - log(depthRange.near)) / max(log(depthRange.far) - log(depthRange.near), 1e-6) : .nan
                canvas.set(w + j, i, depthColour(normalised))
                canvas.set(2 * w + j, i, colour)
                let bits = labels.occlusion.storage[p]
                if bits & 1 != 0 { canvas.set(2 * w + j, i, [255, 40, 40], alpha: 0.7) }
                if bits & 2 != 0 { canvas.set(2 * w + j, i, [40, 90, 255], alpha: 0.5) }
            }
        }
        let tracks = labels.tracks
        let count = labels.frameCount
        for n in 0 ..< tracks.count {
            let colour = trackColour(n)
            func point(_ frame: Int) -> SIMD2<Float>? {
                let base = (n * count + frame) * 2
                let p = SIMD2(tracks.uv.storage[base], tracks.uv.storage[base + 1])
                return p.x.isFinite && p.y.isFinite && tracks.visible.storage[n * count + frame] == 1 ? p : nil
            }
            for frame in max(0, t - trailFrames) ..< t {
                if let a = point(frame), let b = point(frame + 1) { canvas.line(from: a, to: b, colour, alpha: 0.8) }
            }
            if let p = point(t) { canvas.dot(at: p, radius: 1, colour) }
        }
        return canvas.tensor
    }

    private func rgb(at pixel: Int) -> SIMD3<UInt8> {
        if let rgb = labels.rgb {
            return SIMD3(rgb.storage[pixel * 3], rgb.storage[pixel * 3 + 1], rgb.storage[pixel * 3 + 2])
        }
        return [64, 64, 64]
    }
}

#if canImport(Glibc)
import Glibc
#endif
