import FathomCore
import FathomMedia
import FathomTestSupport
import Foundation

/// Test videos made at test time, with the `ffmpeg` command-line tool or Fathom's own encoder
/// (never stored in the repository), and helpers to read them back.
enum Fixtures {
    struct CommandFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `ffmpeg -y -loglevel error` with `arguments`; throws with its stderr if it fails.
    static func ffmpeg(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailed(description: "ffmpeg \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }

    /// Encodes `frames` frames of a lavfi source (e.g. `testsrc2=s=64x48:r=25`) with the output `options`.
    @discardableResult
    static func video(_ path: String, source: String = "testsrc2=s=64x48:r=25", frames: Int, _ options: [String]) throws -> String {
        try ffmpeg(["-f", "lavfi", "-i", source, "-frames:v", "\(frames)"] + options + [path])
        return path
    }

    /// A 64×48 picture whose top-left 32×24 quadrant is red and the rest blue: shows orientation.
    static let quadrant = "color=c=blue:s=64x48:r=25,drawbox=x=0:y=0:w=32:h=24:color=red:t=fill"

    /// Deterministic RGB frames: smooth triangle-wave gradients that drift slowly with `t` (no
    /// hard edges, so lossy codecs keep them well; one continuous shot), different in every frame.
    static func pattern(_ t: Int, size: FrameSize) -> Tensor<UInt8> {
        func wave(_ v: Int) -> UInt8 { UInt8(abs(v % 510 - 255)) }
        var pixels = [UInt8](repeating: 0, count: size.width * size.height * 3)
        for y in 0 ..< size.height {
            for x in 0 ..< size.width {
                let i = 3 * (y * size.width + x)
                pixels[i] = wave(x * 4 + t * 2)
                pixels[i + 1] = wave(y * 5 + t + 100)
                pixels[i + 2] = wave((x + y) * 2 + t * 3 + 200)
            }
        }
        return Tensor(shape: [size.height, size.width, 3], storage: pixels)
    }

    /// Seeded noise frames (a 64-bit LCG): the hardest case for a lossless round trip.
    static func noise(_ t: Int, size: FrameSize) -> Tensor<UInt8> {
        var state = UInt64(t + 1) &* 6_364_136_223_846_793_005
        let pixels = (0 ..< size.width * size.height * 3).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        return Tensor(shape: [size.height, size.width, 3], storage: pixels)
    }

    /// Writes `frames` frames with Fathom's encoder.
    @discardableResult
    static func encode(_ path: String, frames: [Tensor<UInt8>], fps: Double = 25, codec: VideoEncoder.Codec) throws -> String {
        let size = FrameSize(width: frames[0].shape[1], height: frames[0].shape[0])
        let encoder = try VideoEncoder(path: path, size: size, fps: fps, codec: codec)
        for frame in frames { try encoder.append(frame) }
        try encoder.finish()
        return path
    }

    /// Reads every clip of a video.
    static func clips(_ source: String, media: MediaOptions = MediaOptions(), sampling: SamplingOptions = SamplingOptions(),
                      clips options: ClipOptions = ClipOptions()) throws -> (clips: [Clip], summary: ClipSummary) {
        let reader = try ClipReader(source: source, media: media, sampling: sampling, clips: options)
        var clips: [Clip] = []
        while let clip = try reader.next() { clips.append(clip) }
        return (clips, reader.summary)
    }

    /// Every labelled frame of a video, in order (shot detection off).
    static func frames(_ source: String, media: MediaOptions = MediaOptions(), sampling: SamplingOptions = SamplingOptions()) throws -> [VideoFrame] {
        let reader = try FrameReader(source: source, media: media, sampling: sampling, shots: ShotDetectionOptions(enabled: false))
        var frames: [VideoFrame] = []
        while let sampled = try reader.next() { frames.append(sampled.frame) }
        return frames
    }

    /// Mean R, G, B over a rectangle of a frame.
    static func meanColor(_ frame: VideoFrame, x: Range<Int>, y: Range<Int>) -> SIMD3<Double> {
        var sum = SIMD3<Double>(0, 0, 0)
        for row in y {
            for column in x {
                sum += SIMD3(Double(frame.rgb[row, column, 0]), Double(frame.rgb[row, column, 1]), Double(frame.rgb[row, column, 2]))
            }
        }
        return sum / Double(x.count * y.count)
    }

    /// Peak signal-to-noise ratio in dB between two RGB8 pictures of one shape.
    static func psnr(_ a: Tensor<UInt8>, _ b: Tensor<UInt8>) -> Double {
        let squared = zip(a.storage, b.storage).reduce(0.0) { sum, pair in
            let d = Double(pair.0) - Double(pair.1)
            return sum + d * d
        }
        let mse = squared / Double(a.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    /// The error a throwing call threw, as a `FathomError`, or nil if it did not throw one.
    static func error(_ body: () throws -> Void) -> FathomError? {
        do {
            try body()
            return nil
        } catch {
            return error as? FathomError
        }
    }
}
