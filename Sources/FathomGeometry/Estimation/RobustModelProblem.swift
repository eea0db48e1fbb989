/// What RANSAC needs to know of a model fitting problem, and nothing of cameras: how many data
/// there are, how to fit candidate models to a minimal sample, how far a datum is from a model, and
/// (optionally) how to refit a model to all its inliers for local optimisation.
public protocol RobustModelProblem {
    associatedtype Model

    /// Number of data (correspondences, points, …), indexed 0 ..< count.
    var count: Int { get }
    /// Size of a minimal sample.
    var sampleSize: Int { get }
    /// Every model consistent with the sample (a minimal solver may give several, or none when the
    /// sample is degenerate).
    func models(from sample: [Int]) -> [Model]
    /// Squared residual of datum `index` under `model`, in the units of the inlier threshold squared.
    func squaredResidual(of index: Int, under model: Model) -> Double
    /// A model fitted to all `inliers` (least squares), or nil when it cannot be improved.
    func refined(_ model: Model, inliers: [Int]) -> Model?
}

extension RobustModelProblem {
    public func refined(_ model: Model, inliers: [Int]) -> Model? { nil }
}
