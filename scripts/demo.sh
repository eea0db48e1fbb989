#!/usr/bin/env bash
# The demo, end to end on data Fathom makes itself: render the synthetic scene suite with exact
# labels, validate every shard, show what they hold, and read them back from Python.
set -euo pipefail
cd "$(dirname "$0")/.."
fathom=.build/release/fathom
out=${1:-demo-out}

echo "==> fathom synth --scene all --out $out"
$fathom synth --scene all --out "$out"
echo "==> fathom validate $out"
$fathom validate "$out"
echo "==> fathom inspect $out/orbit.h5"
$fathom inspect "$out/orbit.h5"
echo "==> python3 scripts/fathom_reader.py $out/*.h5"
python3 scripts/fathom_reader.py "$out"/*.h5
