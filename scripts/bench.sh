#!/usr/bin/env bash
# Benchmarks (release build): Fathom's throughput next to the reference implementation measured in
# the same run on the same data. Prints a table, and the raw JSON lines to bench-results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product fathom-bench 2>&1 | grep -Ev "^warning: 'main'|^\[" || true
swift build -c release --product fathom 2>&1 | grep -Ev "^warning: 'main'|^\[" || true
bench=.build/release/fathom-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=bench-results.jsonl
: > "$results"

echo "== shard writer: 4 clips of 320x240x48 labels (rgb, float16 depth, tracks), gzip 4 + shuffle, fsync included"
"$bench" writer --out "$work" --clips 4 --repeat 3 | tee -a "$results" > "$work/fathom.json"
python3 scripts/bench_h5py_write.py "$work/writer-bench.h5" --repeat 3 --tmpdir "$work" | tee -a "$results" > "$work/h5py.json"
python3 - "$work/fathom.json" "$work/h5py.json" <<'PY'
import json, sys
f, h = (json.load(open(p)) for p in sys.argv[1:3])
print(f"{'writer':8} {'MB/s (raw)':>11} {'bytes/frame':>12} {'seconds':>8}")
for r in (f, h):
    print(f"{r['writer']:8} {r['mb_per_s']:11.1f} {r['bytes_per_frame']:12.0f} {r['seconds']:8.3f}")
print(f"fathom / h5py throughput: {f['mb_per_s'] / h['mb_per_s']:.2f}x")
PY

echo
echo "== decode: H.264 10 s at 30 fps -> clips of RGB8 + luma at long side 512 with shot detection, vs ffmpeg on the same file and threads"
echo "   ffmpeg null: 'ffmpeg -threads N -i x -f null -' (decode only); ffmpeg scaled: also scales to the working size as rgb24"
printf "%-10s %9s %8s %7s %12s %12s %14s %11s %13s\n" content size working threads "fathom fps" "ffmpeg null" "ffmpeg scaled" fathom/null fathom/scaled
for content in testsrc2 mandelbrot; do
  for size in 640x480 1280x720; do
    video="$work/decode-$content-$size.mp4"
    ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i "$content=s=$size:r=30" -t 10 -c:v libx264 -preset veryfast -pix_fmt yuv420p "$video"
    for threads in 1 2; do
      "$bench" decode --input "$video" --threads "$threads" --repeat 3 | tee -a "$results" > "$work/decode.json"
      python3 - "$work/decode.json" "$results" "$video" "$threads" "$content" "$size" <<'PY'
import json, re, subprocess, sys
fathom = json.load(open(sys.argv[1]))
results, video, threads, content, size = sys.argv[2:7]
width, height = fathom["working_size"].split("x")
def ffmpeg_fps(filters):
    best = float("inf")
    for _ in range(3):
        run = subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-benchmark", "-threads", threads, "-i", video, *filters, "-f", "null", "-"],
                             capture_output=True, text=True, check=True)
        best = min(best, float(re.search(r"rtime=([0-9.]+)s", run.stderr).group(1)))
    return fathom["frames"] / best
null = ffmpeg_fps([])
scaled = ffmpeg_fps(["-vf", f"scale={width}:{height}:flags=area,format=rgb24"])
with open(results, "a") as out:
    print(json.dumps({"benchmark": "decode", "decoder": "ffmpeg", "content": content, "size": size, "threads": int(threads),
                      "null_fps": null, "scaled_fps": scaled, "fathom_fps": fathom["fps"]}, sort_keys=True), file=out)
print(f"{content:10} {size:>9} {fathom['working_size']:>8} {threads:>7} {fathom['fps']:12.0f} {null:12.0f} {scaled:14.0f} "
      f"{fathom['fps'] / null:11.2f} {fathom['fps'] / scaled:13.2f}")
PY
    done
  done
done

echo
echo "== decode memory: peak RSS (VmHWM) reading 320x240 24 fps H.264 into 48-frame clips, 1 minute vs 20 minutes"
for minutes in 1 20; do
  video="$work/long-$minutes.mp4"
  ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i "testsrc2=s=320x240:r=24" -t $((minutes * 60)) -c:v libx264 -preset ultrafast "$video"
  "$bench" decode --input "$video" --threads 2 --repeat 1 | tee -a "$results" |
    python3 -c "import json, sys; r = json.load(sys.stdin); print(f\"{$minutes:2d} min: {r['frames']:6d} frames, {r['clips']:4d} clips, {r['fps']:6.0f} fps, peak RSS {r['peak_rss_mb']:6.1f} MB\")"
done

echo
echo "== engine I: forward+backward flow per consecutive pair on the synthetic scenes (lossless renders, 12 frames),"
echo "   EPE against the exact flow; OpenCV DIS medium (pip) on the very same frames. 1 worker = pinned to one core."
echo "   cpu ms = CPU time per pair, which other load on the machine inflates less than wall time."
for size in 320x240 640x480; do
  width=${size%x*}; height=${size#*x}
  rm -rf "$work/flow-$size"; mkdir -p "$work/flow-$size"
  for workers in 1 2; do
    pin=""; [ "$workers" = 1 ] && pin="taskset -c 0"
    for preset in fast balanced; do
      export_flag=""; [ "$workers$preset" = "1fast" ] && export_flag="--export $work/flow-$size"
      $pin "$bench" flow --frames 12 --width "$width" --height "$height" --preset "$preset" $export_flag |
        python3 -c "import json, sys; [print(json.dumps(dict(json.loads(l), method='fathom-$preset', threads=$workers))) for l in sys.stdin]"
    done
    $pin python3 scripts/bench_dis_flow.py "$work/flow-$size" --threads "$workers"
  done
done | tee -a "$results" > "$work/flow.jsonl"
python3 - "$work/flow.jsonl" <<'PY'
import json, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows[(f"{r['width']}x{r['height']}", r['method'], r['threads'])].append(r)
print(f"{'size':8} {'method':18} {'workers':>7} {'ms/pair':>8} {'cpu ms':>7} {'EPE mean':>9}   EPE per scene")
for (size, method, threads), rs in rows.items():
    mean = lambda k: sum(r[k] for r in rs) / len(rs)
    scenes = " ".join(f"{r['scene']}={r['epe_all']:.3f}" for r in sorted(rs, key=lambda r: r["scene"]))
    print(f"{size:8} {method:18} {threads:7d} {mean('ms_per_pair'):8.2f} {mean('cpu_ms_per_pair'):7.2f} {mean('epe_all'):9.3f}   {scenes}")
PY

echo
echo "== engine I: long 2D tracks and occlusion (TAP-Vid metrics by fathom eval's code), 320x240x48, fast preset"
"$bench" tracks --frames 48 --preset fast | tee -a "$results" |
  python3 -c "
import json, sys
print(f\"{'scene':8} {'EPE':>6} {'δavg':>6} {'OA':>6} {'AJ':>6} {'occF1':>6} {'s/clip':>7}\")
for line in sys.stdin:
    r = json.loads(line)
    print(f\"{r['scene']:8} {r['epe_all']:6.3f} {r['delta_avg']:6.3f} {r['occlusion_accuracy']:6.3f} {r['average_jaccard']:6.3f} {r['occlusion_f1']:6.3f} {r['seconds']:7.2f}\")"

echo
echo "== consistency score: impossible-event clips (teleport, vanish, pass-through) vs their plausible twins,"
echo "   6 scenes x 3 seeds at 320x240, 32 frames, whole engine; AUROC of 1 - consistency (impossible = positive)"
echo "   and the share of pairs in which the impossible clip scores lower than its twin"
"$bench" consistency --width 320 --height 240 --frames 32 --seeds 3 | tee -a "$results" |
  python3 -c "
import json, sys
rows = [json.loads(line) for line in sys.stdin]
summary = next(r for r in rows if r['benchmark'] == 'consistency_auroc')
twins = {(r['scene'], r['seed'], r['kind'] == 'pass_through'): r['consistency'] for r in rows if r['benchmark'] == 'consistency' and r.get('impossible') is False}
plausible = sorted(twins.values())
print(f\"{'event':13} {'pairs':>5} {'AUROC':>6} {'paired':>7}\")
for kind in ['teleport', 'vanish', 'pass_through']:
    print(f\"{kind:13} {summary['pairs_' + kind]:5d} {summary['auroc_' + kind]:6.3f} {summary['paired_accuracy_' + kind]:7.3f}\")
print(f\"{'all':13} {summary['pairs']:5d} {summary['auroc']:6.3f} {summary['paired_accuracy']:7.3f}\")
print(f\"plausible clips: median consistency {plausible[len(plausible) // 2]:.3f}, 10th percentile {plausible[len(plausible) // 10]:.3f}\")
print(f\"engine {summary['seconds_per_clip']:.2f} s per clip, of which quality stage {summary['quality_seconds_per_clip']:.2f} s\")"
