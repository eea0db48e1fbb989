#!/usr/bin/env bash
# Installs everything Fathom needs on a fresh Debian 12 machine and builds it (release).
# Idempotent: rerunning only refreshes the package lists and rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pkg-config
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev ffmpeg   # decode; the ffmpeg CLI makes test videos
  libhdf5-dev hdf5-tools                                               # shards (serial HDF5), h5dump for debugging
  libdeflate-dev                                                       # compresses shard chunks (zlib format) off the writer
  libssl-dev                                                           # SHA-256 of part files with the CPU's SHA instructions
  libopenblas-dev liblapacke-dev                                       # dense linear algebra
  slurm-wlm munge                                                      # a single-node Slurm for the job template's test
)
PIP_PACKAGES=(h5py numpy pytest jsonschema pyyaml opencv-python-headless==5.0.0.93)   # OpenCV: the baselines' reference DIS flow, pinned so its numbers stay comparable; jsonschema + pyyaml check Jobs/ against Schemas/job.schema.json

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

echo "==> apt: ${APT_PACKAGES[*]}"
sudo_if_needed apt-get update -qq
DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null

echo "==> pip: ${PIP_PACKAGES[*]}"
python3 -m pip install -q --disable-pip-version-check "${PIP_PACKAGES[@]}" 2>&1 | grep -v "Running pip as the 'root' user" || true

command -v swift >/dev/null || { echo "setup: swift is not on PATH; install Swift 6 (swift.org) and rerun" >&2; exit 1; }
echo "==> swift build -c release"
bash scripts/build_release.sh fathom
test -x .build/release/fathom || { echo "setup: the release build failed; run 'swift build -c release' to see why" >&2; exit 1; }
echo "==> ready: .build/release/fathom $(.build/release/fathom --version)"
