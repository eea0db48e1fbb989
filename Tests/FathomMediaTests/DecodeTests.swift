import FathomCore
import FathomMedia
import FathomTestSupport
import Foundation
import Testing

extension MediaTests {
    /// Decoding every codec and container this FFmpeg can write, rotation, variable frame rate,
    /// high bit depth and awkward sizes, checked against known picture content.
    @Suite struct DecodeTests {
        let directory = TemporaryDirectory("fathom-media")

        /// Codec and container pairs, with the ffmpeg options that write them.
        static let formats: [(file: String, codec: String, options: [String])] = [
            ("h264.mp4", "h264", ["-c:v", "libx264", "-pix_fmt", "yuv420p"]),
            ("h264.mov", "h264", ["-c:v", "libx264", "-pix_fmt", "yuv420p"]),
            ("h264.mkv", "h264", ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-bf", "3"]),
            ("hevc.mkv", "hevc", ["-c:v", "libx265", "-pix_fmt", "yuv420p", "-x265-params", "log-level=none"]),
            ("hevc.mp4", "hevc", ["-c:v", "libx265", "-pix_fmt", "yuv420p", "-tag:v", "hvc1", "-x265-params", "log-level=none"]),
            ("vp9.webm", "vp9", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "500k"]),
            ("vp8.webm", "vp8", ["-c:v", "libvpx", "-deadline", "realtime", "-b:v", "500k"]),
            ("av1.mkv", "av1", ["-c:v", "libaom-av1", "-cpu-used", "8", "-usage", "realtime", "-crf", "30"]),
            ("av1.webm", "av1", ["-c:v", "libaom-av1", "-cpu-used", "8", "-usage", "realtime", "-crf", "30"]),
            ("mpeg4.avi", "mpeg4", ["-c:v", "mpeg4", "-q:v", "2"]),
            ("mpeg4.mp4", "mpeg4", ["-c:v", "mpeg4", "-q:v", "2"]),
            ("mjpeg.avi", "mjpeg", ["-c:v", "mjpeg", "-q:v", "2"]),
            ("mjpeg.mov", "mjpeg", ["-c:v", "mjpeg", "-q:v", "2"]),
            ("ffv1.mkv", "ffv1", ["-c:v", "ffv1"]),
            ("prores.mov", "prores", ["-c:v", "prores_ks"]),
        ]

        @Test(arguments: formats.indices)
        func decodesCodecAndContainer(_ index: Int) throws {
            let (file, codec, options) = Self.formats[index]
            let path = try Fixtures.video(directory.file(file), source: Fixtures.quadrant, frames: 6, options)
            let info = try VideoProbe.probe(path)
            #expect(info.codec == codec, "\(file)")
            #expect(info.storedSize == FrameSize(width: 64, height: 48))
            let frames = try Fixtures.frames(path, media: MediaOptions(longSide: 64))
            #expect(frames.count == 6, "\(file): \(frames.count) frames")
            for frame in frames {
                #expect(frame.width == 64 && frame.height == 48)
                Self.expectQuadrant(frame, red: (0 ..< 32, 0 ..< 24), in: file)
            }
            #expect(frames.map(\.frameIndex) == Array(0 ..< 6))
            for (index, frame) in frames.enumerated() {
                #expect(abs(frame.timestamp - Double(index) / 25) < 1e-3, "\(file) frame \(index) at \(frame.timestamp) s")
            }
        }

        /// Red inside `red` and blue well away from it, within codec error.
        static func expectQuadrant(_ frame: VideoFrame, red: (x: Range<Int>, y: Range<Int>), in file: String) {
            let inner = (x: red.x.lowerBound + 4 ..< red.x.upperBound - 4, y: red.y.lowerBound + 4 ..< red.y.upperBound - 4)
            let redMean = Fixtures.meanColor(frame, x: inner.x, y: inner.y)
            #expect(redMean.x > 220 && redMean.y < 40 && redMean.z < 40, "\(file) frame \(frame.frameIndex): red quadrant reads \(redMean)")
            let blueX = red.x.lowerBound == 0 ? frame.width - 8 ..< frame.width - 2 : 2 ..< 8
            let blueY = red.y.lowerBound == 0 ? frame.height - 8 ..< frame.height - 2 : 2 ..< 8
            let blueMean = Fixtures.meanColor(frame, x: blueX, y: blueY)
            #expect(blueMean.z > 220 && blueMean.x < 40 && blueMean.y < 40, "\(file) frame \(frame.frameIndex): blue corner reads \(blueMean)")
        }

        /// FFmpeg 5.1's muxer turns `-metadata:s:v rotate=N` into a display matrix of N° counter-clockwise,
        /// which players (and ffmpeg's autorotation) undo by turning (360 − N)° clockwise.
        @Test(arguments: [(90, 270, 0 ..< 24, 32 ..< 64), (180, 180, 32 ..< 64, 24 ..< 48), (270, 90, 24 ..< 48, 0 ..< 32)])
        func honoursDisplayRotation(_ tag: Int, _ clockwise: Int, _ redX: Range<Int>, _ redY: Range<Int>) throws {
            let plain = try Fixtures.video(directory.file("plain.mp4"), source: Fixtures.quadrant, frames: 3, ["-c:v", "libx264", "-pix_fmt", "yuv420p"])
            let rotated = directory.file("rotated-\(tag).mp4")
            try Fixtures.ffmpeg(["-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=\(tag)", rotated])
            let info = try VideoProbe.probe(rotated)
            #expect(info.rotation == clockwise)
            #expect(info.displaySize == (clockwise == 180 ? FrameSize(width: 64, height: 48) : FrameSize(width: 48, height: 64)))
            let frame = try #require(try Fixtures.frames(rotated, media: MediaOptions(longSide: 64)).first)
            #expect(frame.width == info.displaySize.width && frame.height == info.displaySize.height)
            Self.expectQuadrant(frame, red: (redX, redY), in: "rotate=\(tag)")

            // What ffmpeg's own player-style autorotation shows, pixel for pixel within codec rounding.
            let raw = directory.file("rotated-\(tag).rgb")
            try Fixtures.ffmpeg(["-i", rotated, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", raw])
            let reference = try [UInt8](Data(contentsOf: URL(fileURLWithPath: raw)))
            #expect(reference.count == frame.rgb.count)
            let worst = zip(reference, frame.rgb.storage).map { abs(Int($0) - Int($1)) }.max() ?? 0
            #expect(worst <= 24, "rotate=\(tag): differs from ffmpeg's autorotated frame by up to \(worst) levels")
        }

        @Test func variableFrameRateKeepsTrueTimestamps() throws {
            let path = directory.file("vfr.mkv")
            try Fixtures.video(path, frames: 10, ["-vf", "settb=1/1000,setpts='if(lt(N,5),N*0.04,0.2+(N-5)*0.1)/TB'", "-fps_mode", "passthrough", "-enc_time_base:v", "1:1000", "-c:v", "libx264"])
            let expected = [0, 0.04, 0.08, 0.12, 0.16, 0.2, 0.3, 0.4, 0.5, 0.6]
            let (clips, summary) = try Fixtures.clips(path)
            let frames = clips.flatMap(\.frames)
            #expect(frames.count == 10)
            for (frame, time) in zip(frames, expected) {
                #expect(abs(frame.timestamp - time) < 1e-3, "frame \(frame.frameIndex) at \(frame.timestamp) s, expected \(time) s")
            }
            #expect(summary.gaps.isEmpty, "longer steps in variable frame rate video are not gaps: \(summary.gaps)")

            // 10 fps by time, not by frame count: the first frame at or after each 0.1 s tick.
            let sampled = try Fixtures.frames(path, sampling: SamplingOptions(rate: .targetFPS(10)))
            #expect(sampled.map(\.frameIndex) == [0, 3, 5, 6, 7, 8, 9])
        }

        @Test(arguments: [("h264-10.mkv", "libx264"), ("hevc-10.mkv", "libx265")])
        func tenBitVideo(_ file: String, _ encoder: String) throws {
            let path = try Fixtures.video(directory.file(file), source: Fixtures.quadrant, frames: 4,
                                          ["-c:v", encoder, "-pix_fmt", "yuv420p10le"] + (encoder == "libx265" ? ["-x265-params", "log-level=none"] : []))
            let info = try VideoProbe.probe(path)
            #expect(info.bitDepth == 10 && info.pixelFormat == "yuv420p10le")
            let frames = try Fixtures.frames(path, media: MediaOptions(longSide: 64))
            #expect(frames.count == 4)
            for frame in frames { Self.expectQuadrant(frame, red: (0 ..< 32, 0 ..< 24), in: file) }
        }

        @Test(arguments: [("odd.mkv", ["-c:v", "libx264", "-pix_fmt", "yuv444p"]), ("odd.avi", ["-c:v", "mpeg4"]), ("odd.mov", ["-c:v", "mjpeg"])])
        func oddSizesBecomeEvenWorkingSizes(_ file: String, _ options: [String]) throws {
            let path = try Fixtures.video(directory.file(file), source: "testsrc2=s=640x480:r=25,scale=641:481", frames: 3, options)
            #expect(try VideoProbe.probe(path).storedSize == FrameSize(width: 641, height: 481))
            let full = try Fixtures.frames(path, media: MediaOptions(longSide: 1000))
            #expect(full.count == 3 && full[0].width == 640 && full[0].height == 480)
            let small = try Fixtures.frames(path, media: MediaOptions(longSide: 321))
            #expect(small.count == 3 && small[0].width == 320 && small[0].height == 240)
            #expect(small[0].luma.shape == [240, 320])
            // testsrc2's top-left is a white-ish gradient and its colour bars survive scaling.
            let meanLuma = Double(small[0].luma.storage.reduce(0) { $0 + Int($1) }) / Double(small[0].luma.count)
            let fullLuma = Double(full[0].luma.storage.reduce(0) { $0 + Int($1) }) / Double(full[0].luma.count)
            #expect(abs(meanLuma - fullLuma) < 2, "mean luma \(meanLuma) at 320×240 vs \(fullLuma) at 640×480")
        }

        /// The luma pass works four pixels at a time; 7×5 leaves three pixels for its tail.
        @Test func lumaFollowsRGBAtEveryPixel() {
            var random = SplitMix(seed: 7)
            var pixels = (0 ..< 7 * 5 * 3).map { _ in random.byte() }
            pixels.replaceSubrange(0 ..< 6, with: [255, 255, 255, 0, 0, 0])
            let frame = VideoFrame(frameIndex: 0, timestamp: 0, rgb: Tensor(shape: [5, 7, 3], storage: pixels))
            #expect(frame.luma[0, 0] == 255 && frame.luma[0, 1] == 0)
            for y in 0 ..< 5 {
                for x in 0 ..< 7 {
                    let (r, g, b) = (Int(frame.rgb[y, x, 0]), Int(frame.rgb[y, x, 1]), Int(frame.rgb[y, x, 2]))
                    #expect(Int(frame.luma[y, x]) == (77 * r + 150 * g + 29 * b + 128) >> 8, "pixel (\(x), \(y))")
                }
            }
        }

        @Test func workingSizeKeepsAspectWithEvenSides() {
            #expect(FrameSize(width: 640, height: 480).fitting(longSide: 320) == FrameSize(width: 320, height: 240))
            #expect(FrameSize(width: 1920, height: 1080).fitting(longSide: 512) == FrameSize(width: 512, height: 288))
            #expect(FrameSize(width: 1080, height: 1920).fitting(longSide: 512) == FrameSize(width: 288, height: 512))
            #expect(FrameSize(width: 641, height: 481).fitting(longSide: 1000) == FrameSize(width: 640, height: 480))
            #expect(FrameSize(width: 641, height: 481).fitting(longSide: 321) == FrameSize(width: 320, height: 240))
            #expect(FrameSize(width: 16, height: 16).fitting(longSide: 512) == FrameSize(width: 16, height: 16))
            #expect(FrameSize(width: 1000, height: 3).fitting(longSide: 100) == FrameSize(width: 100, height: 2))
        }

        @Test func probeDescribesStreams() throws {
            let path = directory.file("av.mp4")
            try Fixtures.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=96x64:r=30", "-f", "lavfi", "-i", "sine=r=48000", "-t", "1",
                                 "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", path])
            let info = try VideoProbe.probe(path)
            #expect(info.container.contains("mp4"))
            #expect(info.streams.map(\.kind) == ["video", "audio"])
            #expect(info.streams[1].sampleRate == 48000 && info.streams[1].channels == 2)
            #expect(info.videoStream == 0 && info.codec == "h264")
            #expect(abs((info.fps ?? 0) - 30) < 1e-6 && info.frameCount == 30)
            #expect(abs((info.durationSeconds ?? 0) - 1) < 0.05)
            #expect(info.workingSize(longSide: 48) == FrameSize(width: 48, height: 32))
        }
    }
}
