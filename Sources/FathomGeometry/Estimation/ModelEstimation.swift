import FathomCore

/// Essential matrix from normalised correspondences; residual: Sampson distance in pixels (the
/// normalised distance times the focal length), so thresholds read in pixels.
public struct EssentialMatrixEstimation: RobustModelProblem {
    public let x1: [SIMD2<Double>]
    public let x2: [SIMD2<Double>]
    public let focal: Double

    public init(x1: [SIMD2<Double>], x2: [SIMD2<Double>], focal: Double) {
        self.x1 = x1
        self.x2 = x2
        self.focal = focal
    }

    public var count: Int { x1.count }
    public var sampleSize: Int { 8 }

    public func models(from sample: [Int]) -> [Matrix3] {
        EssentialMatrix.eightPoint(sample.map { x1[$0] }, sample.map { x2[$0] }).map { [$0] } ?? []
    }

    public func squaredResidual(of index: Int, under model: Matrix3) -> Double {
        EssentialMatrix.sampsonSquared(model, x1[index], x2[index]) * focal * focal
    }

    public func refined(_ model: Matrix3, inliers: [Int]) -> Matrix3? {
        EssentialMatrix.eightPoint(inliers.map { x1[$0] }, inliers.map { x2[$0] })
    }
}

/// Fundamental matrix between pixel correspondences; residual: Sampson distance in pixels.
public struct FundamentalMatrixEstimation: RobustModelProblem {
    public let x1: [SIMD2<Double>]
    public let x2: [SIMD2<Double>]

    public init(x1: [SIMD2<Double>], x2: [SIMD2<Double>]) {
        self.x1 = x1
        self.x2 = x2
    }

    public var count: Int { x1.count }
    public var sampleSize: Int { 8 }

    public func models(from sample: [Int]) -> [Matrix3] {
        FundamentalMatrix.eightPoint(sample.map { x1[$0] }, sample.map { x2[$0] }).map { [$0] } ?? []
    }

    public func squaredResidual(of index: Int, under model: Matrix3) -> Double {
        EssentialMatrix.sampsonSquared(model, x1[index], x2[index])
    }

    public func refined(_ model: Matrix3, inliers: [Int]) -> Matrix3? {
        FundamentalMatrix.eightPoint(inliers.map { x1[$0] }, inliers.map { x2[$0] })
    }
}

/// Homography between pixel correspondences; residual: symmetric transfer error in pixels.
public struct HomographyEstimation: RobustModelProblem {
    /// A homography with its inverse, computed once per hypothesis.
    public struct Model {
        public var matrix: Matrix3
        public var inverse: Matrix3
    }

    public let x1: [SIMD2<Double>]
    public let x2: [SIMD2<Double>]

    public init(x1: [SIMD2<Double>], x2: [SIMD2<Double>]) {
        self.x1 = x1
        self.x2 = x2
    }

    public var count: Int { x1.count }
    public var sampleSize: Int { 4 }

    public func models(from sample: [Int]) -> [Model] {
        fit(sample).map { [$0] } ?? []
    }

    public func squaredResidual(of index: Int, under model: Model) -> Double {
        Homography.symmetricTransferSquared(model.matrix, inverse: model.inverse, x1[index], x2[index])
    }

    public func refined(_ model: Model, inliers: [Int]) -> Model? { fit(inliers) }

    private func fit(_ indices: [Int]) -> Model? {
        guard let h = Homography.directLinearTransform(indices.map { x1[$0] }, indices.map { x2[$0] }) else { return nil }
        return Model(matrix: h, inverse: h.inverse)
    }
}

/// Camera pose (cameraFromWorld) from 3D points and normalised image points by EPnP on samples of
/// six; residual: reprojection error in pixels. Local optimisation refines the pose on all inliers
/// by Gauss–Newton (motion-only bundle adjustment).
public struct PoseEstimation: RobustModelProblem {
    public let world: [SIMD3<Double>]
    public let image: [SIMD2<Double>]
    public let focal: Double

    public init(world: [SIMD3<Double>], image: [SIMD2<Double>], focal: Double) {
        self.world = world
        self.image = image
        self.focal = focal
    }

    public var count: Int { world.count }
    public var sampleSize: Int { 6 }

    public func models(from sample: [Int]) -> [RigidTransform] {
        EPnP.pose(world: sample.map { world[$0] }, image: sample.map { image[$0] }).map { [$0] } ?? []
    }

    public func squaredResidual(of index: Int, under model: RigidTransform) -> Double {
        let c = model * world[index]
        guard c.z > 0 else { return .infinity }
        let e = SIMD2(c.x / c.z, c.y / c.z) - image[index]
        return (e * e).sum() * focal * focal
    }

    public func refined(_ model: RigidTransform, inliers: [Int]) -> RigidTransform? {
        Self.refine(model, world: inliers.map { world[$0] }, image: inliers.map { image[$0] }, focal: focal)
    }

    /// Motion-only bundle adjustment of one pose against fixed points, in pixels of focal `focal`.
    public static func refine(_ pose: RigidTransform, world: [SIMD3<Double>], image: [SIMD2<Double>], focal: Double,
                              huberPixels: Double? = nil) -> RigidTransform? {
        guard world.count >= 3 else { return nil }
        var problem = BundleAdjustmentProblem(
            cameraFromWorld: [pose], points: world, intrinsics: PinholeIntrinsics(fx: focal, fy: focal, cx: 0, cy: 0),
            observations: image.indices.map { BundleObservation(camera: 0, point: $0, uv: image[$0] * focal) })
        BundleAdjustment.solve(&problem, options: BundleAdjustmentOptions(maxIterations: 10, huberPixels: huberPixels, fixPoints: true))
        return problem.cameraFromWorld[0]
    }
}
