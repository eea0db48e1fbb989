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
echo "== engine I: forward+backward flow per consecutive pair, 320x240 synthetic scenes (lossless renders), EPE against exact flow"
printf "%-8s %-9s %10s %9s %9s\n" scene preset "ms/pair" "EPE all" "EPE vis"
for preset in fast balanced; do
  "$bench" flow --frames 12 --preset "$preset" | tee -a "$results" |
    python3 -c "
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(f\"{r['scene']:8} {r['preset']:9} {r['ms_per_pair']:10.2f} {r['epe_all']:9.3f} {r['epe_visible']:9.3f}\")"
done
echo "   reference: OpenCV DIS medium (pip), same frames decoded from H.264, ms/pair at 1 and 2 threads"
"$(dirname "$bench")/fathom" synth --scene all --frames 12 --out "$work/scenes" > /dev/null
for threads in 1 2; do
  python3 scripts/baselines.py --truth "$work/scenes" --out "$work/baselines-$threads" --methods dis --threads "$threads" \
    --fathom "$(dirname "$bench")/fathom" --json > "$work/dis-$threads.json"
  python3 - "$work/dis-$threads.json" "$threads" <<'PY'
import json, sys
per_scene = json.load(open(sys.argv[1]))["dis"]["timing"]["flow_ms_per_pair"]
print(f"   OpenCV DIS medium, {sys.argv[2]} thread(s): {sum(per_scene.values()) / len(per_scene):.2f} ms/pair (mean of {len(per_scene)} scenes)")
PY
done

echo
echo "== engine I: long 2D tracks and occlusion (TAP-Vid metrics by fathom eval's code), 320x240x24"
"$bench" tracks --frames 24 --preset fast | tee -a "$results" |
  python3 -c "
import json, sys
print(f\"{'scene':8} {'EPE':>6} {'δavg':>6} {'OA':>6} {'AJ':>6} {'occF1':>6} {'s/clip':>7}\")
for line in sys.stdin:
    r = json.loads(line)
    print(f\"{r['scene']:8} {r['epe_all']:6.3f} {r['delta_avg']:6.3f} {r['occlusion_accuracy']:6.3f} {r['average_jaccard']:6.3f} {r['occlusion_f1']:6.3f} {r['seconds']:7.2f}\")"

echo
echo "== engine III: dense depth from the engine's flow (fast preset) and the TRUE cameras, 320x240x48 (fathom eval's median-scaled scores)"
echo "   given-moving: AbsRel with the true moving mask supplied; ms/frame: depth stage only, wall (cpu = all threads), best of 3"
cat > "$work/depth_table.py" <<'PY'
import json, sys
def f(r, k): return float("nan") if r.get(k) is None else r[k]
print(f"{'scene':8} {'AbsRel':>7} {'δ<1.25':>7} {'cover':>6} {'static':>6} {'given-mov':>9} {'mov-rec':>7} {'mov-prec':>8} {'sky':>5} {'ms/frame':>8} {'cpu ms':>7}")
for line in sys.stdin:
    r = json.loads(line)
    print(f"{r['scene']:8} {f(r, 'abs_rel'):7.4f} {f(r, 'delta125'):7.4f} {f(r, 'coverage'):6.3f} {f(r, 'static_coverage'):6.3f} "
          f"{f(r, 'given_moving_abs_rel'):9.4f} {f(r, 'moving_recall'):7.3f} {f(r, 'moving_precision'):8.3f} {f(r, 'sky_with_depth'):5.3f} "
          f"{r['ms_per_frame']:8.2f} {r['cpu_ms_per_frame']:7.2f}")
PY
"$bench" depth --frames 48 --preset fast --repeat 3 | tee -a "$results" | python3 "$work/depth_table.py"
echo "   the same with perturbed cameras: per frame 0.1° rotation and 10% of the frame-to-frame step (σ), as estimated cameras might be"
"$bench" depth --frames 48 --preset fast --scenes orbit,dynamic,fast,lowtex --pose-noise 0.1 | tee -a "$results" | python3 "$work/depth_table.py"
