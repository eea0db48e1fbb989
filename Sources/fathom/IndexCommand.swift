import ArgumentParser
import FathomJobs
import Foundation

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Write the dataset index: every committed part file (size, SHA-256) and every clip in it.",
        discussion: """
            Built from the shards' journals, so it lists exactly the committed part files, never a
            temporary or half-written one. Training code reads it to choose clips and open part files
            lazily. Written atomically to <output>/index.json (or index.jsonl with --jsonl: one clip per
            line, with its file), or to --out.

              fathom index Jobs/demo.yaml
              fathom index demo-out/labels --jsonl --verify

            Exit codes: 0 written, 1 --verify found a missing or changed part file, 64 no plan or bad job
            file, 74 cannot write the index.
            """)

    @Argument(help: ArgumentHelp("The job file, or its output directory.", valueName: "job.yaml|dir"))
    var job: String

    @Option(help: ArgumentHelp("Where to write the index (default: <output>/index.json or index.jsonl).", valueName: "file"))
    var out: String?

    @Flag(help: "Write JSON Lines, one clip per line.") var jsonl = false
    @Flag(help: "Recompute every part file's SHA-256 and compare it with the journal's.") var verify = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.bootstrap()
        try JobCommandSupport.exitingOnError {
            let output = try JobCommandSupport.outputDirectory(job)
            let index = try DatasetIndex(output: output)
            let path = out ?? (output as NSString).appendingPathComponent(jsonl ? "index.jsonl" : "index.json")
            try index.write(to: path, lines: jsonl)
            let problems = verify ? index.verify(output: output) : []
            if global.json {
                try printJSON(Report(index: path, parts: index.parts.count, clips: index.clips, frames: index.frames, bytes: index.bytes,
                                     verified: verify, problems: problems))
            } else {
                print("\(path): \(index.parts.count) part file(s), \(index.clips) clips, \(index.frames) frames, "
                    + "\(String(format: "%.2f", Double(index.bytes) / 1e6)) MB\(verify && problems.isEmpty ? ", every checksum verified" : "")")
                for problem in problems { print("  \(problem)") }
            }
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }

    struct Report: Encodable {
        var index: String
        var parts: Int
        var clips: Int
        var frames: Int
        var bytes: Int
        var verified: Bool
        var problems: [String]
    }
}
