import ArgumentParser
import FathomCore
import FathomShards
import Foundation

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a shard holds: clips, frames, resolution, tracks, and bytes on disk.",
        discussion: "Reads structure only, not pixels, so it is fast on large shards. Run 'fathom validate' to check contents.")

    @Argument(help: ArgumentHelp("Shard files, or directories holding them.", valueName: "shard"))
    var shards: [String]

    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.bootstrap()
        var summaries: [ShardSummary] = []
        var failed = false
        for path in shardPaths(shards) {
            do {
                summaries.append(try ShardSummary(path: path))
            } catch {
                printError("error: \(error)")
                failed = true
            }
        }
        if global.json {
            try printJSON(summaries)
        } else {
            for summary in summaries { print(render(summary)) }
        }
        if failed { throw ExitCode(2) }
    }

    private func render(_ summary: ShardSummary) -> String {
        var lines = ["\(summary.file)"]
        for key in ["producer", "job", "shard", "created_utc", "config_sha256"] {
            lines.append("  \(key.padding(toLength: 14, withPad: " ", startingAt: 0)) \(summary.header[key] ?? "")")
        }
        lines.append(String(format: "  %d clips, %d labelled frames, %@ on disk, %.0f bytes per labelled frame, compression %.2f×",
                            summary.clips.count, summary.frames, megabytes(summary.fileBytes), summary.bytesPerFrame, summary.compressionRatio))
        for clip in summary.clips {
            lines.append("  \(clip.id)  \(clip.frames) frames  \(clip.width)×\(clip.height)  \(clip.tracks) tracks  \(megabytes(clip.storedBytes))  \(clip.source)")
        }
        return lines.joined(separator: "\n")
    }

    private func megabytes(_ bytes: Int) -> String {
        String(format: "%.2f MB", Double(bytes) / 1e6)
    }
}
