import ArgumentParser
import FathomCore

@main
struct Fathom: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fathom",
        abstract: "Turn video corpora into 4D pseudo-labels: depth, cameras, tracks and occlusion in HDF5 shards.",
        discussion: """
            Labels follow the public contract fathom.shard/1 (Schemas/README.md).

              fathom synth --scene orbit --out scenes/   render a scene, exact labels
              fathom validate scenes/                    check shards before training
              fathom inspect scenes/orbit.h5             clips, frames, bytes on disk
              fathom probe videos/                       streams, clips, shot cuts
              fathom eval --truth scenes/ labels.h5      score labels against truth
              fathom preview labels.h5 --out clip.png    see what the labels say
              fathom score generated.mp4                 how physically consistent a video is

            Exit codes: 0 success, 1 some input invalid, 2 unreadable input,
            64 usage or configuration error.
            """,
        version: FathomVersion.current,
        subcommands: [ProbeCommand.self, SynthCommand.self, EvalCommand.self, PreviewCommand.self, ScoreCommand.self, ValidateCommand.self, InspectCommand.self])
}
