#!/usr/bin/env bash
# Benchmarks (release build): Fathom's throughput next to the reference implementation measured in
# the same run on the same data. Prints a table, and the raw JSON lines to bench-results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product fathom-bench 2>&1 | grep -Ev "^warning: 'main'|^\[" || true
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
