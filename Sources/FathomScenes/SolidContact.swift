import FathomCore

/// Whether a scene's solids interpenetrate: the physical check behind plausible clips. Solids
/// overlap when a surface point of one lies inside the other (planes, which have no inside, never
/// overlap anything; an object that has vanished overlaps nothing).
extension Scene {
    /// Pairs (a < b) of solids that overlap at frame `frame`; `margin` (world units) also counts
    /// solids closer than that as overlapping.
    public func overlappingSolids(frame: Int, margin: Double = 0) -> [(Int, Int)] {
        let time = self.time(ofFrame: frame)
        let solids = objects.indices.filter { objects[$0].primitive.isSolid && objects[$0].isPresent(at: time) }
        let poses = objects.indices.map { worldFromObject($0, frame: frame) }
        var pairs: [(Int, Int)] = []
        for (n, a) in solids.enumerated() {
            for b in solids[(n + 1)...] {
                let reach = objects[a].primitive.boundingRadius + objects[b].primitive.boundingRadius + margin
                guard length(poses[a].translation - poses[b].translation) < reach else { continue }
                if reaches(a, into: b, poses: poses, margin: margin) || reaches(b, into: a, poses: poses, margin: margin) {
                    pairs.append((a, b))
                }
            }
        }
        return pairs
    }

    /// Whether some surface point of `a` lies inside `b` (or within `margin` of it).
    private func reaches(_ a: Int, into b: Int, poses: [RigidTransform], margin: Double) -> Bool {
        let bFromA = poses[b].inverse * poses[a]
        return objects[a].primitive.surfacePoints.contains { point in
            (objects[b].primitive.signedDistance(bFromA * point) ?? .infinity) < margin
        }
    }

    /// This scene without the moving objects that would interpenetrate another solid during its
    /// frames: of each overlapping pair, the later moving one is removed. The catalog's mover
    /// scenes let the ball and the thin board pass through each other late in a long clip; a
    /// plausible clip must not.
    public func removingInterpenetrations() -> Scene {
        var scene = self
        for frame in 0 ..< frameCount {
            while let (a, b) = scene.overlappingSolids(frame: frame).first {
                let moving = [b, a].first { !scene.objects[$0].motion.isStatic } ?? b
                scene.objects.remove(at: moving)
            }
        }
        return scene
    }
}

extension Scene {
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
