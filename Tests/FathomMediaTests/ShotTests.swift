import FathomCore
@testable import FathomMedia
import FathomTestSupport
import Foundation
import Testing

extension MediaTests {
    /// Hard cuts between shots, and clips that never span one.
    @Suite struct ShotTests {
        let directory = TemporaryDirectory("fathom-media")

        /// Three scenes of 20, 13 and 15 frames, all moving, concatenated and encoded as one H.264
        /// video: the cuts are at frames 20 and 33.
        func concatenated() throws -> String {
            let path = directory.file("scenes.mp4")
            let scenes = [
                "testsrc2=s=96x64:r=25,trim=end_frame=20",
                "mandelbrot=s=96x64:r=25,trim=end_frame=13",
                "life=s=96x64:r=25:mold=10:ratio=0.3:life_color=#30ff60:death_color=#602020,trim=end_frame=15",
            ]
            var arguments: [String] = []
            for scene in scenes { arguments += ["-f", "lavfi", "-i", scene] }
            try Fixtures.ffmpeg(arguments + ["-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1:a=0,format=yuv420p", "-c:v", "libx264", path])
            return path
        }

        @Test func findsCutsExactly() throws {
            let (clips, summary) = try Fixtures.clips(concatenated(), clips: ClipOptions(clipFrames: 8))
            #expect(summary.framesDecoded == 48)
            #expect(summary.shotCuts.map(\.frameIndex) == [20, 33], "cuts: \(summary.shotCuts)")
            for cut in summary.shotCuts { #expect(cut.distance > cut.threshold) }
            let ranges = clips.map { $0.frameIndices.first! ... $0.frameIndices.last! }
            #expect(ranges == [0 ... 7, 8 ... 15, 16 ... 19, 20 ... 27, 28 ... 32, 33 ... 40, 41 ... 47])
            #expect(clips.map(\.shot) == [0, 0, 0, 1, 1, 2, 2])
            #expect(clips.map(\.start) == [.videoStart, .continuation, .continuation, .shotCut, .continuation, .shotCut, .continuation])
        }

        @Test func cutsFallBetweenSampledFramesToo() throws {
            let (clips, summary) = try Fixtures.clips(concatenated(), sampling: SamplingOptions(rate: .everyKth(3)), clips: ClipOptions(clipFrames: 48))
            #expect(summary.shotCuts.map(\.frameIndex) == [20, 33])
            // Sampled frames 0, 3, …, 45: the cut at 20 falls between 18 and 21, the one at 33 on a sampled frame.
            #expect(clips.map(\.frameIndices) == [Array(stride(from: 0, through: 18, by: 3)), [21, 24, 27, 30], [33, 36, 39, 42, 45]])
        }

        @Test(arguments: ["testsrc2=s=96x64:r=25", "mandelbrot=s=96x64:r=25", "life=s=96x64:r=25:mold=10:ratio=0.3"])
        func noCutsInsideOneMovingShot(_ source: String) throws {
            let path = try Fixtures.video(directory.file("one-shot.mp4"), source: source, frames: 48, ["-c:v", "libx264", "-pix_fmt", "yuv420p"])
            let (clips, summary) = try Fixtures.clips(path)
            #expect(summary.shotCuts.isEmpty, "\(source): \(summary.shotCuts)")
            #expect(clips.count == 1 && clips[0].frames.count == 48)
        }

        @Test func detectionCanBeTurnedOff() throws {
            let options = ClipOptions(clipFrames: 48, shots: ShotDetectionOptions(enabled: false))
            let (clips, summary) = try Fixtures.clips(concatenated(), clips: options)
            #expect(summary.shotCuts.isEmpty && clips.count == 1)
        }

        @Test func histogramDistanceSpansZeroToOne() {
            let red = [UInt8](repeating: 0, count: 300).enumerated().map { $0.offset % 3 == 0 ? 255 : 0 } as [UInt8]
            let blue = [UInt8](repeating: 0, count: 300).enumerated().map { $0.offset % 3 == 2 ? 255 : 0 } as [UInt8]
            #expect(ShotDetector.distance(ShotDetector.histogram(red), ShotDetector.histogram(red)) == 0)
            #expect(ShotDetector.distance(ShotDetector.histogram(red), ShotDetector.histogram(blue)) == 1)
            let half = Array(red.prefix(150)) + Array(blue.suffix(150))
            #expect(abs(ShotDetector.distance(ShotDetector.histogram(red), ShotDetector.histogram(half)) - 0.5) < 1e-6)
        }

        @Test func thresholdAdaptsToABusyShot() {
            var detector = ShotDetector(ShotDetectionOptions(minimumDistance: 0.1, medianFactor: 3, window: 8))
            // Two colours alternating in varying proportions: a busy shot whose frames differ by ~0.1–0.2.
            func frame(_ redPixels: Int) -> [UInt8] {
                [UInt8]((0 ..< 100).map { $0 < redPixels ? [UInt8(255), 0, 0] : [UInt8(0), 0, 255] }.joined())
            }
            var cuts: [Int] = []
            for (index, red) in [50, 60, 45, 62, 48, 58, 44, 61, 50, 64].enumerated() {
                if let cut = detector.observe(thumbnail: frame(red), frameIndex: index, timestamp: 0) { cuts.append(cut.frameIndex) }
            }
            #expect(cuts.count <= 2, "the first pairs, before the median settles, may cut; later ones must not: \(cuts)")
            #expect(cuts.allSatisfy { $0 < 4 })
            let green = [UInt8]((0 ..< 100).map { _ in [UInt8(0), 255, 0] }.joined())
            #expect(detector.observe(thumbnail: green, frameIndex: 10, timestamp: 0)?.frameIndex == 10)
        }
    }
}
