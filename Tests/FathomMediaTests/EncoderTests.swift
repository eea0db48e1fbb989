import FathomCore
import FathomMedia
import FathomTestSupport
import Foundation
import Testing

extension MediaTests {
    /// `VideoEncoder` and `PNGWriter`, checked by decoding what they write.
    @Suite struct EncoderTests {
        let directory = TemporaryDirectory("fathom-media")
        let size = FrameSize(width: 64, height: 48)

        @Test func losslessRoundTripGivesBackExactPixelsAndTimestamps() throws {
            let written = (0 ..< 10).map { Fixtures.noise($0, size: size) }
            let path = try Fixtures.encode(directory.file("noise.mkv"), frames: written, fps: 25, codec: .lossless)
            let frames = try Fixtures.frames(path, media: MediaOptions(longSide: 64))
            #expect(frames.count == 10)
            for (index, frame) in frames.enumerated() {
                #expect(frame.frameIndex == index)
                #expect(abs(frame.timestamp - Double(index) / 25) < 1e-9, "frame \(index) at \(frame.timestamp) s, expected \(Double(index) / 25) s")
                #expect(frame.rgb == written[index], "frame \(index) differs after a lossless round trip")
                let (r, g, b) = (Int(frame.rgb[5, 7, 0]), Int(frame.rgb[5, 7, 1]), Int(frame.rgb[5, 7, 2]))
                #expect(Int(frame.luma[5, 7]) == (77 * r + 150 * g + 29 * b + 128) >> 8)
            }
            #expect(try VideoProbe.probe(path).codec == "ffv1")
            #expect(MediaDiagnostics.liveContexts == 0)
        }

        @Test func h264KeepsQualityAndTimestamps() throws {
            let written = (0 ..< 12).map { Fixtures.pattern($0, size: size) }
            let fine = try Fixtures.encode(directory.file("fine.mp4"), frames: written, fps: 30, codec: .h264(quality: 12))
            let coarse = try Fixtures.encode(directory.file("coarse.mp4"), frames: written, fps: 30, codec: .h264(quality: 45))
            let frames = try Fixtures.frames(fine, media: MediaOptions(longSide: 64))
            #expect(frames.count == 12)
            for (index, frame) in frames.enumerated() {
                let psnr = Fixtures.psnr(frame.rgb, written[index])
                #expect(psnr > 30, "frame \(index): PSNR \(psnr) dB ≤ 30 dB at quality 12")
                #expect(abs(frame.timestamp - Double(index) / 30) < 1e-4, "frame \(index) at \(frame.timestamp) s")
            }
            let bytes = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
            #expect(bytes(coarse) < bytes(fine), "quality 45 (\(bytes(coarse)) B) should be smaller than quality 12 (\(bytes(fine)) B)")
            let info = try VideoProbe.probe(fine)
            #expect(info.codec == "h264" && info.pixelFormat == "yuv420p")
            #expect(abs((info.fps ?? 0) - 30) < 1e-9)
        }

        @Test func encoderNamesTheCodecItUses() throws {
            let encoder = try VideoEncoder(path: directory.file("x.mp4"), size: size, fps: 24)
            #expect(encoder.encoderName == "libx264")
            try encoder.append(Fixtures.pattern(0, size: size))
            try encoder.finish()
            #expect(encoder.framesWritten == 1)
        }

        @Test func pngRoundTripIsExact() throws {
            let picture = Fixtures.noise(3, size: FrameSize(width: 38, height: 22))
            let path = directory.file("noise.png")
            try PNGWriter.write(picture, to: path)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            let frames = try Fixtures.frames(path, media: MediaOptions(longSide: 64))
            #expect(frames.count == 1)
            #expect(frames.first?.rgb == picture)
            #expect(directory.contents() == ["noise.png"])
        }

        @Test func badRequestsExplainThemselves() throws {
            let odd = Fixtures.error { _ = try VideoEncoder(path: directory.file("odd.mp4"), size: FrameSize(width: 63, height: 48)) }
            #expect(odd?.code == "media.badOptions" && odd?.message.contains("even") == true)
            let container = Fixtures.error { _ = try VideoEncoder(path: directory.file("lossless.mp4"), size: size, codec: .lossless) }
            #expect(container?.code == "media.badContainer" && container?.message.contains(".mkv") == true)
            let unknown = Fixtures.error { _ = try VideoEncoder(path: directory.file("video.xyz"), size: size) }
            #expect(unknown?.code == "media.badContainer")
            let encoder = try VideoEncoder(path: directory.file("shape.mp4"), size: size)
            let shape = Fixtures.error { try encoder.append(Fixtures.pattern(0, size: FrameSize(width: 32, height: 48))) }
            #expect(shape?.code == "media.badFrame" && shape?.message.contains("[48, 64, 3]") == true)
            let png = Fixtures.error { try PNGWriter.write(Tensor(shape: [4, 4], repeating: 0), to: directory.file("flat.png")) }
            #expect(png?.code == "media.badFrame")
        }

        @Test func abandonedEncodeLeavesNoFile() throws {
            do {
                let encoder = try VideoEncoder(path: directory.file("abandoned.mkv"), size: size, codec: .lossless)
                try encoder.append(Fixtures.pattern(0, size: size))
            }
            #expect(directory.contents().isEmpty, "left behind: \(directory.contents())")
            #expect(MediaDiagnostics.liveContexts == 0)
        }
    }
}
