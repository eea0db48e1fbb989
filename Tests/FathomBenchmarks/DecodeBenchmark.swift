import FathomMedia
import Foundation

/// Reads a video into clips as a labelling job does — decode, convert to RGB8 and luma at the
/// working size, detect shot cuts, group — best of R runs, and reports frames per second and the
/// process's peak resident memory (VmHWM), which shows whether memory depends on video length.
/// Also the least CPU time of the process (all threads) per run: on a shared machine it varies
/// far less than wall time, and `ffmpeg -benchmark` reports the same for the reference.
func benchmarkDecode(input: String, threads: Int, longSide: Int, repeats: Int) throws {
    var best = Double.infinity
    var leastCPU = Double.infinity
    var summary: ClipSummary?
    for _ in 0 ..< repeats {
        let start = DispatchTime.now().uptimeNanoseconds, startCPU = processCPUSeconds()
        let reader = try ClipReader(source: input, media: MediaOptions(longSide: longSide, threads: threads))
        while try reader.next() != nil {}
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        leastCPU = min(leastCPU, processCPUSeconds() - startCPU)
        summary = reader.summary
    }
    guard let summary else { return }
    let result: [String: Any] = [
        "benchmark": "decode", "decoder": "fathom", "input": input, "threads": threads, "working_size": "\(summary.size.width)x\(summary.size.height)",
        "frames": summary.framesDecoded, "clips": summary.clips, "shot_cuts": summary.shotCuts.count, "seconds": best,
        "fps": Double(summary.framesDecoded) / best, "cpu_seconds": leastCPU, "peak_rss_mb": peakResidentMegabytes(),
    ]
    print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
}

/// CPU time this process has used, all threads, in seconds.
func processCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// VmHWM, the peak resident set size of this process, in MB.
func peakResidentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
    return kilobytes / 1024
}
