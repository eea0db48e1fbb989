import ArgumentParser
import FathomShards

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check shards against the fathom.shard/1 contract before training on them.",
        discussion: """
            Checks every rule of Schemas/fathom.shard-1.json: required attributes and datasets, dtypes, shapes
            consistent with T, H, W and N, one-frame chunks and standard filters only, and sane values (positive
            focal lengths, rigid camera poses, depth ≥ 0 or NaN, binary visibility, query times inside the clip,
            increasing frame indices). Clip ids must be unique across all files given. Directories are searched
            for *.h5 files.

            Exit status: 0 every file valid, 1 some file invalid, 2 some file unreadable (missing, empty, not
            HDF5, or damaged beyond opening).
            """)

    @Argument(help: ArgumentHelp("Shard files, or directories holding them.", valueName: "shard"))
    var shards: [String]

    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.bootstrap()
        let paths = shardPaths(shards)
        let report = ShardValidator().validate(paths) { file in
            guard !global.json else { return }
            let mark = switch file.status { case .valid: "ok     "; case .invalid: "INVALID"; case .unreadable: "UNREADABLE" }
            print("\(mark) \(file.file) (\(file.clips) clip\(file.clips == 1 ? "" : "s"))")
            for problem in file.problems { print("    \(problem) [\(problem.code)]") }
        }
        if global.json {
            try printJSON(report)
        } else {
            let count = { (status: FileValidation.Status) in report.files.filter { $0.status == status }.count }
            print("\(paths.count) file\(paths.count == 1 ? "" : "s"): \(count(.valid)) valid, \(count(.invalid)) invalid, \(count(.unreadable)) unreadable")
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
