import FathomCore
import FathomVision

/// The clip's motion at the resolution depth is estimated at: frames, consecutive flows and
/// occlusion masks reduced by 2^level. Flows are block averages (vectors scaled with the image),
/// masks mark a working pixel hidden when any pixel it covers is, so chains stop early rather
/// than cross an occlusion.
struct WorkingMotion {
    let width: Int
    let height: Int
    let images: [GrayImage]
    /// forward[t]: frame t → t + 1; backward[t]: frame t + 1 → t.
    let forward: [FlowField]
    let backward: [FlowField]
    let hiddenNext: [[Bool]]
    let hiddenPrevious: [[Bool]]
    let intrinsics: PinholeIntrinsics
    private let reducer: BlockReducer

    init(_ motion: ClipMotion, intrinsics: PinholeIntrinsics, level: Int) {
        let factor = 1 << level
        width = motion.width / factor
        height = motion.height / factor
        images = motion.images.map { image in (0 ..< level).reduce(image) { reduced, _ in reduced.halved() } }
        let shrink = BlockReducer(fullWidth: motion.width, factor: factor, width: width, height: height)
        reducer = shrink
        forward = motion.forward.map(shrink.flow)
        backward = motion.backward.map(shrink.flow)
        hiddenNext = motion.hiddenNext.map(shrink.mask)
        hiddenPrevious = motion.hiddenPrevious.map(shrink.mask)
        // Working pixel (i, j) covers full pixels [factor·j, factor·(j + 1)): its centre is at factor·(j + 0.5).
        self.intrinsics = intrinsics.scaled(x: 1 / Double(factor), y: 1 / Double(factor))
    }

    var frameCount: Int { images.count }

    /// A full-resolution mask at the working resolution: set where any covered pixel is.
    func reduced(_ mask: ArraySlice<Bool>) -> [Bool] {
        reducer.mask(mask)
    }

    /// Reduces full-resolution planes over `factor` × `factor` blocks.
    private struct BlockReducer {
        let fullWidth: Int
        let factor: Int
        let width: Int
        let height: Int

        func flow(_ field: FlowField) -> FlowField {
            if factor == 1 { return field }
            let scale = 1 / Float(factor * factor * factor)
            return FlowField(width: width, height: height, u: reduce(field.u, scale: scale), v: reduce(field.v, scale: scale))
        }

        func mask(_ full: some Collection<Bool>) -> [Bool] {
            if factor == 1 { return Array(full) }
            var out = [Bool](repeating: false, count: width * height)
            for (p, set) in full.enumerated() where set {
                let (i, j) = (p / fullWidth / factor, p % fullWidth / factor)
                if i < height, j < width { out[i * width + j] = true }
            }
            return out
        }

        /// Sum over each block times `scale`.
        private func reduce(_ plane: [Float], scale: Float) -> [Float] {
            var out = [Float](repeating: 0, count: width * height)
            plane.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { out in
                for i in 0 ..< height {
                    for j in 0 ..< width {
                        var sum: Float = 0
                        for di in 0 ..< factor {
                            let row = (i * factor + di) * fullWidth + j * factor
                            for dj in 0 ..< factor { sum += p[row + dj] }
                        }
                        out[i * width + j] = sum * scale
                    }
                }
            } }
            return out
        }
    }
}
