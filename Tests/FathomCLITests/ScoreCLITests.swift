import FathomTestSupport
import Foundation
import Testing

/// `fathom score` end to end: a rendered video gets a score in [0, 1] per clip with its figures;
/// unreadable inputs get named errors and exit 2; --help says how to use the score as a filter.
@Suite struct ScoreCLITests {
    let directory = TemporaryDirectory()

    @Test func aVideoGetsAScorePerClip() throws {
        let synth = try Fathom.run(["synth", "--scene", "tripod", "--width", "64", "--height", "48", "--frames", "6", "--out", directory.path])
        #expect(synth.status == 0, "\(synth.stderr)")
        let result = try Fathom.run(["score", "--json", "--min-consistency", "0", directory.file("tripod.mp4")])
        #expect(result.status == 0, "\(result.stderr)")
        let videos = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let clips = try #require(videos.first?["clips"] as? [[String: Any]])
        #expect(clips.count == 1)
        let consistency = try #require(clips.first?["consistency"] as? Double)
        #expect(consistency >= 0 && consistency <= 1)
        let figures = try #require(clips.first?["figures"] as? [String: Double])
        for name in ["replacement_peak", "photometric_residual", "flow_inconsistency", "track_survival", "textured_track_fraction"] { #expect(figures[name] != nil, "no \(name)") }
        #expect(clips.first?["rejected"] as? Bool == false)

        let text = try Fathom.run(["score", directory.file("tripod.mp4")])
        #expect(text.status == 0 && text.stdout.contains("consistency") && text.stdout.contains("replacement_peak"), "\(text.stdout)")
    }

    @Test func unreadableVideosAreNamedErrors() throws {
        let bad = directory.file("bad.mp4")
        _ = FileManager.default.createFile(atPath: bad, contents: Data("not a video".utf8))
        let result = try Fathom.run(["score", bad, directory.file("missing.mp4")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("media.invalidData") && result.stderr.contains("bad.mp4"), "\(result.stderr)")
        #expect(result.stderr.contains("media.notFound") && result.stderr.contains("missing.mp4"), "\(result.stderr)")
        let json = try Fathom.run(["score", "--json", bad])
        #expect(json.status == 2 && json.stdout.contains("\"code\" : \"media.invalidData\""), "\(json.stdout)")
    }

    @Test func helpExplainsTheScoreAndItsUseAsAFilter() throws {
        let help = try Fathom.run(["score", "--help"])
        #expect(help.status == 0)
        for phrase in ["consistency = exp(", "replacement_peak", "--min-consistency", "Exit status"] { #expect(help.stdout.contains(phrase), "--help lacks '\(phrase)'") }
        #expect(try Fathom.run(["score", "--min-consistency", "2", "x.mp4"]).status == 64)
    }
}
