import ArgumentParser
import FathomEval
import Foundation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score label shards against synthetic ground truth with the field's metrics.",
        discussion: """
            Each clip is matched to <truth>/<scene>.h5 by its source name (scenes/orbit.mp4 → orbit) and its
            frames by frame_index; labels may be at another resolution than the truth.

              depth      coverage of the static surface (moving objects' pixels apart: moving_coverage),
                         AbsRel and δ<1.25 after per-clip median scale alignment (also on
                         depth_confidence ≥ 128 only)
              cameras    ATE of camera centres after Sim(3) Umeyama alignment / truth path length;
                         RPE rotation in degrees per frame
              tracks_2d  TAP-Vid δ_avg (1, 2, 4, 8, 16 px at 256 px), occlusion accuracy, average Jaccard
              tracks_3d  TAPVid-3D APD (median scaling; 1–16 px thresholds back-projected at depth, at a
                         short side of 256 px)
              occlusion  precision, recall, F1 of bit 0 against true forward occlusion

            Overall figures are means over clips.
            """)

    @Option(help: ArgumentHelp("Directory of ground-truth shards written by 'fathom synth'.", valueName: "dir"))
    var truth: String

    @Argument(help: ArgumentHelp("Label shards, or directories holding them.", valueName: "shard"))
    var shards: [String]

    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.bootstrap()
        var evaluation = Evaluation(truthDirectory: truth)
        let report = try evaluation.evaluate(shardPaths(shards))
        if global.json {
            try printJSON(report)
            return
        }
        let columns = ["depth.abs_rel", "depth.delta_1.25", "depth.coverage", "cameras.ate_over_path", "cameras.rpe_rotation_deg",
                       "tracks_2d.delta_avg", "tracks_2d.occlusion_accuracy", "tracks_2d.average_jaccard", "tracks_3d.apd_3d", "occlusion.f1"]
        let headers = ["AbsRel", "δ<1.25", "cover", "ATE/path", "RPE°", "δavg", "OA", "AJ", "APD3D", "occF1"]
        print("clip".padding(toLength: 28, withPad: " ", startingAt: 0) + headers.map { $0.leftPadded(9) }.joined())
        func row(_ name: String, _ values: [String: Double]) {
            let cells = columns.map { key in values[key].map { $0.isFinite ? String(format: "%.3f", $0) : "—" } ?? "—" }
            print(String(name.prefix(27)).padding(toLength: 28, withPad: " ", startingAt: 0) + cells.map { $0.leftPadded(9) }.joined())
        }
        for clip in report.clips {
            row(clip.clip, Dictionary(uniqueKeysWithValues: clip.figures.map { ($0.key, $0.value) }))
        }
        row("overall (mean)", report.overall)
        if let pooled = report.overall["occlusion.f1_pooled"] {
            print(String(format: "occlusion F1 over all clips' pixels together (pooled): %.3f", pooled))
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
