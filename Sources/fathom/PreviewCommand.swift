import ArgumentParser
import FathomCore
import FathomMedia
import FathomPreview
import FathomShards
import Foundation

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Draw a clip's labels to look at: frames with track trails, depth, and occlusion, side by side.",
        discussion: """
            Panels, left to right: the frame with each track's recent trail (one colour per track, drawn only
            where the point is visible); depth as a colour map (near warm, far cool, unknown black); the frame
            with occlusion (red: hidden in the next frame, blue: hidden in the previous one).

            --out ending in .png writes one frame (--frame, default the middle one); .mp4 or .mkv writes
            every frame as a video.
            """)

    @Argument(help: ArgumentHelp("A shard file.", valueName: "shard"))
    var shard: String

    @Option(help: "Clip id (default: the first clip in the shard).")
    var clip: String?

    @Option(help: ArgumentHelp("Output file: .png for one frame, .mp4 or .mkv for the whole clip.", valueName: "file"))
    var out: String

    @Option(help: "Frame to draw for a .png (default: the middle frame).")
    var frame: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        let ext = (out as NSString).pathExtension.lowercased()
        guard ["png", "mp4", "mkv", "mov"].contains(ext) else {
            throw ValidationError("Please give --out a .png, .mp4, .mkv or .mov file (got '\(out)').")
        }
    }

    func run() throws {
        global.bootstrap()
        let reader = try ShardReader(path: shard)
        let ids = try reader.clipIDs()
        guard let id = clip ?? ids.first else { throw FathomError("preview.empty", "'\(shard)' holds no clips") }
        guard ids.contains(id) else {
            throw FathomError("preview.noClip", "'\(shard)' has no clip '\(id)'; it has \(ids.prefix(5).joined(separator: ", "))\(ids.count > 5 ? ", …" : "")")
        }
        let renderer = PreviewRenderer(labels: try reader.clip(id))
        let frames = renderer.labels.frameCount
        if (out as NSString).pathExtension.lowercased() == "png" {
            let t = frame ?? frames / 2
            guard (0 ..< frames).contains(t) else { throw ValidationError("--frame must be in 0..<\(frames) (got \(t)).") }
            try PNGWriter.write(renderer.render(frame: t), to: out)
        } else {
            let first = padded(renderer.render(frame: 0))
            let encoder = try VideoEncoder(path: out, size: FrameSize(width: first.shape[1], height: first.shape[0]),
                                           fps: renderer.labels.fps, codec: .h264(quality: 18))
            try encoder.append(first)
            for t in 1 ..< frames {
                try encoder.append(padded(renderer.render(frame: t)))
            }
            try encoder.finish()
        }
        if global.json {
            try printJSON(["clip": id, "out": out, "frames": "\(frames)"])
        } else {
            print("\(out)  clip \(id), \(frames) frames")
        }
    }

    /// H.264 needs even sides: pads the right and bottom edge by one black pixel where odd.
    private func padded(_ image: Tensor<UInt8>) -> Tensor<UInt8> {
        let (h, w) = (image.shape[0], image.shape[1])
        let (h2, w2) = (h + h % 2, w + w % 2)
        guard h2 != h || w2 != w else { return image }
        var out = Tensor<UInt8>(shape: [h2, w2, 3], repeating: 0)
        for i in 0 ..< h {
            out.storage.replaceSubrange((i * w2) * 3 ..< (i * w2 + w) * 3, with: image.storage[(i * w) * 3 ..< (i * w + w) * 3])
        }
        return out
    }
}
