#!/usr/bin/env bash
# The demo, end to end on data Fathom makes itself: render the synthetic scene suite (videos and
# exact labels), label the videos with the job runner (Jobs/demo.yaml: plan, run, status), check
# and index the shards, score the labels against the exact truth, draw one clip, read the shards
# from Python, and score the reference baselines the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
fathom=.build/release/fathom
scenes=demo-out/scenes
labels=demo-out/labels   # where Jobs/demo.yaml writes (paths in a job file are relative to it)

echo "==> fathom synth --scene all --out $scenes"
$fathom synth --scene all --out "$scenes"
echo "==> fathom plan Jobs/demo.yaml"
$fathom plan Jobs/demo.yaml
echo "==> fathom run Jobs/demo.yaml"
$fathom run Jobs/demo.yaml
echo "==> fathom status Jobs/demo.yaml"
$fathom status Jobs/demo.yaml
echo "==> fathom validate $labels"
$fathom validate "$labels"
echo "==> fathom index Jobs/demo.yaml --verify"
$fathom index Jobs/demo.yaml --verify
first_part=$(find "$labels" -name '*-part-*.h5' | sort | head -1)
echo "==> fathom inspect $first_part"
$fathom inspect "$first_part"
echo "==> fathom eval --truth $scenes $labels"
$fathom eval --truth "$scenes" "$labels"
echo "==> fathom preview $first_part --out demo-out/preview.png"
$fathom preview "$first_part" --out demo-out/preview.png
echo "==> python3 scripts/fathom_reader.py $labels/*/*.h5"
python3 scripts/fathom_reader.py "$labels"/*/*.h5
echo "==> python3 scripts/baselines.py --truth $scenes --out demo-out/baselines"
python3 scripts/baselines.py --truth "$scenes" --out demo-out/baselines --fathom "$fathom"
