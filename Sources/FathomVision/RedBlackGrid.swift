/// An image's pixels split by colour, as red–black relaxation visits them: pixel (i, j) has colour
/// (i + j) & 1 and sits in row i, column j / 2 of its colour's plane. A half-sweep touches one
/// colour only, so packed like this every vector lane does useful work, where a row-major vector
/// would carry half its lanes idle.
///
/// Each colour plane has a row of padding above and below and a column to the left, and rows
/// padded to whole vectors plus one cell, so every cell's four neighbours (in the other colour's
/// plane) are in bounds: padding holds zero and is never a pixel.
struct RedBlackGrid {
    let width: Int
    let height: Int
    /// Floats from one row of a colour plane to the next.
    let stride: Int
    /// Vectors of 8 cells that cover a row (the widest colour's row).
    let vectorsPerRow: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        vectorsPerRow = ((width + 1) / 2 + 7) / 8
        stride = 8 * vectorsPerRow + 2
    }

    /// Floats in one colour plane, padding included: whole vectors, so planes can be walked 8 at a time.
    var planeCount: Int { ((height + 2) * stride + 7) / 8 * 8 }

    /// Position of pixel (i, j) in its colour's plane.
    @inline(__always)
    func index(_ i: Int, _ j: Int) -> Int { (i + 1) * stride + j >> 1 + 1 }

    /// First cell of row i in a colour plane.
    @inline(__always)
    func rowStart(_ i: Int) -> Int { (i + 1) * stride + 1 }

    /// Offset from a cell of `colour` in row i to its right neighbour in the other colour's plane;
    /// the left neighbour is one before that, the ones above and below at ∓ `stride`.
    @inline(__always)
    func rightOffset(row i: Int, colour: Int) -> Int { (i + colour) & 1 }

    /// Copies a full-size row-major image into `planes` (red plane, then black, `planeCount`
    /// floats apart), leaving the padding as it is.
    func pack(_ image: UnsafePointer<Float>, into planes: UnsafeMutablePointer<Float>) {
        let count = planeCount
        for i in 0 ..< height {
            for j in 0 ..< width {
                planes[((i + j) & 1) * count + index(i, j)] = image[i * width + j]
            }
        }
    }
}
