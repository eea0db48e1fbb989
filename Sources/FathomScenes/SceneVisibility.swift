import FathomCore

/// What the camera sees of a scene's objects, by casting rays: how much of the image an object
/// covers, and where two objects' surfaces meet in view. Used to keep only events a video shows.
extension Scene {
    /// Share of the image in which `object` is the first surface seen at `frame`, sampled every 4th pixel.
    public func coverage(of object: Int, frame: Int) -> Double {
        let renderer = SceneRenderer(scene: self)
        let poses = renderer.poses(frame: frame)
        var seen = 0, samples = 0
        for i in stride(from: 2, to: height, by: 4) {
            for j in stride(from: 2, to: width, by: 4) {
                samples += 1
                if renderer.cast(poses, u: Double(j) + 0.5, v: Double(i) + 0.5)?.object == object { seen += 1 }
            }
        }
        return Double(seen) / Double(max(samples, 1))
    }

    /// Pixels of frame `frame` showing `a` next to a pixel showing `b` at the same depth (within
    /// 3 %): where the two surfaces meet in view, the visible trace of solids touching or
    /// interpenetrating (an occlusion boundary has a depth step instead).
    public func visibleContact(_ a: Int, _ b: Int, frame: Int) -> Int {
        let renderer = SceneRenderer(scene: self)
        let poses = renderer.poses(frame: frame)
        let hits = (0 ..< height * width).map { renderer.cast(poses, u: Double($0 % width) + 0.5, v: Double($0 / width) + 0.5) }
        var count = 0
        for i in 0 ..< height {
            for j in 0 ..< width {
                guard let hit = hits[i * width + j], hit.object == a else { continue }
                let neighbours = [(i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)].filter { $0.0 >= 0 && $0.0 < height && $0.1 >= 0 && $0.1 < width }
                if neighbours.contains(where: { n in
                    hits[n.0 * width + n.1].map { $0.object == b && abs($0.depth - hit.depth) <= 0.03 * hit.depth } ?? false
                }) { count += 1 }
            }
        }
        return count
    }
}
