#!/usr/bin/env bash
# Runs the whole test suite: the Swift tests (unit and end-to-end on the built fathom), then the
# Python reader's tests against shards the Swift writer produced.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> swift build (debug, warnings as errors)"
swift build --build-tests -Xswiftc -warnings-as-errors 2>&1 | grep -Ev "^warning: 'main'|^\[[0-9]+/[0-9]+\]" || true
test "${PIPESTATUS[0]}" -eq 0 || { echo "test: build failed" >&2; exit 1; }

echo "==> swift test"
swift test --skip-build --no-parallel  # serial: tests count live HDF5 objects process-wide

echo "==> pytest (Python reader against Swift-written shards)"
FATHOM_BIN="$(swift build --show-bin-path)/fathom" python3 -m pytest -q Tests/python
