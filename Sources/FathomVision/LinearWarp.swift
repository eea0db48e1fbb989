/// How a small patch around a tracked point has been stretched, sheared and turned since its
/// source frame: the linear part x′ = A x of the local image motion, accumulated frame by frame
/// from the flow's derivatives. As the camera moves, perspective scales and foreshortens every
/// patch; comparing the source patch as a fixed square then pulls the match towards wherever the
/// texture is strongest, an error that grows over the clip and bends the cameras (focal length,
/// rotation drift). Compared in the shape the flow says it now has, it stays centred.
struct LinearWarp: Equatable {
    /// Row-major (a, b, c, d): x′ = a x + b y, y′ = c x + d y.
    var matrix: SIMD4<Float>

    static let identity = LinearWarp(matrix: [1, 0, 0, 1])

    /// Largest derivative of the flow (pixels per pixel) taken as the motion of one surface; beyond
    /// it the patch straddles a motion boundary and the derivative says nothing about its shape.
    static let maxFlowDerivative: Float = 0.3
    /// Range of the accumulated area change kept: a patch more than twice as large or small as its
    /// source, in each direction, is no longer a usable template under any warp.
    static let areaRange: ClosedRange<Float> = 0.25 ... 4
    /// Pixels either side of the point over which the flow's derivatives are taken, about half the
    /// tracked patch.
    static let derivativeSpacing: Float = 2

    /// The local linear motion `flow` applies around `point` (pixel-index coordinates), by central
    /// differences; nil across a motion boundary.
    init?(flow: FlowField, at point: SIMD2<Float>) {
        let d = Self.derivativeSpacing
        let right = flow.sample(x: point.x + d, y: point.y), left = flow.sample(x: point.x - d, y: point.y)
        let below = flow.sample(x: point.x, y: point.y + d), above = flow.sample(x: point.x, y: point.y - d)
        let derivatives = SIMD4(right.x - left.x, below.x - above.x, right.y - left.y, below.y - above.y) / (2 * d)
        guard derivatives.max() <= Self.maxFlowDerivative, derivatives.min() >= -Self.maxFlowDerivative else { return nil }
        matrix = Self.identity.matrix + derivatives
    }

    init(matrix: SIMD4<Float>) {
        self.matrix = matrix
    }

    var determinant: Float { matrix[0] * matrix[3] - matrix[1] * matrix[2] }

    func apply(_ v: SIMD2<Float>) -> SIMD2<Float> {
        SIMD2(matrix[0] * v.x + matrix[1] * v.y, matrix[2] * v.x + matrix[3] * v.y)
    }

    /// This warp, then `next` (the matrix product next · self); unchanged when the result would
    /// leave `areaRange`.
    func followed(by next: LinearWarp) -> LinearWarp {
        let (a, b) = (next.matrix, matrix)
        let product = LinearWarp(matrix: [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
                                          a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]])
        return Self.areaRange.contains(product.determinant) ? product : self
    }
}
