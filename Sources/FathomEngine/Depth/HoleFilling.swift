import FathomVision

/// Edge-aware filling of small holes: a connected region of unknown depth no larger than
/// `maximumArea` pixels, enclosed by known depth (not touching a moving pixel or the frame's
/// border), is a match the surface around it missed (weak texture, a thin occlusion), so it takes
/// the depth of its surroundings. Each hole pixel looks along 8 directions for the nearest known
/// depth and averages them, weighted by closeness in intensity (`EdgeWeight`) and distance, so a
/// hole on an edge takes the depth of the side it looks like. Depth is interpolated, never
/// extrapolated: a pixel none of whose sources looks like it stays unknown, as do larger regions
/// and regions open to the border (sky, far ground, unmatched surfaces). Filled pixels get half
/// the confidence of their sources.
enum HoleFilling {
    static func fill(_ frame: inout DepthFrame, image: GrayImage, maximumArea: Int) {
        let (w, h) = (frame.width, frame.height)
        var visited = [Bool](repeating: false, count: w * h)
        var region: [Int] = []
        var stack: [Int] = []
        for seed in 0 ..< w * h where frame.depth[seed].isNaN && !frame.moving[seed] && !visited[seed] {
            region.removeAll(keepingCapacity: true)
            var touchesMoving = false
            var touchesBorder = false
            visited[seed] = true
            stack.append(seed)
            while let p = stack.popLast() {
                region.append(p)
                let (i, j) = (p / w, p % w)
                if i == 0 || j == 0 || i == h - 1 || j == w - 1 { touchesBorder = true }
                for (di, dj) in neighbours {
                    let (ni, nj) = (i + di, j + dj)
                    guard ni >= 0, ni < h, nj >= 0, nj < w else { continue }
                    let q = ni * w + nj
                    if frame.moving[q] { touchesMoving = true }
                    if frame.depth[q].isNaN && !frame.moving[q] && !visited[q] {
                        visited[q] = true
                        stack.append(q)
                    }
                }
            }
            guard region.count <= maximumArea, !touchesMoving, !touchesBorder else { continue }
            let filled = region.map { interpolate(at: $0, frame, image: image) }
            for (p, value) in zip(region, filled) {
                frame.depth[p] = value.depth
                frame.confidence[p] = value.depth.isNaN ? 0 : value.confidence
            }
        }
    }

    private static let neighbours = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    private static let directions = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]

    private static func interpolate(at p: Int, _ frame: DepthFrame, image: GrayImage) -> (depth: Float, confidence: UInt8) {
        let (w, h) = (frame.width, frame.height)
        let (i, j) = (p / w, p % w)
        let own = image.pixels[p]
        var (weightSum, depthSum, confidenceSum, bestSimilarity): (Float, Float, Float, Float) = (0, 0, 0, 0)
        for (di, dj) in directions {
            var (ni, nj, steps) = (i + di, j + dj, 1)
            while ni >= 0, ni < h, nj >= 0, nj < w, frame.depth[ni * w + nj].isNaN, !frame.moving[ni * w + nj] {
                (ni, nj, steps) = (ni + di, nj + dj, steps + 1)
            }
            guard ni >= 0, ni < h, nj >= 0, nj < w, !frame.moving[ni * w + nj] else { continue }
            let q = ni * w + nj
            let similarity = EdgeWeight.similarity(image.pixels[q], own)
            bestSimilarity = max(bestSimilarity, similarity)
            let weight = similarity / Float(steps)
            weightSum += weight
            depthSum += weight * frame.depth[q]
            confidenceSum += weight * Float(frame.confidence[q])
        }
        // Only a surface that looks like the hole may fill it: sky bordered by walls stays unknown.
        guard bestSimilarity >= 0.5 else { return (.nan, 0) }
        return (depthSum / weightSum, UInt8(max(1, (confidenceSum / weightSum / 2).rounded())))
    }
}
