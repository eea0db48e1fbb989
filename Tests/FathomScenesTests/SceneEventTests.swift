import FathomCore
import FathomScenes
import Testing

/// Impossible events render as specified: a vanished object's pixels are gone from its frame on, a
/// teleported object's pixels jump by its offset, a pass-through makes two solids overlap while
/// the plausible twin never does; pairs are deterministic.
@Suite struct SceneEventTests {
    static let base = SceneCatalog.scene("tripod", width: 80, height: 60, frames: 12)!.removingInterpenetrations()

    /// Pixels of `object` in `frame`, and their centroid.
    private func pixels(of object: Int, in scene: Scene, frame: Int) -> (count: Int, centroid: SIMD2<Double>) {
        let rendered = SceneRenderer(scene: scene).render(frame: frame)
        var sum = SIMD2<Double>.zero, count = 0
        for (p, index) in rendered.objectIndex.enumerated() where index == Int32(object) {
            sum += SIMD2(Double(p % scene.width), Double(p / scene.width))
            count += 1
        }
        return (count, count > 0 ? sum / Double(count) : .zero)
    }

    @Test func aVanishedObjectIsNotRenderedFromItsFrameOn() {
        let object = 3, frame = 6
        let event = Self.base.with(.vanish(object: object, frame: frame))
        #expect(pixels(of: object, in: event, frame: frame - 1).count == pixels(of: object, in: Self.base, frame: frame - 1).count)
        #expect(pixels(of: object, in: Self.base, frame: frame - 1).count > 50)
        for t in frame ..< Self.base.frameCount { #expect(pixels(of: object, in: event, frame: t).count == 0) }
        // Everything else is rendered as before.
        #expect(SceneRenderer(scene: event).render(frame: frame - 1).rgb == SceneRenderer(scene: Self.base).render(frame: frame - 1).rgb)
    }

    @Test func aTeleportedObjectJumpsByItsOffset() {
        let object = 3, frame = 6, offset: SIMD3<Double> = [0.8, 0, 0]
        var still = Self.base
        still.objects.removeAll { !$0.motion.isStatic }  // nothing passes in front of the sphere
        let event = still.with(.teleport(object: object, frame: frame, offset: offset))
        #expect(event.worldFromObject(object, frame: frame - 1).translation == Self.base.worldFromObject(object, frame: frame - 1).translation)
        #expect(length(event.worldFromObject(object, frame: frame).translation - Self.base.worldFromObject(object, frame: frame).translation - offset) < 1e-12)
        // In the image: the static sphere's pixels move by the projected offset between two frames of a still camera.
        let before = pixels(of: object, in: event, frame: frame - 1), after = pixels(of: object, in: event, frame: frame)
        let camera = Self.base.worldFromCamera(frame: frame).inverse
        let k = Self.base.intrinsics
        let centre = Self.base.worldFromObject(object, frame: frame).translation
        let expected = k.project(camera * (centre + offset)) - k.project(camera * centre)
        #expect(length(SIMD3(after.centroid.x - before.centroid.x - expected.x, after.centroid.y - before.centroid.y - expected.y, 0)) < 1.5,
                "centroid moved \(after.centroid - before.centroid), projected offset \(expected)")
        #expect(before.count > 50 && after.count > 50)
    }

    @Test func passingThroughOverlapsAndItsTwinDoesNot() throws {
        let pair = try #require(EventPair(.passThrough, scene: Self.base, seed: 3))
        guard case .passThrough(let object, let other, let frame, _) = pair.event else { Issue.record("wrong event \(pair.event)"); return }
        #expect(pair.impossible.overlappingSolids(frame: frame).contains { Set([$0.0, $0.1]) == Set([object, other]) })
        for t in 0 ..< pair.plausible.frameCount { #expect(pair.plausible.overlappingSolids(frame: t).isEmpty, "plausible twin overlaps at frame \(t)") }
    }

    @Test func pairsAreDeterministicAndDifferBySeed() throws {
        for kind in EventPair.Kind.allCases {
            let a = try #require(EventPair(kind, scene: Self.base, seed: 7)), b = try #require(EventPair(kind, scene: Self.base, seed: 7))
            #expect(a.event == b.event)
            #expect(SceneRenderer(scene: a.impossible).render(frame: a.event.frame).rgb == SceneRenderer(scene: b.impossible).render(frame: b.event.frame).rgb)
        }
        let events = (1 ... 4).compactMap { EventPair(.teleport, scene: Self.base, seed: UInt64($0))?.event }
        #expect(Set(events.map { "\($0)" }).count > 1)
    }

    @Test func theCatalogsCrossingMoversArePartedForPlausibleClips() {
        // The ball and the thin board of the mover scenes cross paths late in a long clip.
        let scene = SceneCatalog.scene("tripod", width: 32, height: 24, frames: 48)!
        #expect((0 ..< 48).contains { !scene.overlappingSolids(frame: $0).isEmpty })
        let parted = scene.removingInterpenetrations()
        #expect((0 ..< 48).allSatisfy { parted.overlappingSolids(frame: $0).isEmpty })
        #expect(parted.objects.count < scene.objects.count)
        #expect(parted.objects.filter(\.motion.isStatic).count == scene.objects.filter(\.motion.isStatic).count)
    }
}
