import FathomTestSupport
import Foundation
import Testing

/// `fathom probe` end to end, on videos made with the ffmpeg command-line tool.
@Suite struct ProbeCLITests {
    let directory = TemporaryDirectory()

    /// 20 frames of one scene then 12 of another: one cut, at frame 20.
    func twoShots() throws -> String {
        let path = directory.file("two shots.mp4")
        let ffmpeg = Process()
        ffmpeg.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        ffmpeg.arguments = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                            "-f", "lavfi", "-i", "testsrc2=s=96x64:r=25,trim=end_frame=20", "-f", "lavfi", "-i", "mandelbrot=s=96x64:r=25,trim=end_frame=12",
                            "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0,format=yuv420p", "-c:v", "libx264", path]
        try ffmpeg.run()
        ffmpeg.waitUntilExit()
        #expect(ffmpeg.terminationStatus == 0)
        return path
    }

    @Test func probeShowsStreamsClipsAndCuts() throws {
        let video = try twoShots()
        let result = try Fathom.run(["probe", video, "--clip-frames", "8"])
        #expect(result.status == 0, "\(result.stderr)")
        for expected in ["video h264 96×64 yuv420p 8-bit, 25 fps (32 frames)", "32 frames, 32 labelled, shot cuts at frame 20",
                         "clips      5 (32 labelled frames)", "frames 20–27 (8)", "shot 1, shotCut", "two_shots-"] {
            #expect(result.stdout.contains(expected), "missing '\(expected)' in:\n\(result.stdout)")
        }
        #expect(try Fathom.run(["--help"]).stdout.contains("probe"))
    }

    @Test func probeJSONAndCorpusArguments() throws {
        let video = try twoShots()
        let list = directory.file("videos.txt")
        try "# one video, listed relative to this file\ntwo shots.mp4\n".write(toFile: list, atomically: true, encoding: .utf8)
        let result = try Fathom.run(["probe", list, "--json", "--every", "2", "--clip-frames", "48", "--long-side", "48"])
        #expect(result.status == 0, "\(result.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries.first?["source"] as? String == video)
        let summary = entries.first?["summary"] as? [String: Any]
        #expect(summary?["frames_decoded"] as? Int == 32 && summary?["frames_sampled"] as? Int == 16)
        #expect((summary?["shot_cuts"] as? [[String: Any]])?.first?["frame_index"] as? Int == 20)
        let clips = entries.first?["clips"] as? [[String: Any]]
        #expect(clips?.map { $0["first_frame"] as? Int } == [0, 20] && clips?.map { $0["frames"] as? Int } == [10, 6])
        let info = entries.first?["info"] as? [String: Any]
        #expect((info?["stored_size"] as? [String: Int]) == ["width": 96, "height": 64])

        let streams = try Fathom.run(["probe", video, "--streams-only", "--json"])
        let only = try JSONSerialization.jsonObject(with: Data(streams.stdout.utf8)) as? [[String: Any]]
        #expect(only?.first?["clips"] == nil && (only?.first?["info"] as? [String: Any])?["codec"] as? String == "h264")
    }

    @Test func probeReportsUnreadableInputsAndBadOptions() throws {
        let video = try twoShots()
        let missing = directory.file("absent.mp4")
        let result = try Fathom.run(["probe", video, missing])
        #expect(result.status == 2)
        #expect(result.stderr.contains("media.notFound") && result.stderr.contains(missing))
        #expect(result.stdout.contains("two shots.mp4"), "readable videos are still reported")

        let json = try Fathom.run(["probe", missing, "--json"])
        let entries = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect((entries?.first?["error"] as? [String: String])?["code"] == "media.notFound")

        let both = try Fathom.run(["probe", video, "--every", "2", "--fps", "5"])
        #expect(both.status == 64 && both.stderr.contains("--every or --fps"))
        let stride = try Fathom.run(["probe", video, "--stride", "0"])
        #expect(stride.status == 64 && stride.stderr.contains("stride"))
    }
}
