/// Settings of the dense optical flow (`DenseOpticalFlow`), with quality/speed presets.
public struct OpticalFlowOptions: Sendable, Equatable {
    /// The presets trade accuracy for speed; `.balanced` is the default.
    public enum Preset: String, Sendable, CaseIterable {
        /// Half-resolution patches, no refinement at the finest level: fastest. Its patches overlap
        /// densely (stride 3) but search only 4 iterations: denser patches sharpen motion
        /// boundaries more than longer searches refine each patch, for about 15 % more time.
        case fast
        /// Full resolution, overlapping 8 px patches, variational refinement at every level.
        case balanced
        /// Denser patches and more refinement iterations.
        case quality
    }

    /// Distance between neighbouring patch positions, pixels (< 8, the patch side: patches overlap).
    public var patchStride: Int
    /// Finest pyramid level computed (0 = full resolution); finer levels are upsampled.
    public var finestLevel: Int
    /// Gauss–Newton iterations of the inverse search per patch.
    public var searchIterations: Int
    /// Fixed-point iterations of variational refinement per level (0: none).
    public var refinementIterations: Int
    /// Successive over-relaxation sweeps per fixed-point iteration.
    public var relaxationSweeps: Int
    /// Weights of smoothness, brightness constancy and gradient constancy.
    public var smoothnessWeight: Float
    public var brightnessWeight: Float
    public var gradientWeight: Float

    public init(_ preset: Preset = .balanced) {
        switch preset {
        case .fast:
            self.init(patchStride: 3, finestLevel: 1, searchIterations: 4, refinementIterations: 3)
        case .balanced:
            self.init(patchStride: 4, finestLevel: 0, searchIterations: 16, refinementIterations: 5)
        case .quality:
            self.init(patchStride: 3, finestLevel: 0, searchIterations: 24, refinementIterations: 8)
        }
    }

    public init(patchStride: Int, finestLevel: Int, searchIterations: Int, refinementIterations: Int,
                relaxationSweeps: Int = 5, smoothnessWeight: Float = 20, brightnessWeight: Float = 5, gradientWeight: Float = 10) {
        precondition(patchStride >= 1 && patchStride <= PatchInverseSearch.size, "patch stride \(patchStride) is outside 1...\(PatchInverseSearch.size)")
        self.patchStride = patchStride
        self.finestLevel = finestLevel
        self.searchIterations = searchIterations
        self.refinementIterations = refinementIterations
        self.relaxationSweeps = relaxationSweeps
        self.smoothnessWeight = smoothnessWeight
        self.brightnessWeight = brightnessWeight
        self.gradientWeight = gradientWeight
    }

    /// The coarsest level for an image of this size: where patches still cover a few percent of
    /// the image, so large motions shrink to a few pixels, and the image still holds a whole patch.
    public func coarsestLevel(width: Int, height: Int) -> Int {
        let ratio = Double(max(width, height)) / Double(4 * PatchInverseSearch.size)
        var level = max(finestLevel, Int((ratio > 1 ? log2(ratio) : 0).rounded()))
        while level > 0 && min(width, height) >> level < PatchInverseSearch.size { level -= 1 }
        return level
    }

    /// Pyramid levels a frame needs for this flow.
    public func pyramidLevels(width: Int, height: Int) -> Int {
        coarsestLevel(width: width, height: height) + 1
    }
}

#if canImport(Glibc)
import Glibc
#endif
