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
              fathom label videos/ --out labels/         label videos with default settings
              fathom plan job.yaml                       freeze a job's shard plan
              fathom run job.yaml --shard 3              label one shard (resumable)
              fathom status job.yaml                     progress of every shard
              fathom index job.yaml                      dataset index of the committed clips

            Exit codes: 0 success, 1 some input invalid, 2 unreadable input,
            64 usage or configuration error; run/label/status also use
            3 finished with failed videos, 4 stopped early (rerun to resume),
            74 output error (e.g. disk full), 75 shard busy.
            """,
        version: FathomVersion.current,
        subcommands: [ProbeCommand.self, SynthCommand.self, EvalCommand.self, PreviewCommand.self, ValidateCommand.self, InspectCommand.self, QueryCommand.self,
                      ScoreCommand.self, LabelCommand.self, PlanCommand.self, RunCommand.self, StatusCommand.self, IndexCommand.self])
}
