import FathomTestSupport
import Foundation
import Testing

/// End to end: the built `fathom` executable, as a user runs it.
@Suite struct CLITests {
    let directory = TemporaryDirectory()

    @Test func helpTeachesTheCommands() throws {
        let help = try Fathom.run(["--help"])
        #expect(help.status == 0)
        for command in ["synth", "validate", "inspect", "probe", "eval", "Exit codes"] {
            #expect(help.stdout.contains(command), "--help lacks '\(command)'")
        }
        #expect(try Fathom.run(["--version"]).stdout.hasPrefix("0."))
    }

    @Test func synthThenValidateThenInspect() throws {
        let synth = try Fathom.run(["synth", "--scene", "tripod", "--width", "48", "--height", "32", "--frames", "3", "--out", directory.path])
        #expect(synth.status == 0, "\(synth.stderr)")
        let path = directory.file("tripod.h5")
        let validate = try Fathom.run(["validate", directory.path])
        #expect(validate.status == 0)
        #expect(validate.stdout.contains("1 file: 1 valid, 0 invalid, 0 unreadable"))

        let json = try Fathom.run(["validate", "--json", path])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let files = report?["files"] as? [[String: Any]]
        #expect(files?.first?["status"] as? String == "valid")

        let inspect = try Fathom.run(["inspect", path])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("1 clips, 3 labelled frames"))
        #expect(inspect.stdout.contains("48×32"))
    }

    @Test func validateExitCodesSeparateInvalidFromUnreadable() throws {
        _ = try Fathom.run(["synth", "--scene", "orbit", "--width", "32", "--height", "24", "--frames", "2", "--out", directory.path])
        let good = directory.file("orbit.h5")
        let copy = directory.file("copy.h5")
        try FileManager.default.copyItem(atPath: good, toPath: copy)
        let duplicate = try Fathom.run(["validate", good, copy])
        #expect(duplicate.status == 1)
        #expect(duplicate.stdout.contains("INVALID") && duplicate.stdout.contains("shards.duplicateClip"))

        let empty = directory.file("empty.h5")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let unreadable = try Fathom.run(["validate", good, empty])
        #expect(unreadable.status == 2)
        #expect(unreadable.stdout.contains("UNREADABLE \(empty)"))
        #expect(unreadable.stdout.contains("empty (0 bytes)"))
    }

    @Test func everySceneWritesAValidShard() throws {
        let synth = try Fathom.run(["synth", "--scene", "all", "--width", "40", "--height", "30", "--frames", "3", "--out", directory.path])
        #expect(synth.status == 0, "\(synth.stderr)")
        #expect(directory.contents().filter { $0.hasSuffix(".h5") }.count == 6)
        #expect(directory.contents().filter { $0.hasSuffix(".mp4") }.count == 6)
        let validate = try Fathom.run(["validate", directory.path])
        #expect(validate.status == 0, "\(validate.stdout)")
    }

    @Test func previewDrawsThreePanelsAsPNGAndVideo() throws {
        _ = try Fathom.run(["synth", "--scene", "dynamic", "--width", "48", "--height", "32", "--frames", "4", "--out", directory.path])
        let png = directory.file("preview.png")
        let still = try Fathom.run(["preview", directory.file("dynamic.h5"), "--out", png, "--frame", "2"])
        #expect(still.status == 0, "\(still.stderr)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: png)))
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
        // IHDR: width and height, big-endian, at bytes 16 and 20: three 48 px panels side by side.
        let width = bytes[16 ..< 20].reduce(0) { $0 << 8 | Int($1) }
        let height = bytes[20 ..< 24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 144 && height == 32)
        let movie = try Fathom.run(["preview", directory.file("dynamic.h5"), "--out", directory.file("preview.mp4")])
        #expect(movie.status == 0, "\(movie.stderr)")
        let probe = try Fathom.run(["probe", "--json", directory.file("preview.mp4")])
        #expect(probe.stdout.contains("144"), "\(probe.stdout)")
        let missing = try Fathom.run(["preview", directory.file("dynamic.h5"), "--clip", "nope", "--out", png])
        #expect(missing.status != 0 && missing.stderr.contains("has no clip 'nope'"))
    }

    @Test func badArgumentsExplainThemselves() throws {
        let result = try Fathom.run(["synth", "--scene", "moon", "--out", directory.path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Unknown scene 'moon'") && result.stderr.contains("orbit"))
    }
}

/// Runs the `fathom` built beside this test bundle.
enum Fathom {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [bundle, bundle.deletingLastPathComponent()] where FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("fathom").path) {
            return directory.appendingPathComponent("fathom")
        }
        return bundle.appendingPathComponent("fathom")
    }

    static func run(_ arguments: [String], in directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
