"""COLMAP 3.8 (Debian package, CPU) on the synthetic scenes, scored like Fathom's cameras.

    python3 scripts/colmap_baseline.py --truth DIR [--scenes orbit,dynamic] [--frames-from truth|video]
                                       [--threads 2] [--json]

For each ground-truth shard DIR/<scene>.h5 written by `fathom synth`, this writes the frames as PNG
(the truth's lossless `rgb`, or DIR/<scene>.mp4 decoded by ffmpeg), runs COLMAP's feature
extractor (SIFT, GPU off, one shared SIMPLE_PINHOLE camera whose focal length COLMAP estimates),
sequential matcher and incremental mapper, and scores the largest model exactly as `fathom eval`
does: ATE = RMSE of camera centres after a Sim(3) Umeyama alignment to the truth, over the truth
path length; RPE rotation = mean angle of the error of consecutive relative rotations; focal error
against the truth's fx. Frames COLMAP did not register are reported, and left out of the scores.
Seconds per clip are wall time of the three COLMAP steps; cpu_seconds their CPU time (user + system,
all threads), which other load on the machine inflates far less.

Needs the `colmap` executable (apt-get install colmap), h5py, numpy, ffmpeg for --frames-from video.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np


def write_frames(truth, scene, source, out):
    out.mkdir(parents=True)
    if source == "video":
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(truth / f"{scene}.mp4"),
                        str(out / "%06d.png")], check=True)
        return
    import zlib, struct
    with h5py.File(truth / f"{scene}.h5", "r") as f:
        clip = f["clips"][next(iter(f["clips"]))]
        rgb = clip["rgb"][()]
    for t, frame in enumerate(rgb):
        h, w, _ = frame.shape
        raw = b"".join(b"\x00" + frame[i].tobytes() for i in range(h))
        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + \
              chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
        (out / f"{t + 1:06d}.png").write_bytes(png)


def truth_cameras(truth, scene):
    with h5py.File(truth / f"{scene}.h5", "r") as f:
        clip = f["clips"][next(iter(f["clips"]))]
        return clip["camera/world_from_camera"][()].astype(np.float64), float(clip["camera/K"][0, 0, 0])


def quaternion_to_matrix(qw, qx, qy, qz):
    return np.array([
        [1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qz * qw), 2 * (qx * qz + qy * qw)],
        [2 * (qx * qy + qz * qw), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qx * qw)],
        [2 * (qx * qz - qy * qw), 2 * (qy * qz + qx * qw), 1 - 2 * (qx * qx + qy * qy)]])


def read_model(text_dir):
    """{frame: camera-to-world 4x4} and the focal length of COLMAP's text model."""
    focal = None
    for line in (text_dir / "cameras.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            focal = float(line.split()[4])
    poses = {}
    lines = [l for l in (text_dir / "images.txt").read_text().splitlines() if l and not l.startswith("#")]
    for line in lines[0::2]:
        parts = line.split()
        qw, qx, qy, qz, tx, ty, tz = map(float, parts[1:8])
        r = quaternion_to_matrix(qw, qx, qy, qz)  # camera from world
        pose = np.eye(4)
        pose[:3, :3] = r.T
        pose[:3, 3] = -r.T @ np.array([tx, ty, tz])
        poses[int(Path(parts[9]).stem) - 1] = pose
    return poses, focal


def umeyama(source, target):
    mu_s, mu_t = source.mean(0), target.mean(0)
    a, b = source - mu_s, target - mu_t
    cov = b.T @ a / len(source)
    u, s, vt = np.linalg.svd(cov)
    d = np.ones(3)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        d[2] = -1
    rotation = u @ np.diag(d) @ vt
    scale = (s * d).sum() / (a * a).sum(axis=1).mean()
    return scale, rotation, mu_t - scale * rotation @ mu_s


def angle_degrees(r):
    axis = np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]])
    return np.degrees(np.arctan2(np.linalg.norm(axis) / 2, (np.trace(r) - 1) / 2))


def score(poses, focal, truth_poses, truth_focal):
    frames = sorted(poses)
    path = sum(np.linalg.norm(truth_poses[t, :3, 3] - truth_poses[t - 1, :3, 3]) for t in range(1, len(truth_poses)))
    result = {"registered": len(frames), "frames": len(truth_poses),
              "focal_error": abs(focal - truth_focal) / truth_focal if focal else None}
    if len(frames) >= 3 and path > 1e-9:
        predicted = np.array([poses[t][:3, 3] for t in frames])
        actual = np.array([truth_poses[t, :3, 3] for t in frames])
        s, r, t = umeyama(predicted, actual)
        residual = (s * (r @ predicted.T)).T + t - actual
        result["ate_over_path"] = float(np.sqrt((residual ** 2).sum(1).mean()) / path)
    errors = []
    for a, b in zip(frames, frames[1:]):
        if b != a + 1:
            continue
        rel_p = poses[a][:3, :3].T @ poses[b][:3, :3]
        rel_t = truth_poses[a, :3, :3].T @ truth_poses[b, :3, :3]
        errors.append(angle_degrees(rel_t.T @ rel_p))
    result["rpe_rotation_deg"] = float(np.mean(errors)) if errors else None
    return result


def run_colmap(images, work, threads):
    database, sparse = work / "database.db", work / "sparse"
    sparse.mkdir()
    steps = [
        ["colmap", "feature_extractor", "--database_path", database, "--image_path", images, "--ImageReader.single_camera", "1",
         "--ImageReader.camera_model", "SIMPLE_PINHOLE", "--SiftExtraction.use_gpu", "0", "--SiftExtraction.num_threads", threads],
        ["colmap", "sequential_matcher", "--database_path", database, "--SiftMatching.use_gpu", "0", "--SiftMatching.num_threads", threads],
        ["colmap", "mapper", "--database_path", database, "--image_path", images, "--output_path", sparse, "--Mapper.num_threads", threads],
    ]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.monotonic()
    cpu_start = children_cpu_seconds()
    for step in steps:
        run = subprocess.run([str(x) for x in step], capture_output=True, text=True, env=env)
        if run.returncode != 0:
            raise RuntimeError(f"{step[1]} failed ({run.returncode}): {run.stderr.strip()[-600:]}")
    seconds = time.monotonic() - start
    cpu_seconds = children_cpu_seconds() - cpu_start
    models = sorted(sparse.iterdir(), key=lambda m: (m / "images.bin").stat().st_size if (m / "images.bin").exists() else 0)
    if not models:
        raise RuntimeError("mapper produced no model")
    text = work / "text"
    text.mkdir()
    subprocess.run(["colmap", "model_converter", "--input_path", str(models[-1]), "--output_path", str(text), "--output_type", "TXT"],
                   check=True, capture_output=True, env=env)
    return seconds, cpu_seconds, text


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--truth", required=True, type=Path)
    parser.add_argument("--scenes", default="orbit,dynamic,pan,tripod,fast,lowtex")
    parser.add_argument("--frames-from", choices=("truth", "video"), default="truth")
    parser.add_argument("--threads", default="2")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not shutil.which("colmap"):
        sys.exit("colmap_baseline: the colmap executable is missing: apt-get install colmap")
    for scene in args.scenes.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            write_frames(args.truth, scene, args.frames_from, work / "images")
            truth_poses, truth_focal = truth_cameras(args.truth, scene)
            row = {"benchmark": "cameras", "method": "colmap", "scene": scene, "source": args.frames_from}
            try:
                seconds, cpu_seconds, text = run_colmap(work / "images", work, args.threads)
                poses, focal = read_model(text)
                row.update(score(poses, focal, truth_poses, truth_focal), seconds=seconds, cpu_seconds=cpu_seconds)
            except (RuntimeError, subprocess.CalledProcessError) as error:
                row["error"] = str(error)
            print(json.dumps(row, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
