import ArgumentParser
import FathomCore

@main
struct Fathom: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fathom",
        abstract: "Turn video corpora into 4D pseudo-labels: depth, cameras, tracks and occlusion in HDF5 shards.",
        discussion: """
            Labels follow the public contract fathom.shard/1 (Schemas/README.md). Typical use:

              fathom synth --scene orbit --out scenes/     write a synthetic scene with exact labels
              fathom validate scenes/                      check shards before training on them
              fathom inspect scenes/orbit.h5               what a shard holds and its size on disk

            Exit codes: 0 success, 1 some input invalid, 2 unreadable input, 64 usage or configuration error.
            """,
        version: FathomVersion.current,
        subcommands: [SynthCommand.self, ValidateCommand.self, InspectCommand.self, EvalCommand.self])
}
