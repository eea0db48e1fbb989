import FathomCore
import FathomMedia
import FathomTestSupport
import Foundation
import Testing

extension MediaTests {
    /// Broken, strange and hostile input: a typed error naming the file, the reason and FFmpeg's
    /// own words, or the frames that decode with the gaps recorded; never a crash or a hang.
    @Suite struct BadInputTests {
        let directory = TemporaryDirectory("fathom-media")

        func good(_ name: String = "good.mp4", _ options: [String] = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "12"]) throws -> String {
            try Fixtures.video(directory.file(name), frames: 48, options)
        }

        func file(_ name: String, _ bytes: Data) -> String {
            let path = directory.file(name)
            #expect(FileManager.default.createFile(atPath: path, contents: bytes))
            return path
        }

        /// Reads all clips of `path`, expecting the error `code`; returns it.
        func failure(_ path: String, _ code: String, media: MediaOptions = MediaOptions()) -> FathomError? {
            let error = Fixtures.error { _ = try Fixtures.clips(path, media: media) }
            #expect(error?.code == code, "\(path): \(String(describing: error))")
            #expect(error?.message.contains(path) == true, "the message names the file: \(String(describing: error))")
            #expect(MediaDiagnostics.liveContexts == 0, "contexts left open after \(code)")
            return error
        }

        @Test func zeroBytes() {
            let error = failure(file("zero.mp4", Data()), "media.empty")
            #expect(error?.message.contains("empty (0 bytes)") == true)
        }

        @Test func truncatedMidFile() throws {
            let whole = try Data(contentsOf: URL(fileURLWithPath: good()))
            let error = failure(file("truncated.mp4", whole.prefix(whole.count / 2)), "media.invalidData")
            #expect(error?.message.contains("FFmpeg said: \"[mov,mp4,m4a,3gp,3g2,mj2] moov atom not found\"") == true, "\(String(describing: error))")
        }

        @Test func truncatedWithIndexFirstKeepsTheFramesBeforeTheCut() throws {
            let whole = try Data(contentsOf: URL(fileURLWithPath: good("faststart.mp4", ["-c:v", "libx264", "-g", "12", "-movflags", "+faststart"])))
            let (clips, summary) = try Fixtures.clips(file("cut.mp4", whole.prefix(whole.count / 2)))
            #expect(summary.framesDecoded > 0 && summary.framesDecoded < 48)
            #expect(clips.flatMap(\.frameIndices) == Array(0 ..< summary.framesDecoded))
            let gap = try #require(summary.gaps.last)
            #expect(gap.beforeFrame == nil && gap.afterFrame == summary.framesDecoded - 1)
            #expect(gap.reason.contains("truncated"), "\(gap.reason)")
        }

        @Test func randomBytesNamedMP4() {
            // Seeded: some random byte strings happen to parse as an audio stream (then the error is
            // media.notVideo), so the bytes must be the same on every run.
            var generator = SplitMix(seed: 20261122)
            let bytes = Data((0 ..< 65536).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
            let error = failure(file("random.mp4", bytes), "media.invalidData")
            #expect(error?.message.contains("FFmpeg said") == true)
        }

        @Test func audioOnly() throws {
            let path = directory.file("tone.m4a")
            try Fixtures.ffmpeg(["-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", path])
            let error = failure(path, "media.notVideo")
            #expect(error?.message.contains("audio") == true)
            // An MP3 with cover art: the picture is a video stream, but an attached picture, not video.
            let cover = directory.file("cover.mp3")
            try Fixtures.ffmpeg(["-f", "lavfi", "-i", "sine=d=1", "-f", "lavfi", "-i", "testsrc2=s=64x48:d=1", "-map", "0", "-map", "1",
                                 "-c:a", "libmp3lame", "-c:v", "png", "-disposition:v", "attached_pic", "-frames:v", "1", cover])
            let attached = failure(cover, "media.notVideo")
            #expect(attached?.message.contains("attached picture") == true, "\(String(describing: attached))")
        }

        @Test func corruptedMiddleKeepsTheRestAndRecordsTheGap() throws {
            var bytes = try Data(contentsOf: URL(fileURLWithPath: good("whole.mp4", ["-c:v", "libx264", "-g", "12", "-movflags", "+faststart"])))
            for i in bytes.count / 2 ..< bytes.count / 2 + 3000 { bytes[i] = UInt8(truncatingIfNeeded: i &* 7919) }
            let path = file("corrupt.mp4", bytes)
            let (clips, summary) = try Fixtures.clips(path, clips: ClipOptions(clipFrames: 48, minClipFrames: 1))
            #expect(summary.framesDecoded > 0 && summary.framesDecoded < 48, "decoded \(summary.framesDecoded)")
            #expect(!summary.gaps.isEmpty)
            for gap in summary.gaps {
                #expect(gap.errors > 0 && !gap.reason.isEmpty)
                let after = try #require(gap.afterFrame), before = try #require(gap.beforeFrame)
                #expect(!clips.contains { $0.frameIndices.contains(after) && $0.frameIndices.contains(before) }, "a clip spans the gap \(gap)")
                #expect(clips.contains { $0.frameIndices.first == before && $0.start == .gap })
            }
            #expect(clips.flatMap(\.frameIndices) == Array(0 ..< summary.framesDecoded))
        }

        /// FFmpeg logs from worker threads; each file's errors must carry its own FFmpeg lines even
        /// when files are read in parallel.
        @Test func parallelReadsKeepTheirOwnFFmpegMessages() throws {
            var bytes = try Data(contentsOf: URL(fileURLWithPath: good("whole.mp4", ["-c:v", "libx264", "-g", "12", "-movflags", "+faststart"])))
            for i in bytes.count / 2 ..< bytes.count / 2 + 3000 { bytes[i] = UInt8(truncatingIfNeeded: i &* 7919) }
            let corrupt = file("corrupt.mp4", bytes)
            let truncated = file("truncated.mp4", try Data(contentsOf: URL(fileURLWithPath: good())).prefix(4000))
            final class Messages: @unchecked Sendable {
                let lock = NSLock()
                var corrupt: [String] = []
                var truncated: [String] = []
            }
            let messages = Messages()
            DispatchQueue.concurrentPerform(iterations: 8) { index in
                if index % 2 == 0 {
                    let reasons = (try? Fixtures.clips(corrupt, media: MediaOptions(threads: 2)).summary.gaps.map(\.reason)) ?? ["failed"]
                    messages.lock.withLock { messages.corrupt += reasons }
                } else {
                    let error = Fixtures.error { _ = try Fixtures.clips(truncated) }
                    messages.lock.withLock { messages.truncated.append(error?.message ?? "no error") }
                }
            }
            #expect(messages.truncated.count == 4 && messages.truncated.allSatisfy { $0.hasSuffix("FFmpeg said: \"[mov,mp4,m4a,3gp,3g2,mj2] moov atom not found\"") },
                    "\(messages.truncated)")
            #expect(!messages.corrupt.isEmpty && messages.corrupt.allSatisfy { !$0.contains("moov") && $0 != "failed" }, "\(messages.corrupt)")
            #expect(MediaDiagnostics.liveContexts == 0)
        }

        @Test func oneAndTwoFrameVideos() throws {
            let one = try Fixtures.video(directory.file("one.mp4"), frames: 1, ["-c:v", "libx264"])
            let (none, summary) = try Fixtures.clips(one)
            #expect(none.isEmpty && summary.framesDecoded == 1 && summary.framesLeftOut == 1)
            let (single, _) = try Fixtures.clips(one, clips: ClipOptions(minClipFrames: 1))
            #expect(single.map(\.frameIndices) == [[0]])
            let two = try Fixtures.video(directory.file("two.mkv"), frames: 2, ["-c:v", "libvpx-vp9", "-deadline", "realtime"])
            #expect(try Fixtures.clips(two).clips.map(\.frameIndices) == [[0, 1]])
        }

        @Test func noFramesAtAll() throws {
            let path = directory.file("none.avi")
            try Fixtures.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=64x48", "-frames:v", "0", "-c:v", "mpeg4", path])
            let error = failure(path, "media.empty")
            #expect(error?.message.contains("no frames") == true)
        }

        @Test func sixteenBySixteen() throws {
            let path = try Fixtures.video(directory.file("tiny.mp4"), source: "testsrc2=s=16x16:r=25", frames: 5, ["-c:v", "libx264"])
            let frames = try Fixtures.frames(path)
            #expect(frames.count == 5 && frames.allSatisfy { $0.width == 16 && $0.height == 16 })
        }

        /// FFmpeg can write A64 video (a Commodore 64 format) but has no decoder for it.
        @Test func codecWithoutDecoder() throws {
            let path = try Fixtures.video(directory.file("a64.nut"), frames: 3, ["-c:v", "a64multi"])
            let error = failure(path, "media.unsupportedCodec")
            #expect(error?.message.contains("no decoder") == true && error?.message.contains("a64m") == true, "\(String(describing: error))")
            let info = Fixtures.error { _ = try VideoProbe.probe(path) }
            #expect(info?.code == "media.unsupportedCodec")
        }

        @Test func missingFileAndDirectory() {
            let missing = failure(directory.file("absent.mp4"), "media.notFound")
            #expect(missing?.message.contains("No such file") == true)
            let folder = failure(directory.path, "media.unreadable")
            #expect(folder?.message.contains("directory") == true)
        }

        @Test func stalledNetworkSourceTimesOut() throws {
            let server = try LocalServer.silent()
            let start = Date()
            let error = failure(server.url("stalled.mp4"), "media.timeout", media: MediaOptions(timeoutSeconds: 1))
            let elapsed = Date().timeIntervalSince(start)
            #expect(elapsed < 5, "gave up after \(elapsed) s with a 1 s timeout")
            #expect(error?.message.contains("timed out after 1 s") == true, "\(String(describing: error))")
        }

        @Test func refusedConnection() throws {
            // Port 9 (discard) on loopback: nothing listens there on a test machine.
            let error = failure("http://127.0.0.1:9/v.mp4", "media.unreadable", media: MediaOptions(timeoutSeconds: 2))
            #expect(error?.message.contains("FFmpeg said") == true)
        }
    }
}
