#!/usr/bin/env bash
# Runs the whole test suite: the Swift tests (unit and end-to-end on the built fathom), the Python
# tests (reader against Swift-written shards; job files and cluster templates), then the Slurm
# template on a single-node Slurm (skipped, saying why, where Slurm or root is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> swift build (debug, warnings as errors)"
swift build --build-tests -Xswiftc -warnings-as-errors 2>&1 | grep -Ev "^warning: 'main'|^\[[0-9]+/[0-9]+\]" || true
test "${PIPESTATUS[0]}" -eq 0 || { echo "test: build failed" >&2; exit 1; }

echo "==> swift test"
swift test --skip-build --no-parallel  # serial: tests count live HDF5 objects process-wide

echo "==> pytest (Python reader against Swift-written shards; job files and cluster templates)"
FATHOM_BIN="$(swift build --show-bin-path)/fathom" python3 -m pytest -q Tests/python

echo "==> Slurm array template on a single-node Slurm"
bash scripts/test_slurm.sh "$(swift build --show-bin-path)/fathom"
