"""Reference methods every Fathom engine number is reported next to.

    python3 scripts/baselines.py --truth DIR --out OUTDIR [--fathom PATH] [--methods trivial,dis,fathom]
                                 [--spacing 8] [--threads 1] [--json]

A number like "δ_avg 0.61" means little alone; next to what a trivial labeller and plain optical
flow score on the same scenes it does. For each ground-truth shard DIR/<scene>.h5 written by
`fathom synth`, this labels the scene's frames with each method, writes OUTDIR/<method>.h5 (one
fathom.shard/1 clip per scene, checked with `fathom validate`), scores it with `fathom eval` and
prints one table.

  trivial  depth 1 everywhere, identity cameras, no occlusion, tracks that never move
  dis      OpenCV DIS optical flow (medium preset), forward and backward per frame pair; tracks
           chained through the forward flow, visibility and occlusion bits from the
           forward–backward check of Sundaram et al. 2010; depth 1 and identity cameras
  fathom   Fathom's own engine on the same videos (`fathom label`, default settings, one clip of
           every frame per scene at the video's size), so its row is measured by the same script,
           on the same frames and truth as the references (its queries are its own: the same grid
           at frame 0, plus tracks it starts later on surface that appears). Needs DIR/<scene>.mp4.

The methods see only what a real labeller sees: the frames (decoded from DIR/<scene>.mp4 when it
exists, else the truth's `rgb`), the intrinsics K and the frame numbering. Never depth, poses,
tracks, masks or occlusion of the truth.

Needs h5py, numpy and OpenCV (`pip install opencv-python-headless`).
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import h5py
import numpy as np

try:
    import cv2
except ImportError:
    sys.exit("baselines: OpenCV is missing: pip install opencv-python-headless")

REPO = Path(__file__).resolve().parents[1]
SCHEMA = "fathom.shard/1"
METHODS = ("trivial", "dis", "fathom")
GZIP_LEVEL = 4
# (column header, key in the eval report's per-clip JSON, key in its 'overall' figures)
COLUMNS = [
    ("AbsRel", ("depth", "abs_rel"), "depth.abs_rel"),
    ("δ<1.25", ("depth", "delta125"), "depth.delta_1.25"),
    ("ATE/path", ("cameras", "ate_over_path_length"), "cameras.ate_over_path"),
    ("RPE°", ("cameras", "rpe_rotation_degrees"), "cameras.rpe_rotation_deg"),
    ("δavg", ("tracks_2d", "delta_avg"), "tracks_2d.delta_avg"),
    ("OA", ("tracks_2d", "occlusion_accuracy"), "tracks_2d.occlusion_accuracy"),
    ("AJ", ("tracks_2d", "average_jaccard"), "tracks_2d.average_jaccard"),
    ("APD3D", ("tracks_3d", "apd_3d"), "tracks_3d.apd_3d"),
    ("occF1", ("occlusion", "f1"), "occlusion.f1"),
]


def fail(message):
    sys.exit(f"baselines: {message}")


def default_fathom():
    release = REPO / ".build" / "release" / "fathom"
    return release if release.exists() else REPO / ".build" / "debug" / "fathom"


def run_fathom(fathom, *args):
    """Runs the fathom CLI; a failure stops the script with the tool's own message."""
    run = subprocess.run([str(fathom), *map(str, args)], capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"`{fathom} {' '.join(map(str, args))}` exited {run.returncode}:\n{run.stdout}{run.stderr}"
             f"(a binary that rejects these arguments is older than this script: rebuild it with `swift build` in {REPO})")
    return run.stdout


# ---------------------------------------------------------------- input: what a labeller may see

def decode(video, frame_index):
    """The frames numbered `frame_index` among the decoded frames of `video`, as RGB."""
    capture = cv2.VideoCapture(str(video))
    wanted, frames, n = set(frame_index.tolist()), [], 0
    while n <= frame_index[-1]:
        ok, bgr = capture.read()
        if not ok:
            fail(f"{video} decodes to {n} frames, but the truth labels frame {frame_index[-1]}")
        if n in wanted:
            frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        n += 1
    capture.release()
    return np.stack(frames)


def load_scene(truth_path):
    """Frames, K and frame numbering of the truth shard's one clip; nothing else of the truth."""
    with h5py.File(truth_path, "r") as f:
        clip = next(iter(f["clips"].values()))
        scene = {"name": truth_path.stem, "frame_index": clip["frame_index"][()],
                 "timestamp": clip["timestamp"][()], "fps": float(clip.attrs["fps"]), "K": clip["camera/K"][()]}
        truth_size = int(clip.attrs["width"]), int(clip.attrs["height"])
        video = truth_path.with_suffix(".mp4")
        scene["video"] = video if video.exists() else None
        if video.exists():
            scene["frames"] = decode(video, scene["frame_index"])
        elif "rgb" in clip:
            scene["frames"] = clip["rgb"][()]
        else:
            fail(f"{truth_path} has no rgb dataset and there is no {video.name} beside it: nothing to label")
    # A video at another size than the truth is labelled at its own size: K follows the pixels.
    h, w = scene["frames"].shape[1:3]
    sx, sy = w / truth_size[0], h / truth_size[1]
    scene["K"] = (scene["K"] * np.array([[sx, 1, sx], [1, sy, sy], [1, 1, 1]])).astype(np.float32)
    return scene


def grid_queries(h, w, spacing):
    """The engine's query rule: frame 0, every `spacing` pixels from spacing/2, at pixel centres."""
    i, j = np.meshgrid(np.arange(spacing // 2, h, spacing), np.arange(spacing // 2, w, spacing), indexing="ij")
    return np.stack([np.zeros(i.size), j.ravel() + 0.5, i.ravel() + 0.5], axis=1).astype(np.float32)


# ---------------------------------------------------------------- methods

def constant_geometry(t, h, w):
    """Depth 1 with confidence 0 (so coverage counts but nothing claims to be sure) and identity
    cameras: what a method that estimates neither can honestly say."""
    return {"depth": np.ones((t, h, w), np.float16), "depth_confidence": np.zeros((t, h, w), np.uint8),
            "world_from_camera": np.tile(np.eye(4, dtype=np.float32), (t, 1, 1))}


def trivial(scene, queries):
    """Nothing moves: every track stays on its query pixel, visible, at depth 1."""
    t, h, w = scene["frames"].shape[:3]
    n = len(queries)
    rays = np.linalg.inv(scene["K"][0].astype(np.float64)) @ np.stack([queries[:, 1], queries[:, 2], np.ones(n)])
    return {**constant_geometry(t, h, w), "occlusion": np.zeros((t, h, w), np.uint8),
            "uv": np.repeat(queries[:, None, 1:], t, axis=1),
            "xyz": np.repeat(rays.T[:, None, :], t, axis=1).astype(np.float32),
            "visible": np.ones((n, t), np.uint8), "confidence": np.full((n, t), 255, np.uint8)}


def sample(field, u, v):
    """Bilinear value of a per-pixel field [H, W, C] at contract pixels (u, v) (pixel centres at
    +0.5), clamped at the border."""
    h, w = field.shape[:2]
    x, y = np.clip(u - 0.5, 0, w - 1), np.clip(v - 0.5, 0, h - 1)
    x0, y0 = np.floor(x).astype(np.intp), np.floor(y).astype(np.intp)
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    ax, ay = (x - x0)[..., None], (y - y0)[..., None]
    return ((field[y0, x0] * (1 - ax) + field[y0, x1] * ax) * (1 - ay)
            + (field[y1, x0] * (1 - ax) + field[y1, x1] * ax) * ay)


def step(forward, backward, u, v):
    """Moves points (u, v) along `forward` flow. Returns the new positions, whether they are
    inside the image, and whether the forward–backward check of Sundaram et al. 2010 passes:
    |F(x) + B(x + F(x))|² < 0.01 (|F|² + |B|²) + 0.5 (a point that comes back is not occluded)."""
    f = sample(forward, u, v)
    u2, v2 = u + f[..., 0], v + f[..., 1]
    b = sample(backward, u2, v2)
    h, w = forward.shape[:2]
    inside = (u2 >= 0) & (u2 < w) & (v2 >= 0) & (v2 < h)
    consistent = ((f + b) ** 2).sum(-1) < 0.01 * ((f ** 2).sum(-1) + (b ** 2).sum(-1)) + 0.5
    return u2, v2, inside, consistent


def dis(scene, queries):
    """DIS flow both ways between consecutive frames; tracks chained through it, occlusion bits
    where the forward–backward check fails or the flow leaves the image. Also returns the flow
    time in ms per forward + backward pair."""
    frames = scene["frames"]
    t, h, w = frames.shape[:3]
    gray = [cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY) for frame in frames]
    flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    forward, backward = [], []
    start = time.perf_counter()
    for a, b in zip(gray, gray[1:]):
        forward.append(flow.calc(a, b, None))
        backward.append(flow.calc(b, a, None))
    ms_per_pair = (time.perf_counter() - start) * 1000 / (t - 1) if t > 1 else None

    n = len(queries)
    uv = np.full((n, t, 2), np.nan, np.float32)
    visible = np.zeros((n, t), np.uint8)
    uv[:, 0], visible[:, 0] = queries[:, 1:], 1
    occlusion = np.zeros((t, h, w), np.uint8)
    v, u = np.mgrid[0:h, 0:w] + 0.5
    for k in range(t - 1):
        # A track that leaves the image is lost for good: NaN and not visible from then on.
        alive = np.flatnonzero(np.isfinite(uv[:, k, 0]))
        u2, v2, inside, consistent = step(forward[k], backward[k], uv[alive, k, 0], uv[alive, k, 1])
        uv[alive[inside], k + 1] = np.stack([u2, v2], axis=1)[inside]
        visible[alive, k + 1] = inside & consistent
        # Bit 0: pixel of frame k not seen in k + 1; bit 1: pixel of frame k + 1 not seen in k.
        *_, inside, consistent = step(forward[k], backward[k], u, v)
        occlusion[k] |= (~(inside & consistent)).astype(np.uint8)
        *_, inside, consistent = step(backward[k], forward[k], u, v)
        occlusion[k + 1] |= (~(inside & consistent)).astype(np.uint8) << 1
    labels = {**constant_geometry(t, h, w), "occlusion": occlusion, "uv": uv, "visible": visible,
              "confidence": visible * np.uint8(255)}
    return labels, ms_per_pair


def fathom_engine(args, scene):
    """Labels the scene's video with `fathom label` into OUTDIR/fathom/<scene>/ and returns that
    directory: one clip of all the truth's frames, at the video's own size."""
    if scene["video"] is None:
        fail(f"method fathom labels videos, and there is no {scene['name']}.mp4 in {args.truth}; "
             f"write it with `fathom synth --scene {scene['name']} --out {args.truth}`")
    t, h, w = scene["frames"].shape[:3]
    out = args.out / "fathom" / scene["name"]
    shutil.rmtree(out, ignore_errors=True)
    run_fathom(args.fathom, "label", scene["video"], "--out", out, "--long-side", max(h, w), "--clip-frames", t,
               "--workers", args.threads)
    return out


# ---------------------------------------------------------------- output

def write_shard(path, method, settings, scenes, labels):
    """One fathom.shard/1 file with a clip `<scene>-<method>` per scene, written under a temporary
    name and renamed when complete, as the contract requires."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    frame_storage = {"shuffle": True, "compression": "gzip", "compression_opts": GZIP_LEVEL}
    producer = f"baselines.py {method}" + (f" (OpenCV {cv2.__version__})" if method == "dis" else "")
    with h5py.File(tmp, "w") as f:
        f.attrs.update({
            "schema": SCHEMA, "producer": producer, "job": "baselines",
            "shard_index": np.int64(0), "shard_count": np.int64(1),
            "config_sha256": hashlib.sha256(settings.encode()).hexdigest(),
            "created_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")})
        for scene, label in zip(scenes, labels):
            t, h, w = scene["frames"].shape[:3]
            clip = f.create_group(f"clips/{scene['name']}-{method}")
            clip.attrs.update({
                "source": f"{scene['name']}.mp4", "frame_count": np.int64(t), "height": np.int64(h),
                "width": np.int64(w), "reference_frame": np.int64(0), "fps": np.float64(scene["fps"]),
                "depth_units": "relative"})
            clip["frame_index"] = scene["frame_index"].astype(np.int64)
            clip["timestamp"] = scene["timestamp"].astype(np.float64)
            for name in ("depth", "depth_confidence", "occlusion"):
                clip.create_dataset(name, data=label[name], chunks=(1, h, w), **frame_storage)
            clip["camera/K"] = scene["K"]
            clip["camera/world_from_camera"] = label["world_from_camera"]
            clip["tracks/query"] = label["query"]
            clip["tracks/uv"] = label["uv"]
            if "xyz" in label:
                clip["tracks/xyz"] = label["xyz"]
            clip["tracks/visible"] = label["visible"]
            clip["tracks/confidence"] = label["confidence"]
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def cell(value):
    return f"{value:.3f}" if isinstance(value, (int, float)) and np.isfinite(value) else "—"


def print_table(results):
    """Rows method × scene plus a per-method overall (mean over clips); '—' where a figure does not apply."""
    headers = [c[0] for c in COLUMNS] + ["ms/pair"]
    print(f"{'method':<8} {'scene':<9}" + "".join(f"{h:>9}" for h in headers))
    for method, result in results.items():
        timing = result["timing"].get("flow_ms_per_pair", {})
        for clip in result["clips"]:
            scene = Path(clip["truth"]).stem
            figures = [(clip.get(group) or {}).get(key) for _, (group, key), _ in COLUMNS]
            print(f"{method:<8} {scene:<9}" + "".join(f"{cell(x):>9}" for x in figures + [timing.get(scene)]))
        overall = [result["overall"].get(key) for *_, key in COLUMNS]
        mean_ms = np.mean(list(timing.values())) if timing else None
        print(f"{method:<8} {'overall':<9}" + "".join(f"{cell(x):>9}" for x in overall + [mean_ms]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--truth", type=Path, required=True, help="directory of ground-truth shards from `fathom synth`")
    parser.add_argument("--out", type=Path, required=True, help="directory for OUTDIR/<method>.h5")
    parser.add_argument("--fathom", type=Path, default=default_fathom(), help="fathom binary (default: %(default)s)")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated subset of: " + ", ".join(METHODS))
    parser.add_argument("--spacing", type=int, default=8, help="pixels between track queries (default: 8)")
    parser.add_argument("--threads", type=int, default=1, help="OpenCV threads for the flow, and Fathom's engine workers (default: 1)")
    parser.add_argument("--json", action="store_true", help="print {method: eval report + timing} as JSON")
    args = parser.parse_args()

    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = sorted(set(methods) - set(METHODS))
    if unknown or not methods:
        fail(f"unknown method(s) {unknown or args.methods!r}; choose from {', '.join(METHODS)}")
    if args.spacing < 1:
        fail(f"--spacing must be at least 1 (got {args.spacing})")
    if not args.truth.is_dir():
        fail(f"truth directory {args.truth} does not exist; write it with `fathom synth --scene all --out {args.truth}`")
    truth_paths = sorted(args.truth.glob("*.h5"))
    if not truth_paths:
        fail(f"no *.h5 in {args.truth}; write ground truth with `fathom synth --scene all --out {args.truth}`")
    if not (args.fathom.is_file() and os.access(args.fathom, os.X_OK)):
        fail(f"fathom binary not found at {args.fathom}: build it with `swift build -c release` in {REPO} "
             "(or pass --fathom PATH)")
    cv2.setNumThreads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)

    scenes = [load_scene(path) for path in truth_paths]
    results = {}
    for method in methods:
        labels, timing = [], {"label_seconds": {}}
        if method == "fathom":
            for scene in scenes:
                start = time.perf_counter()
                fathom_engine(args, scene)
                timing["label_seconds"][scene["name"]] = time.perf_counter() - start
                print(f"baselines: fathom {scene['name']} ({timing['label_seconds'][scene['name']]:.1f} s)", file=sys.stderr)
            results[method] = {**json.loads(run_fathom(args.fathom, "eval", "--truth", args.truth, "--json", args.out / "fathom")),
                               "timing": timing}
            continue
        for scene in scenes:
            start = time.perf_counter()
            t, h, w = scene["frames"].shape[:3]
            queries = grid_queries(h, w, args.spacing)
            if method == "trivial":
                label = trivial(scene, queries)
            else:
                label, ms = dis(scene, queries)
                timing.setdefault("flow_ms_per_pair", {})[scene["name"]] = ms
                timing["threads"] = args.threads
            labels.append({**label, "query": queries})
            timing["label_seconds"][scene["name"]] = time.perf_counter() - start
            print(f"baselines: {method} {scene['name']} {w}×{h}×{t}, {len(queries)} tracks "
                  f"({timing['label_seconds'][scene['name']]:.1f} s)", file=sys.stderr)
        settings = f"baselines.py method={method} spacing={args.spacing}" + (
            " flow=DIS preset=medium fb=sundaram2010" if method == "dis" else "")
        shard = args.out / f"{method}.h5"
        write_shard(shard, method, settings, scenes, labels)
        run_fathom(args.fathom, "validate", shard)
        results[method] = {**json.loads(run_fathom(args.fathom, "eval", "--truth", args.truth, "--json", shard)),
                           "timing": timing}

    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print_table(results)


if __name__ == "__main__":
    main()
