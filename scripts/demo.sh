#!/usr/bin/env bash
# The demo, end to end on data Fathom makes itself: render the synthetic scene suite (videos and
# exact labels), probe a video, validate every shard, show what one holds, read them back from
# Python, and score the reference baselines against the truth.
set -euo pipefail
cd "$(dirname "$0")/.."
fathom=.build/release/fathom
out=${1:-demo-out}

echo "==> fathom synth --scene all --out $out"
$fathom synth --scene all --out "$out"
echo "==> fathom probe $out/dynamic.mp4"
$fathom probe "$out/dynamic.mp4"
echo "==> fathom validate $out"
$fathom validate "$out"
echo "==> fathom inspect $out/orbit.h5"
$fathom inspect "$out/orbit.h5"
echo "==> fathom preview $out/dynamic.h5 --out $out/dynamic-preview.png"
$fathom preview "$out/dynamic.h5" --out "$out/dynamic-preview.png"
echo "==> python3 scripts/fathom_reader.py $out/*.h5"
python3 scripts/fathom_reader.py "$out"/*.h5
echo "==> python3 scripts/baselines.py --truth $out --out $out/baselines"
python3 scripts/baselines.py --truth "$out" --out "$out/baselines" --fathom "$fathom"
