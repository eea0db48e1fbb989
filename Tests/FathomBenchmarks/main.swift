// fathom-bench: measurements for scripts/bench.sh (release build). Benchmarks report, tests assert.
//
//     fathom-bench writer --out DIR [--clips N] [--repeat R]
//     fathom-bench decode --input VIDEO [--threads N] [--long-side L] [--repeat R]
//     fathom-bench flow|tracks|depth [--scenes a,b] [--width W] [--height H] [--frames T] [--preset P] [--export DIR] [--pose-noise σ] [--repeat R]
//     fathom-bench engine [--scenes a,b] [--width W] [--height H] [--frames T] [--seed S]
//     fathom-bench cameras [--scenes a,b] [--source truth|engine|video] [--videos DIR] [--frames T] [--seed S]
//     fathom-bench consistency [--scenes a,b] [--seeds N] [--width W] [--height H] [--frames T] [--geometry engine|truth]
//
// Prints one JSON line per benchmark on stdout.
import FathomCore
import FathomShards
import FathomTestSupport
import FathomVision
import Foundation

/// Writes N clips of the 320×240×48 `orbit` scene (exact labels, realistic content) into one shard
/// with the default options, best of R runs, and reports raw MB/s and bytes per labelled frame.
func benchmarkWriter(out: String, clips: Int, repeats: Int) throws {
    let base = SampleShards.labels(scene: "orbit", width: 320, height: 240, frames: 48)
    let labels = (0 ..< clips).map { index in
        var clip = base
        clip.id = "\(base.id)-\(index)"
        return clip
    }
    let path = (out as NSString).appendingPathComponent("writer-bench.h5")
    var best = Double.infinity
    for _ in 0 ..< repeats {
        try? FileManager.default.removeItem(atPath: path)
        let start = DispatchTime.now().uptimeNanoseconds
        try SampleShards.write(labels, to: path)
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    let summary = try ShardSummary(path: path)
    let raw = summary.clips.reduce(0) { $0 + $1.rawBytes }
    let result: [String: Any] = [
        "benchmark": "writer", "writer": "fathom", "path": path, "seconds": best, "raw_bytes": raw, "file_bytes": summary.fileBytes,
        "mb_per_s": Double(raw) / 1e6 / best, "frames": summary.frames, "bytes_per_frame": summary.bytesPerFrame,
        "compression_ratio": summary.compressionRatio,
    ]
    print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
}

func option(_ name: String, _ fallback: String) -> String {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--\(name)"), index + 1 < arguments.count else { return fallback }
    return arguments[index + 1]
}

do {
    switch CommandLine.arguments.dropFirst().first {
    case "flow":
        try benchmarkFlow(scenes: option("scenes", "orbit,dynamic,tripod,fast,lowtex,pan").split(separator: ",").map(String.init),
                          width: Int(option("width", "320"))!, height: Int(option("height", "240"))!, frames: Int(option("frames", "12"))!,
                          preset: OpticalFlowOptions.Preset(rawValue: option("preset", "balanced"))!,
                          export: CommandLine.arguments.contains("--export") ? option("export", ".") : nil, repeats: Int(option("repeat", "1"))!)
    case "tracks":
        try benchmarkTracks(scenes: option("scenes", "orbit,dynamic,tripod,fast,lowtex,pan").split(separator: ",").map(String.init),
                            width: Int(option("width", "320"))!, height: Int(option("height", "240"))!, frames: Int(option("frames", "24"))!,
                            preset: OpticalFlowOptions.Preset(rawValue: option("preset", "balanced"))!)
    case "consistency":
        benchmarkConsistency(scenes: option("scenes", "orbit,dynamic,pan,tripod,fast,lowtex").split(separator: ",").map(String.init),
                             seeds: Int(option("seeds", "3"))!, width: Int(option("width", "320"))!, height: Int(option("height", "240"))!,
                             frames: Int(option("frames", "32"))!, geometry: option("geometry", "engine"))
    case "cameras":
        try benchmarkCameras(scenes: option("scenes", "orbit,dynamic,pan,tripod,fast,lowtex").split(separator: ",").map(String.init),
                             width: Int(option("width", "320"))!, height: Int(option("height", "240"))!, frames: Int(option("frames", "48"))!,
                             source: option("source", "engine"), videos: option("videos", "."), seed: UInt32(option("seed", "1"))!)
    case "engine":
        try benchmarkEngine(scenes: option("scenes", "orbit,dynamic,pan,tripod,fast,lowtex").split(separator: ",").map(String.init),
                            width: Int(option("width", "320"))!, height: Int(option("height", "240"))!, frames: Int(option("frames", "48"))!,
                            seed: UInt32(option("seed", "1"))!)
    case "depth":
        try benchmarkDepth(scenes: option("scenes", "orbit,dynamic,fast,lowtex,pan,tripod").split(separator: ",").map(String.init),
                           width: Int(option("width", "320"))!, height: Int(option("height", "240"))!, frames: Int(option("frames", "48"))!,
                           preset: OpticalFlowOptions.Preset(rawValue: option("preset", "fast"))!, poseNoise: Double(option("pose-noise", "0"))!, repeats: Int(option("repeat", "1"))!)
    case "decode":
        try benchmarkDecode(input: option("input", ""), threads: Int(option("threads", "1"))!, longSide: Int(option("long-side", "512"))!,
                            repeats: Int(option("repeat", "3"))!)
    case "writer":
        try benchmarkWriter(out: option("out", NSTemporaryDirectory()), clips: Int(option("clips", "4"))!, repeats: Int(option("repeat", "3"))!)
    default:
        FileHandle.standardError.write(Data("usage: fathom-bench writer --out DIR [--clips N] [--repeat R]\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("fathom-bench: \(error)\n".utf8))
    exit(1)
}
