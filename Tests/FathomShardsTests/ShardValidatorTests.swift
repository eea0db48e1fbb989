import FathomCore
@testable import FathomShards
import FathomTestSupport
import Foundation
import Testing

/// Every bad case is generated here from a valid shard, and each must give its own, named problem.
@Suite struct ShardValidatorTests {
    let directory = TemporaryDirectory()
    let labels = SampleShards.labels()

    /// Writes `clips` (default: the sample) to `name` and returns the path.
    func shard(_ name: String = "a.h5", _ clips: [ClipLabels]? = nil) throws -> String {
        let path = directory.file(name)
        try SampleShards.write(clips ?? [labels], to: path)
        return path
    }

    /// Validates `paths` and returns the report of the last file.
    func verdict(_ paths: String...) -> FileValidation {
        ShardValidator().validate(paths).files.last!
    }

    func expectProblem(_ result: FileValidation, code: String, at suffix: String, saying words: String...,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let match = result.problems.first { $0.code == code && $0.location.hasSuffix(suffix) }
        #expect(result.status == .invalid, "status \(result.status), problems \(result.problems)", sourceLocation: sourceLocation)
        #expect(match != nil, "no \(code) at …\(suffix) in \(result.problems)", sourceLocation: sourceLocation)
        for word in words {
            #expect(match?.message.contains(word) == true, "'\(match?.message ?? "")' lacks '\(word)'", sourceLocation: sourceLocation)
        }
    }

    @Test func writerOutputIsValid() throws {
        let result = verdict(try shard())
        #expect(result.status == .valid, "\(result.problems)")
        #expect(result.clips == 1)
        let float32 = directory.file("f32.h5")
        try SampleShards.write([labels], to: float32, options: .init(depthPrecision: .float32, storeRGB: false))
        #expect(verdict(float32).status == .valid)
    }

    @Test func schemaIsTheCompiledInFile() {
        let schema = ShardSchema.current
        #expect(schema.schema == ShardHeader.schema)
        #expect(schema.datasets.map(\.path).contains("camera/world_from_camera"))
        #expect(schema.datasets.allSatisfy { ($0.checks ?? []).allSatisfy { ValueCheck(rawValue: $0) != nil } })
    }

    @Test func zeroByteFileIsUnreadable() throws {
        let path = directory.file("empty.h5")
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        let result = verdict(path)
        #expect(result.status == .unreadable)
        #expect(result.problems[0].message.contains("empty (0 bytes)") && result.problems[0].message.contains(path))
        #expect(ShardValidator().validate([path]).exitCode == 2)
    }

    @Test func randomBytesAreUnreadable() throws {
        var generator = SplitMix(seed: 7)
        let path = directory.file("random.h5")
        _ = FileManager.default.createFile(atPath: path, contents: Data((0 ..< 20_000).map { _ in generator.byte() }))
        let result = verdict(path)
        #expect(result.status == .unreadable)
        #expect(result.problems[0].code == "shards.notHDF5")
        #expect(result.problems[0].message.contains("not an HDF5 file"))
    }

    @Test func missingFileIsUnreadable() {
        let result = verdict(directory.file("nope.h5"))
        #expect(result.status == .unreadable)
        #expect(result.problems[0].message.contains("No such file"))
    }

    @Test(arguments: [0.002, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999])
    func truncatedFileIsNeverValid(fraction: Double) throws {
        let path = try shard()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = max(1, Int(Double(bytes.count) * fraction))
        try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
        let result = verdict(path)
        #expect(result.status != .valid, "truncated at \(cut) of \(bytes.count) bytes but valid")
        #expect(!result.problems.isEmpty)
        let text = result.problems.map(\.description).joined(separator: " ")
        #expect(text.contains(path) || text.contains("/clips/"), "no file or path named in: \(text)")
    }

    @Test func wrongDtypeIsNamed() throws {
        let path = try shard()
        let t = labels.depth
        try ShardSurgery.replaceDataset(path, "/clips/\(labels.id)/depth", with: Tensor(shape: t.shape, storage: t.storage.map(Double.init)))
        expectProblem(verdict(path), code: "shards.badDtype", at: "/depth", saying: "float64", "float16 or float32")
    }

    @Test func wrongShapeIsNamed() throws {
        let path = try shard()
        let (t, h, w) = (labels.frameCount, labels.height, labels.width)
        try ShardSurgery.replaceDataset(path, "/clips/\(labels.id)/occlusion", with: Tensor<UInt8>(shape: [t, h, w + 1], repeating: 0))
        expectProblem(verdict(path), code: "shards.badShape", at: "/occlusion", saying: "[\(t), \(h), \(w + 1)]", "W=\(w)")
    }

    @Test func contiguousFrameDatasetBreaksTheChunkRule() throws {
        let path = try shard()
        try ShardSurgery.replaceDataset(path, "/clips/\(labels.id)/depth_confidence", with: labels.depthConfidence)
        expectProblem(verdict(path), code: "shards.badChunks", at: "/depth_confidence", saying: "one frame per chunk")
    }

    @Test func scaledRotationIsNotRigid() throws {
        var bad = labels
        bad.worldFromCamera.storage[16 + 0] *= 1.1  // frame 1, R[0][0]
        expectProblem(verdict(try shard("a.h5", [bad])), code: "shards.badValue", at: "/camera/world_from_camera",
                      saying: "frame 1", "not orthonormal")
    }

    @Test func reflectionIsNotAPose() throws {
        var bad = labels
        for column in 0 ..< 3 { bad.worldFromCamera.storage[16 + column] *= -1 }  // flip row 0 of frame 1
        expectProblem(verdict(try shard("a.h5", [bad])), code: "shards.badValue", at: "/camera/world_from_camera", saying: "determinant")
    }

    @Test func brokenHomogeneousRowIsNamed() throws {
        var bad = labels
        bad.worldFromCamera.storage[12] = 0.5
        expectProblem(verdict(try shard("a.h5", [bad])), code: "shards.badValue", at: "/camera/world_from_camera", saying: "last row")
    }

    @Test func nonPositiveFocalIsNamed() throws {
        var bad = labels
        bad.intrinsics.storage[9 * 2] = -5
        expectProblem(verdict(try shard("a.h5", [bad])), code: "shards.badValue", at: "/camera/K", saying: "frame 2", "positive")
    }

    @Test func negativeDepthIsNamed() throws {
        var bad = labels
        bad.depth.storage[5] = -1
        expectProblem(verdict(try shard("a.h5", [bad])), code: "shards.badValue", at: "/depth", saying: "frame 0", "negative")
    }

    @Test func nonBinaryVisibilityIsNamed() throws {
        var bad = labels
        bad.tracks.visible.storage[3] = 2
        expectProblem(verdict(try shard("a.h5", [bad])), code: "shards.badValue", at: "/tracks/visible", saying: "not 0 or 1")
    }

    @Test func reservedOcclusionBitsAreNamed() throws {
        var bad = labels
        bad.occlusion.storage[7] = 4
        expectProblem(verdict(try shard("a.h5", [bad])), code: "shards.badValue", at: "/occlusion", saying: "reserved bits")
    }

    @Test func queryTimeOutsideTheClipIsNamed() throws {
        var bad = labels
        bad.tracks.query.storage[0] = Float(labels.frameCount)
        expectProblem(verdict(try shard("a.h5", [bad])), code: "shards.badValue", at: "/tracks/query", saying: "t_src", "[0, \(labels.frameCount))")
    }

    @Test func frameIndexMustIncrease() throws {
        var bad = labels
        bad.frameIndex[2] = bad.frameIndex[1]
        expectProblem(verdict(try shard("a.h5", [bad])), code: "shards.badValue", at: "/frame_index", saying: "strictly increase")
    }

    @Test func referenceFrameOutsideTheClipIsNamed() throws {
        let path = try shard()
        try ShardSurgery.setIntAttribute(path, object: "/clips/\(labels.id)", name: "reference_frame", value: Int64(labels.frameCount))
        expectProblem(verdict(path), code: "shards.badAttribute", at: labels.id, saying: "'reference_frame'", "less than T = \(labels.frameCount)")
    }

    @Test func missingAttributeIsNamed() throws {
        let path = try shard()
        try ShardSurgery.deleteAttribute(path, object: "/clips/\(labels.id)", name: "fps")
        expectProblem(verdict(path), code: "shards.missingAttribute", at: "/clips/\(labels.id)", saying: "'fps'")
    }

    @Test func wrongSchemaAttributeIsNamed() throws {
        let path = try shard()
        try ShardSurgery.setStringAttribute(path, object: "/", name: "schema", value: "fathom.shard/0")
        expectProblem(verdict(path), code: "shards.badAttribute", at: "/", saying: "'fathom.shard/0'", "'fathom.shard/1'")
    }

    @Test func badEnumAttributeIsNamed() throws {
        let path = try shard()
        try ShardSurgery.setStringAttribute(path, object: "/clips/\(labels.id)", name: "depth_units", value: "feet")
        expectProblem(verdict(path), code: "shards.badAttribute", at: labels.id, saying: "'feet'", "relative, metric")
    }

    @Test func missingRequiredDatasetIsNamed() throws {
        let path = try shard()
        try ShardSurgery.deleteLink(path, "/clips/\(labels.id)/tracks/visible")
        expectProblem(verdict(path), code: "shards.missing", at: "/tracks/visible", saying: "required")
    }

    @Test func duplicateClipIdAcrossFilesIsNamed() throws {
        let first = try shard("a.h5")
        let second = try shard("b.h5")
        let report = ShardValidator().validate([first, second])
        #expect(report.files[0].status == .valid)
        expectProblem(report.files[1], code: "shards.duplicateClip", at: labels.id, saying: first)
        #expect(report.exitCode == 1)
    }
}
