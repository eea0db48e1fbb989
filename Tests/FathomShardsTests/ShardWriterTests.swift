import FathomCore
@testable import FathomShards
import FathomTestSupport
import Foundation
import Testing

@Suite struct ShardWriterTests {
    @Test func roundTripIsExactWithFloat32Depth() throws {
        let directory = TemporaryDirectory()
        let labels = SampleShards.labels()
        try SampleShards.write([labels], to: directory.file("a.h5"), options: .init(depthPrecision: .float32))
        let back = try ShardReader(path: directory.file("a.h5")).clip(labels.id)
        #expect(bitwiseEqual(back, labels))
        #expect(back.quality["label_origin"] == .text("synthetic ground truth"))
    }

    /// Chunks are shuffled and deflated by Fathom, not by HDF5: HDF5's own inflate must read them
    /// back exactly, including a partial last chunk (2,500 tracks in chunks of 1,024), at the
    /// lowest and highest levels, for a clip encoded on another thread.
    @Test(arguments: [0, 9]) func selfCompressedChunksReadBackExactly(level: Int) async throws {
        let directory = TemporaryDirectory()
        var labels = SampleShards.labels(width: 40, height: 30, frames: 3)
        let (n, t) = (2_500, labels.frameCount)
        labels.tracks = TrackLabels(
            query: Tensor(shape: [n, 3], storage: (0 ..< n * 3).map { Float($0 % 97) * 0.25 }),
            uv: Tensor(shape: [n, t, 2], storage: (0 ..< n * t * 2).map { Float($0).squareRoot() }),
            xyz: Tensor(shape: [n, t, 3], storage: (0 ..< n * t * 3).map { $0 % 7 == 0 ? .nan : Float($0) * 1e-3 }),
            visible: Tensor(shape: [n, t], storage: (0 ..< n * t).map { UInt8($0 % 2) }),
            confidence: Tensor(shape: [n, t], storage: (0 ..< n * t).map { UInt8($0 % 251) }))
        let options = ShardWriterOptions(compressionLevel: level, depthPrecision: .float32)
        let encoded = try await Task.detached { try EncodedClip(labels, options: options) }.value
        let writer = try ShardWriter(path: directory.file("a.h5"), header: SampleShards.header, options: options)
        try writer.append(encoded)
        try writer.finish()
        let reader = try ShardReader(path: directory.file("a.h5"))
        #expect(bitwiseEqual(try reader.clip(labels.id), labels))
        let uv = try reader.clipGroup(labels.id).group("tracks").dataset("uv")
        #expect(try uv.chunkShape() == [1024, t, 2])
        #expect(try uv.filterIDs() == [2, 1])  // shuffle, then deflate: what readers expect to undo
    }

    /// Frames compressed ahead on an idle-priority thread, while the caller is busy, are the
    /// very bytes `EncodedClip` makes itself, and read back exactly.
    @Test func rgbCompressedAheadIsTheSameDataset() throws {
        let directory = TemporaryDirectory()
        let labels = SampleShards.labels(width: 40, height: 30, frames: 9)
        let options = ShardWriterOptions(compressionLevel: 4, depthPrecision: .float32)
        let ahead = RGBEncoding(try #require(labels.rgb), options: options)
        let direct = try EncodedClip(labels, options: options)
        let shared = try EncodedClip(labels, rgb: ahead, options: options)
        let rgb = { (clip: EncodedClip) in clip.datasets.first { $0.path == "rgb" }?.data }
        guard case .deflated(let expected) = try #require(rgb(direct)).content, case .deflated(let actual) = try #require(rgb(shared)).content
        else { Issue.record("rgb is not stored compressed"); return }
        #expect(actual.count == 9 && actual == expected)
        let writer = try ShardWriter(path: directory.file("a.h5"), header: SampleShards.header, options: options)
        try writer.append(shared)
        try writer.finish()
        #expect(bitwiseEqual(try ShardReader(path: directory.file("a.h5")).clip(labels.id), labels))
    }

    @Test func float16DepthReadsBackRoundedToHalf() throws {
        let directory = TemporaryDirectory()
        let labels = SampleShards.labels()
        try SampleShards.write([labels], to: directory.file("a.h5"))
        let reader = try ShardReader(path: directory.file("a.h5"))
        let back = try reader.clip(labels.id)
        let expected = labels.depth.storage.map { Float(Float16($0)) }
        #expect(back.depth.storage.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(try reader.clipGroup(labels.id).dataset("depth").dtypeName() == "float16")
    }

    @Test func depthBeyondHalfRangeBecomesUnknown() throws {
        let directory = TemporaryDirectory()
        var labels = SampleShards.labels()
        labels.depth.storage[0] = 1e6
        labels.depthConfidence.storage[0] = 255
        try SampleShards.write([labels], to: directory.file("a.h5"))
        let back = try ShardReader(path: directory.file("a.h5")).clip(labels.id)
        #expect(back.depth.storage[0].isNaN)
        #expect(back.depthConfidence.storage[0] == 0)
        #expect(back.depthConfidence.storage[1] == labels.depthConfidence.storage[1])
        #expect(ShardValidator().validate([directory.file("a.h5")]).exitCode == 0)
    }

    @Test func headerRoundTrips() throws {
        let directory = TemporaryDirectory()
        try SampleShards.write([], to: directory.file("empty.h5"))
        let reader = try ShardReader(path: directory.file("empty.h5"))
        #expect(try reader.header() == SampleShards.header)
        #expect(try reader.clipIDs().isEmpty)
    }

    @Test func nothingAppearsUnderTheFinalNameUntilFinished() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("part.h5")
        let writer = try ShardWriter(path: path, header: SampleShards.header)
        try writer.append(SampleShards.labels())
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(FileManager.default.fileExists(atPath: writer.temporaryPath))
        #expect(writer.temporaryPath.hasPrefix(path + ".tmp-"))
        try writer.finish()
        #expect(directory.contents() == ["part.h5"])
    }

    @Test func abandonedWriterLeavesNoFile() throws {
        let directory = TemporaryDirectory()
        do {
            let writer = try ShardWriter(path: directory.file("part.h5"), header: SampleShards.header)
            try writer.append(SampleShards.labels())
            writer.abandon()
        }
        do {
            // Dropped without finish: the same as abandon.
            let writer = try ShardWriter(path: directory.file("other.h5"), header: SampleShards.header)
            try writer.append(SampleShards.labels())
        }
        #expect(directory.contents().isEmpty)
    }

    @Test func noHDF5ObjectOutlivesItsUsers() throws {
        let directory = TemporaryDirectory()
        try SampleShards.write([SampleShards.labels()], to: directory.file("a.h5"))
        do {
            let reader = try ShardReader(path: directory.file("a.h5"))
            _ = try reader.clip(reader.clipIDs()[0])
            _ = try ShardSummary(path: directory.file("a.h5"))
            _ = ShardValidator().validate([directory.file("a.h5")])
            #expect(HDF5Library.openObjectCount(path: directory.file("a.h5")) > 0)
        }
        #expect(HDF5Library.openObjectCount(path: directory.file("a.h5")) == 0)
    }

    @Test func duplicateClipInOneShardIsRefused() throws {
        let directory = TemporaryDirectory()
        let writer = try ShardWriter(path: directory.file("a.h5"), header: SampleShards.header)
        try writer.append(SampleShards.labels())
        #expect { try writer.append(SampleShards.labels()) } throws: { ($0 as? FathomError)?.code == "shards.duplicateClip" }
        writer.abandon()
    }

    @Test func creatingInAMissingDirectoryNamesThePath() throws {
        #expect {
            _ = try ShardWriter(path: "/nonexistent-dir/a.h5", header: SampleShards.header)
        } throws: { error in
            let e = error as? FathomError
            return e?.code == "shards.cannotCreate" && e?.message.contains("/nonexistent-dir/a.h5") == true
        }
    }

    @Test func readerRefusesAFileOfAnotherSchema() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("a.h5")
        try SampleShards.write([], to: path)
        try ShardSurgery.setStringAttribute(path, object: "/", name: "schema", value: "other/2")
        #expect { _ = try ShardReader(path: path) } throws: { ($0 as? FathomError)?.code == "shards.wrongSchema" }
    }

    @Test func compressedFramesAreSmallerThanRaw() throws {
        let directory = TemporaryDirectory()
        try SampleShards.write([SampleShards.labels(width: 64, height: 48)], to: directory.file("a.h5"))
        let summary = try ShardSummary(path: directory.file("a.h5"))
        #expect(summary.compressionRatio > 1.5, "compression ratio \(summary.compressionRatio) ≤ 1.5")
        #expect(summary.frames == 4)
        #expect(summary.clips[0].width == 64 && summary.clips[0].tracks > 0)
    }
}

/// Equality that treats NaN as equal to NaN (labels use NaN for unknown).
func bitwiseEqual(_ a: ClipLabels, _ b: ClipLabels) -> Bool {
    func bits(_ t: Tensor<Float>?) -> [UInt32]? { t?.storage.map(\.bitPattern) }
    return a.id == b.id && a.source == b.source && a.referenceFrame == b.referenceFrame && a.fps == b.fps
        && a.depthUnits == b.depthUnits && a.frameIndex == b.frameIndex && a.timestamp == b.timestamp && a.rgb == b.rgb
        && bits(a.depth) == bits(b.depth) && a.depthConfidence == b.depthConfidence && a.occlusion == b.occlusion
        && a.intrinsics == b.intrinsics && a.worldFromCamera == b.worldFromCamera
        && bits(a.tracks.query) == bits(b.tracks.query) && bits(a.tracks.uv) == bits(b.tracks.uv)
        && bits(a.tracks.xyz) == bits(b.tracks.xyz) && a.tracks.visible == b.tracks.visible
        && a.tracks.confidence == b.tracks.confidence && a.quality == b.quality
}
