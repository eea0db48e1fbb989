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
