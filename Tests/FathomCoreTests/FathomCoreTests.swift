import FathomCore
import Foundation
import Testing

@Suite struct GeometryTypeTests {
    @Test func rigidTransformInverseComposesToIdentity() {
        let t = RigidTransform(rotation: .rotation(axis: [0.2, 1, -0.3], angle: 0.7), translation: [1, -2, 3])
        let p: SIMD3<Double> = [0.5, 0.25, -4]
        let back = t.inverse * (t * p)
        #expect(length(back - p) < 1e-12, "round trip error \(length(back - p))")
        let product = (t * t.inverse).matrix4x4
        for (value, identity) in zip(product, RigidTransform.identity.matrix4x4) {
            #expect(abs(value - identity) < 1e-12)
        }
    }

    @Test func lookAtGivesOpenCVAxes() {
        // A camera at the origin looking down +z with y up in the world: x right, y down, z forward.
        let r = Matrix3.lookAt(eye: .zero, target: [0, 0, 5], up: [0, 1, 0])
        #expect(r * SIMD3(0, 0, 1) == [0, 0, 1])
        #expect(r * SIMD3(0, 1, 0) == [0, -1, 0])
        #expect(r * SIMD3(-1, 0, 0) == [1, 0, 0])  // right-handed world: facing +z with y up, −x is to the right
    }

    @Test func projectUnprojectUsesPixelCentres() {
        let k = PinholeIntrinsics(fx: 100, fy: 100, cx: 32, cy: 24)
        // The optical axis passes through the image centre, which is a pixel corner for even sizes.
        #expect(k.project([0, 0, 2]) == [32, 24])
        let p = k.unproject([10.5, 3.5], depth: 4)
        #expect(p.z == 4)
        #expect(length(SIMD3(k.project(p).x - 10.5, k.project(p).y - 3.5, 0)) < 1e-12)
        let half = k.scaled(x: 0.5, y: 0.5)
        #expect(half.cx == 16 && half.fx == 50)
    }

    /// Quickselect finds what sorting would put at k, for every k, with and without ties.
    @Test func kthSmallestAgreesWithSorting() {
        var random = SplitMix(seed: 11)
        for (count, levels) in [(1, 5), (2, 5), (7, 3), (100, 1000), (257, 4), (1000, 1_000_000)] {
            let values = (0 ..< count).map { _ in Float(Int(random.unit() * Double(levels))) }
            let sorted = values.sorted()
            for k in 0 ..< count {
                var scratch = values
                #expect(kthSmallest(&scratch, k) == sorted[k], "k = \(k) of \(count) values in \(levels) levels")
                #expect(scratch.sorted() == sorted, "only reordered")
            }
        }
    }

    @Test func tensorIndexesRowMajor() {
        var t = Tensor<Int32>(shape: [2, 3, 4], repeating: 0)
        t[1, 2, 3] = 7
        #expect(t.storage[1 * 12 + 2 * 4 + 3] == 7)
        #expect(t.sliceCount == 12)
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(of: long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func atomicWriteLeavesOnlyTheFinalFile() throws {
        let directory = NSTemporaryDirectory() + "fathom-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try AtomicFile.write(Array("hello".utf8), to: directory + "/a.json")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["a.json"])
        #expect(try String(contentsOfFile: directory + "/a.json", encoding: .utf8) == "hello")
        #expect(throws: FathomError.self) { try AtomicFile.write([1], to: directory + "/missing/b.json") }
    }

    @Test func inconsistentLabelShapesAreRejected() {
        let t = 2, h = 3, w = 4
        var labels = ClipLabels(
            id: "c", source: "s", fps: 24, depthUnits: .relative, frameIndex: [0, 1], timestamp: [0, 0.04], rgb: nil,
            depth: Tensor(shape: [t, h, w], repeating: 1), depthConfidence: Tensor(shape: [t, h, w], repeating: 0),
            occlusion: Tensor(shape: [t, h, w], repeating: 0), intrinsics: Tensor(shape: [t, 3, 3], repeating: 0),
            worldFromCamera: Tensor(shape: [t, 4, 4], repeating: 0), tracks: .empty(frameCount: t))
        #expect(throws: Never.self) { try labels.checkShapes() }
        labels.occlusion = Tensor(shape: [t, h, w + 1], repeating: 0)
        #expect { try labels.checkShapes() } throws: { ($0 as? FathomError)?.message.contains("occlusion has shape [2, 3, 5]") == true }
    }
}
