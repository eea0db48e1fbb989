#!/usr/bin/env bash
# Release build of the given products (default: fathom), for every x86-64 CPU unless
# FATHOM_TARGET_CPU names a CPU family (e.g. haswell, for AVX2/FMA: about 10 % more frames/s;
# the binary then stops with "illegal instruction" on CPUs without those instructions, so build
# for the oldest CPU of the cluster that runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
flags=()
if [ -n "${FATHOM_TARGET_CPU:-}" ]; then
  flags=(-Xswiftc -target-cpu -Xswiftc "$FATHOM_TARGET_CPU" -Xcc "-march=$FATHOM_TARGET_CPU")
  echo "build: for CPU family '$FATHOM_TARGET_CPU' (FATHOM_TARGET_CPU)"
fi
for product in "${@:-fathom}"; do
  swift build -c release --product "$product" ${flags[@]+"${flags[@]}"} 2>&1 | grep -Ev "^warning: 'main'|^\[" || true
done
