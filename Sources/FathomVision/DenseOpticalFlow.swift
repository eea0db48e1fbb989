/// Dense optical flow in the spirit of DIS (Kroeger et al., ECCV 2016), coarse to fine: at each
/// pyramid level, patch inverse search, densification, then variational refinement; the result of
/// one level initialises the next. Flow between consecutive frames of a clip can start from the
/// previous pair's flow (`initial`).
public struct DenseOpticalFlow: Sendable {
    public let options: OpticalFlowOptions

    public init(options: OpticalFlowOptions = .init()) {
        self.options = options
    }

    /// Builds the pyramid a frame needs for this flow; build it once per frame and reuse it.
    public func pyramid(_ image: GrayImage) -> FramePyramid {
        FramePyramid(image, levelCount: options.pyramidLevels(width: image.width, height: image.height))
    }

    /// Flow from `first` to `second`: for every pixel of `first`, its displacement into `second`.
    public func flow(from first: FramePyramid, to second: FramePyramid, initial: FlowField? = nil) -> FlowField {
        let full = first.levels[0]
        // Smaller than one patch: nothing to match, so no motion is claimed.
        guard min(full.width, full.height) >= PatchInverseSearch.size else { return .zero(width: full.width, height: full.height) }
        let coarsest = min(options.coarsestLevel(width: full.width, height: full.height), first.levels.count - 1, second.levels.count - 1)
        let finest = min(options.finestLevel, coarsest)
        let search = PatchInverseSearch(stride: options.patchStride, iterations: options.searchIterations)
        let refinement = VariationalRefinement(options)
        let top = first.levels[coarsest]
        var flow = initial?.resized(width: top.width, height: top.height) ?? .zero(width: top.width, height: top.height)
        for level in stride(from: coarsest, through: finest, by: -1) {
            let image0 = first.levels[level]
            let image1 = second.levels[level]
            flow = flow.resized(width: image0.width, height: image0.height)
            let sparse = search.run(first: image0, gradientX: first.gradientX[level], gradientY: first.gradientY[level],
                                    second: image1, initial: flow)
            flow = Densification.dense(first: image0, second: image1, columns: sparse.columns, rows: sparse.rows, u: sparse.u, v: sparse.v)
            refinement.refine(first: image0, second: image1, flow: &flow)
        }
        // Patches blur motion boundaries over half their footprint at the finest level computed.
        return BoundaryRefinement.refine(flow.resized(width: full.width, height: full.height), first: full, second: second.levels[0],
                                         reach: (PatchInverseSearch.size / 2) << finest)
    }
}
