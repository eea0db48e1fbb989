import FathomCore
import Foundation

/// One-dimensional minimisation over focal lengths: a coarse geometric grid (the cost of a wrong
/// focal length is far from convex, so local descent alone could stop in the wrong valley), then
/// `refinements` steps of golden-section search in log-focal between the best grid point's
/// neighbours (none: the best grid point, for callers that refine the focal length themselves).
/// The grid's costs are independent and computed in parallel; the result does not depend on the
/// number of cores.
enum FocalSearch {
    static func minimize(over range: ClosedRange<Double>, gridPoints: Int = 14, refinements: Int = 8,
                         _ cost: (Double) -> Double) -> (focal: Double, cost: Double) {
        let low = Foundation.log(range.lowerBound)
        let high = Foundation.log(range.upperBound)
        let step = (high - low) / Double(gridPoints - 1)
        let grid = (0 ..< gridPoints).map { low + Double($0) * step }
        var costs = [Double](repeating: .infinity, count: gridPoints)
        costs.withUnsafeMutableBufferPointer { slots in
            let output = SharedBuffer(slots)
            parallelRows(gridPoints, minimumWork: 4096) { output[$0] = cost(Foundation.exp(grid[$0])) }
        }
        let bestIndex = costs.indices.min { costs[$0] < costs[$1] }!
        var a = grid[max(0, bestIndex - 1)]
        var b = grid[min(gridPoints - 1, bestIndex + 1)]
        var best = (focal: Foundation.exp(grid[bestIndex]), cost: costs[bestIndex])
        guard refinements > 0 else { return best }
        let ratio = (5.0.squareRoot() - 1) / 2
        var c = b - ratio * (b - a)
        var d = a + ratio * (b - a)
        var fc = cost(Foundation.exp(c))
        var fd = cost(Foundation.exp(d))
        for _ in 0 ..< refinements {
            if fc < fd {
                b = d
                d = c
                fd = fc
                c = b - ratio * (b - a)
                fc = cost(Foundation.exp(c))
            } else {
                a = c
                c = d
                fc = fd
                d = a + ratio * (b - a)
                fd = cost(Foundation.exp(d))
            }
        }
        for (x, value) in [(c, fc), (d, fd)] where value < best.cost { best = (Foundation.exp(x), value) }
        return best
    }

    /// Focal length in pixels of a horizontal field of view on an image `width` pixels wide.
    static func focal(width: Int, horizontalFOVDegrees: Double) -> Double {
        Double(width) / 2 / tan(horizontalFOVDegrees * .pi / 360)
    }
}
