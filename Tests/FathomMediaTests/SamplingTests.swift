import FathomCore
import FathomMedia
import FathomTestSupport
import Foundation
import Testing

extension MediaTests {
    /// Which frames become labelled frames, and how they are grouped into clips.
    @Suite struct SamplingTests {
        let directory = TemporaryDirectory("fathom-media")
        let size = FrameSize(width: 64, height: 48)

        /// 30 distinct frames at 25 fps, lossless: frame n at n × 0.04 s.
        func video() throws -> String {
            try Fixtures.encode(directory.file("thirty.mkv"), frames: (0 ..< 30).map { Fixtures.pattern($0, size: size) }, codec: .lossless)
        }

        func indices(_ sampling: SamplingOptions) throws -> [Int] {
            try Fixtures.frames(video(), sampling: sampling).map(\.frameIndex)
        }

        @Test func everyKthFrame() throws {
            #expect(try indices(SamplingOptions(rate: .everyKth(3))) == Array(stride(from: 0, to: 30, by: 3)))
        }

        @Test func targetFrameRate() throws {
            #expect(try indices(SamplingOptions(rate: .targetFPS(5))) == [0, 5, 10, 15, 20, 25])
            #expect(try indices(SamplingOptions(rate: .targetFPS(100))) == Array(0 ..< 30), "a rate above the source's keeps every frame")
        }

        @Test func timeRangeAndCap() throws {
            #expect(try indices(SamplingOptions(startSeconds: 0.4, endSeconds: 0.8)) == Array(10 ..< 20))
            #expect(try indices(SamplingOptions(maxFrames: 4)) == [0, 1, 2, 3])
            #expect(try indices(SamplingOptions(rate: .everyKth(2), startSeconds: 0.2, maxFrames: 3)) == [5, 7, 9])
            let frames = try Fixtures.frames(video(), sampling: SamplingOptions(startSeconds: 1.0))
            #expect(frames.first?.frameIndex == 25 && abs((frames.first?.timestamp ?? 0) - 1.0) < 1e-9,
                    "frame indices count from the start of the video, whatever the start time")
        }

        @Test func badSamplingOptionsExplainThemselves() throws {
            let path = try video()
            for (sampling, words) in [(SamplingOptions(rate: .everyKth(0)), "k ≥ 1"), (SamplingOptions(rate: .targetFPS(0)), "positive"),
                                      (SamplingOptions(startSeconds: 2, endSeconds: 1), "after start"), (SamplingOptions(maxFrames: 0), "≥ 1")] {
                let error = Fixtures.error { _ = try FrameReader(source: path, sampling: sampling) }
                #expect(error?.code == "media.badOptions" && error?.message.contains(words) == true, "\(String(describing: error))")
            }
            let clip = Fixtures.error { _ = try ClipReader(source: path, clips: ClipOptions(clipFrames: 8, minClipFrames: 9)) }
            #expect(clip?.code == "media.badOptions")
        }

        func ranges(_ clips: ClipOptions) throws -> [ClosedRange<Int>] {
            try Fixtures.clips(video(), clips: clips).clips.map { $0.frameIndices.first! ... $0.frameIndices.last! }
        }

        @Test func clipsOfAtMostClipFrames() throws {
            #expect(try ranges(ClipOptions(clipFrames: 8)) == [0 ... 7, 8 ... 15, 16 ... 23, 24 ... 29])
        }

        @Test func overlappingAndSpacedClips() throws {
            #expect(try ranges(ClipOptions(clipFrames: 8, stride: 4)) == [0 ... 7, 4 ... 11, 8 ... 15, 12 ... 19, 16 ... 23, 20 ... 27, 24 ... 29])
            let spaced = try Fixtures.clips(video(), clips: ClipOptions(clipFrames: 8, stride: 12))
            #expect(spaced.clips.map { $0.frameIndices.first! ... $0.frameIndices.last! } == [0 ... 7, 12 ... 19, 24 ... 29])
            #expect(spaced.summary.framesLeftOut == 8)
        }

        @Test func shortTailsAreLeftOut() throws {
            let (clips, summary) = try Fixtures.clips(video(), clips: ClipOptions(clipFrames: 8, minClipFrames: 7))
            #expect(clips.count == 3)
            #expect(summary.framesLeftOut == 6 && summary.framesInClips == 24 && summary.framesDecoded == 30)
        }

        @Test func clipIdsAreDeterministicAndNameTheirRange() throws {
            let path = try video()
            let first = try Fixtures.clips(path, clips: ClipOptions(clipFrames: 16)).clips
            let again = try Fixtures.clips(path, clips: ClipOptions(clipFrames: 16)).clips
            #expect(first.map(\.id) == again.map(\.id))
            let hash = String(SHA256.hex(of: Array(path.utf8)).prefix(8))
            #expect(first.map(\.id) == ["thirty-\(hash)-000000-000015", "thirty-\(hash)-000016-000029"])
            #expect(first.map(\.start) == [.videoStart, .continuation])
            #expect(Clip.id(source: "https://example.org/v/My Clip (1).mp4?sig=abc", firstFrame: 3, lastFrame: 1_234_567)
                .hasPrefix("My_Clip__1_-"))
            #expect(Clip.id(source: "a/clip.mp4", firstFrame: 0, lastFrame: 1) != Clip.id(source: "b/clip.mp4", firstFrame: 0, lastFrame: 1))
        }

        @Test func clipsStreamOneAtATime() throws {
            let reader = try ClipReader(source: video(), clips: ClipOptions(clipFrames: 8))
            let first = try #require(try reader.next())
            #expect(first.frames.count == 8)
            #expect(reader.summary.framesDecoded == 8, "the first clip came after decoding \(reader.summary.framesDecoded) of 30 frames")
            var count = 1
            while let clip = try reader.next() {
                #expect(clip.frames.count <= 8)
                count += 1
            }
            #expect(count == 4 && reader.summary.framesDecoded == 30)
            #expect(try reader.next() == nil)
        }

        @Test func knownIntrinsicsFollowTheWorkingSize() throws {
            let item = CorpusItem(source: try video(), intrinsics: PinholeIntrinsics(fx: 60, fy: 62, cx: 32, cy: 24))
            let reader = try ClipReader(item: item, media: MediaOptions(longSide: 32), clips: ClipOptions(clipFrames: 30))
            let clip = try #require(try reader.next())
            #expect(clip.size == FrameSize(width: 32, height: 24))
            #expect(clip.intrinsics == PinholeIntrinsics(fx: 30, fy: 31, cx: 16, cy: 12))
            #expect(abs(clip.fps(fallback: 0) - 25) < 1e-6)
        }
    }
}
