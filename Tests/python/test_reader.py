"""Cross-language check of the fathom.shard/1 contract: the Swift tool writes a shard, Python reads it.

Runs `fathom synth` (the binary in $FATHOM_BIN, default <repo>/.build/debug/fathom) into a temp
directory and checks the file against Schemas/fathom.shard-1.json and the conventions in
Schemas/README.md, then checks scripts/fathom_reader.py returns exactly what h5py reads directly.

    swift build && python3 -m pytest Tests/python -q
    FATHOM_BIN=/path/to/fathom python3 -m pytest Tests/python -q

A missing binary fails the tests (it does not skip them): a skipped contract test is a silently
unchecked contract.
"""

import hashlib
import json
import multiprocessing
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import fathom_reader  # noqa: E402

CONTRACT = json.loads((REPO / "Schemas" / "fathom.shard-1.json").read_text())
DATASETS = {d["path"]: d for d in CONTRACT["datasets"]}
TOL = CONTRACT["tolerances"]
H5Z_FILTER_DEFLATE, H5Z_FILTER_SHUFFLE = 1, 2
FRAMES, WIDTH, HEIGHT = 6, 64, 48


def synth(out_dir, *extra):
    """Run `fathom synth` into out_dir and return the one shard it wrote."""
    binary = Path(os.environ.get("FATHOM_BIN", REPO / ".build" / "debug" / "fathom"))
    if not binary.is_file():
        pytest.fail(f"fathom binary not found at {binary}: run `swift build` in {REPO} "
                    "or set FATHOM_BIN to the built executable", pytrace=False)
    cmd = [str(binary), "synth", "--scene", "orbit", "--frames", str(FRAMES),
           "--width", str(WIDTH), "--height", str(HEIGHT), "--out", str(out_dir), *extra]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} exited {run.returncode}\n{run.stdout}\n{run.stderr}", pytrace=False)
    shards = sorted(Path(out_dir).glob("*.h5"))
    assert len(shards) == 1, f"expected exactly one *.h5 in {out_dir}, found {[s.name for s in shards]}"
    return shards[0]


@pytest.fixture(scope="module")
def shard(tmp_path_factory):
    return synth(tmp_path_factory.mktemp("synth"))


@pytest.fixture(scope="module")
def shard_f32(tmp_path_factory):
    return synth(tmp_path_factory.mktemp("synth_f32"), "--depth-dtype", "float32")


@pytest.fixture(scope="module")
def shard_no_rgb(tmp_path_factory):
    return synth(tmp_path_factory.mktemp("synth_no_rgb"), "--no-rgb")


def clip_groups(f):
    return [f["clips"][c] for c in sorted(f["clips"])]


def dims(group):
    """The schema's named dimensions for one clip."""
    return {"T": int(group.attrs["frame_count"]), "H": int(group.attrs["height"]),
            "W": int(group.attrs["width"]), "N": group["tracks/query"].shape[0]}


def attr_ok(value, kind):
    """Does an attribute value have the schema type as h5py returns it?"""
    return {"string": lambda v: isinstance(v, str),
            "int": lambda v: isinstance(v, np.int64),
            "float": lambda v: isinstance(v, np.float64)}[kind](value)


def arrays_equal(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(
        a, b, equal_nan=a.dtype.kind == "f")


def clip_checksum(clip):
    h = hashlib.sha256()
    for key in sorted(clip):
        if isinstance(clip[key], np.ndarray):
            h.update(key.encode() + str(clip[key].dtype).encode() + clip[key].tobytes())
    return h.hexdigest()


# --- the file, read with plain h5py -------------------------------------------------------------


def test_root_attributes(shard):
    with h5py.File(shard, "r") as f:
        assert f.attrs["schema"] == fathom_reader.SCHEMA == CONTRACT["schema"]
        for spec in CONTRACT["root_attributes"]:
            value = f.attrs[spec["name"]]
            assert attr_ok(value, spec["type"]), f"root attribute {spec['name']}: {value!r} is not {spec['type']}"
            if "pattern" in spec:
                assert re.fullmatch(spec["pattern"], value), f"{spec['name']}={value!r}"
        assert 0 <= f.attrs["shard_index"] < f.attrs["shard_count"]


def test_clip_attributes(shard):
    with h5py.File(shard, "r") as f:
        groups = clip_groups(f)
        assert groups, "shard has no clips"
        for g in groups:
            for spec in CONTRACT["clip_attributes"]:
                value = g.attrs[spec["name"]]
                assert attr_ok(value, spec["type"]), f"{g.name}@{spec['name']}: {value!r} is not {spec['type']}"
            contract_names = {spec["name"] for spec in CONTRACT["clip_attributes"]}
            for name, value in g.attrs.items():  # the rest are quality figures: float64 or string
                if name not in contract_names:
                    assert isinstance(value, (str, np.float64)), f"{g.name}@{name}: {type(value).__name__}"
            d = dims(g)
            assert (d["T"], d["H"], d["W"]) == (FRAMES, HEIGHT, WIDTH)
            assert 0 <= g.attrs["reference_frame"] < d["T"]
            assert g.attrs["fps"] > 0
            assert g.attrs["depth_units"] in ("relative", "metric")


def test_dtypes_and_shapes_follow_schema(shard):
    with h5py.File(shard, "r") as f:
        for g in clip_groups(f):
            d = dims(g)
            assert d["N"] > 0, "synthetic scene should have tracks"
            for path, spec in DATASETS.items():
                if path not in g:
                    assert not spec["required"], f"{g.name}/{path} missing"
                    continue
                ds = g[path]
                assert str(ds.dtype) in spec["dtypes"], f"{ds.name}: dtype {ds.dtype}, schema {spec['dtypes']}"
                want = tuple(d[s] if isinstance(s, str) else s for s in spec["shape"])
                assert ds.shape == want, f"{ds.name}: shape {ds.shape}, want {want}"


def test_synth_defaults_and_options(shard, shard_f32, shard_no_rgb):
    with h5py.File(shard, "r") as f:
        for g in clip_groups(f):
            assert g["depth"].dtype == np.float16 and g["depth"][()].dtype == np.float16
            assert "rgb" in g and "tracks/xyz" in g
            # Stored as the IEEE half type h5py itself creates (sign 15, exponent 10..14, mantissa 0..9,
            # bias 15), so other HDF5 readers see the same bits, not just h5py's converted values.
            t = g["depth"].id.get_type()
            assert (t.get_size(), t.get_fields(), t.get_ebias()) == (2, (15, 10, 5, 0, 10), 15)
    with h5py.File(shard_f32, "r") as f:
        for g in clip_groups(f):
            assert g["depth"].dtype == np.float32 and g["depth"][()].dtype == np.float32
    with h5py.File(shard_no_rgb, "r") as f:
        for g in clip_groups(f):
            assert "rgb" not in g
            assert "depth" in g


def filter_ids(ds):
    plist = ds.id.get_create_plist()
    return [plist.get_filter(i)[0] for i in range(plist.get_nfilters())]


@pytest.mark.parametrize("which", ["default", "f32"])
def test_storage_chunking_and_filters(which, shard, shard_f32):
    with h5py.File(shard if which == "default" else shard_f32, "r") as f:
        for g in clip_groups(f):
            d = dims(g)
            for path, spec in DATASETS.items():
                if path not in g:
                    continue
                ds = g[path]
                ids = filter_ids(ds)
                assert set(ids) <= {H5Z_FILTER_DEFLATE, H5Z_FILTER_SHUFFLE}, f"{ds.name}: filters {ids}"
                if spec.get("chunk") != "frame":
                    continue
                assert ds.chunks == (1, d["H"], d["W"], *spec["shape"][3:]), f"{ds.name}: chunks {ds.chunks}"
                assert ds.compression == "gzip" and ds.shuffle, f"{ds.name}: {ds.compression}, shuffle={ds.shuffle}"
                # Shuffle only helps when it runs before deflate.
                assert ids == [H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE], f"{ds.name}: filter order {ids}"
                assert 1 <= ds.compression_opts <= 9


def test_frames(shard):
    with h5py.File(shard, "r") as f:
        for g in clip_groups(f):
            frame_index, timestamp = g["frame_index"][()], g["timestamp"][()]
            assert frame_index[0] >= 0 and np.all(np.diff(frame_index) > 0)
            assert np.all(np.isfinite(timestamp)) and np.all(np.diff(timestamp) >= 0)


def test_cameras(shard):
    with h5py.File(shard, "r") as f:
        for g in clip_groups(f):
            d, ref = dims(g), int(g.attrs["reference_frame"])
            K, M = g["camera/K"][()].astype(np.float64), g["camera/world_from_camera"][()].astype(np.float64)
            assert np.all(np.isfinite(K)) and np.all(K[:, 0, 0] > 0) and np.all(K[:, 1, 1] > 0)
            assert np.all(K[:, 1, 0] == 0) and np.all(K[:, 2] == [0, 0, 1])
            assert np.all((K[:, 0, 2] > 0) & (K[:, 0, 2] < d["W"]) & (K[:, 1, 2] > 0) & (K[:, 1, 2] < d["H"])), \
                "principal point outside the image"
            np.testing.assert_allclose(M[ref], np.eye(4), atol=1e-6, err_msg="world_from_camera[reference_frame]")
            R = M[:, :3, :3]
            np.testing.assert_allclose(R @ R.transpose(0, 2, 1), np.broadcast_to(np.eye(3), R.shape),
                                       atol=TOL["rotation_orthonormality"])
            np.testing.assert_allclose(np.linalg.det(R), 1.0, atol=TOL["rotation_determinant"])
            assert np.all(M[:, 3] == [0, 0, 0, 1]) and np.all(np.isfinite(M[:, :3, 3]))
            assert np.linalg.norm(M[:, :3, 3] - M[ref, :3, 3], axis=1).max() > 0, "orbit camera never moves"


def test_depth_and_occlusion(shard):
    with h5py.File(shard, "r") as f:
        for g in clip_groups(f):
            depth, conf, occ = g["depth"][()], g["depth_confidence"][()], g["occlusion"][()]
            assert np.all(np.isnan(depth) | (depth >= 0)), "negative or infinite depth"
            assert np.all(np.isfinite(depth[conf > 0]) & (depth[conf > 0] > 0)), "bad depth where confidence > 0"
            assert np.all(conf[np.isnan(depth)] == 0), "confidence must be 0 where depth is NaN"
            assert (conf > 0).any(), "no confident depth at all"
            assert np.all(occ & ~np.uint8(3) == 0), "reserved occlusion bits set"
            assert np.all(occ[-1] & 1 == 0) and np.all(occ[0] & 2 == 0)


def test_tracks(shard):
    with h5py.File(shard, "r") as f:
        for g in clip_groups(f):
            d = dims(g)
            query, uv = g["tracks/query"][()], g["tracks/uv"][()]
            visible, conf = g["tracks/visible"][()], g["tracks/confidence"][()]
            assert set(np.unique(visible)) <= {0, 1}
            t_src = query[:, 0]
            assert np.all((t_src >= 0) & (t_src < d["T"]) & (t_src == np.round(t_src)))
            assert np.all(np.isfinite(query[:, 1:]))
            n = np.arange(d["N"])
            src = t_src.astype(int)
            np.testing.assert_allclose(uv[n, src], query[:, 1:], atol=1e-3,
                                       err_msg="a track must pass through its query pixel at t_src")
            assert np.all(visible[n, src] == 1), "a query point is visible in its own frame"
            assert np.all(conf[np.isnan(uv).any(axis=-1)] == 0), "confidence must be 0 where uv is NaN"


def test_ground_truth_geometry_is_consistent(shard):
    """Projecting tracks/xyz with K and camera_from_world must land on tracks/uv, at the z-depth stored
    in `depth`: this pins the transform direction, the pixel-centre convention and z- (not ray-)depth."""
    with h5py.File(shard, "r") as f:
        for g in clip_groups(f):
            d = dims(g)
            K, M = g["camera/K"][()].astype(np.float64), g["camera/world_from_camera"][()].astype(np.float64)
            xyz, uv = g["tracks/xyz"][()].astype(np.float64), g["tracks/uv"][()].astype(np.float64)
            visible, depth = g["tracks/visible"][()], g["depth"][()].astype(np.float64)
            rel_errors = []
            for t in range(d["T"]):
                seen = (visible[:, t] == 1) & np.isfinite(xyz[:, t]).all(axis=1)
                p = xyz[seen, t] @ np.linalg.inv(M[t])[:3, :3].T + np.linalg.inv(M[t])[:3, 3]
                assert np.all(p[:, 2] > 0), f"frame {t}: a visible track point is behind the camera"
                proj = p @ K[t].T
                np.testing.assert_allclose(proj[:, :2] / proj[:, 2:], uv[seen, t], atol=1e-2,
                                           err_msg=f"frame {t}: K·camera_from_world·xyz != uv")
                rel_errors += list(np.abs(bilinear(depth[t], uv[seen, t]) - p[:, 2]) / p[:, 2])
            rel_errors = np.array(rel_errors)
            rel_errors = rel_errors[np.isfinite(rel_errors)]
            assert len(rel_errors) >= 5, "too few visible track samples to compare with depth"
            assert np.median(rel_errors) < 0.01, f"track z vs depth map: median relative error {np.median(rel_errors):.4f}"


def bilinear(image, uv):
    """Sample image at pixel positions uv, with pixel (i, j) centred at (j + 0.5, i + 0.5)."""
    H, W = image.shape
    x = np.clip(uv[:, 0] - 0.5, 0, W - 1)
    y = np.clip(uv[:, 1] - 0.5, 0, H - 1)
    x0, y0 = np.minimum(np.floor(x).astype(int), W - 2), np.minimum(np.floor(y).astype(int), H - 2)
    fx, fy = x - x0, y - y0
    return ((1 - fy) * ((1 - fx) * image[y0, x0] + fx * image[y0, x0 + 1])
            + fy * ((1 - fx) * image[y0 + 1, x0] + fx * image[y0 + 1, x0 + 1]))


# --- the reader ---------------------------------------------------------------------------------


def direct_arrays(path, clip_id):
    """What the reader should return, read with nothing but h5py."""
    with h5py.File(path, "r") as f:
        g = f["clips"][clip_id]
        return {key: g[name][()] for key, name in fathom_reader._DATASETS.items() if name in g}


def test_iter_clips_matches_h5py(shard):
    clips = list(fathom_reader.iter_clips(shard))
    with h5py.File(shard, "r") as f:
        assert [c["clip_id"] for c in clips] == sorted(f["clips"])
        group_attrs = {c: dict(f["clips"][c].attrs) for c in f["clips"]}
    for clip in clips:
        want = direct_arrays(shard, clip["clip_id"])
        assert "rgb" in clip and "track_xyz" in clip
        for key, value in want.items():
            assert arrays_equal(clip[key], value), key
        assert clip["depth"].dtype == np.float16
        attrs = group_attrs[clip["clip_id"]]
        assert clip["attrs"].keys() == attrs.keys()
        for name in ("source", "depth_units"):
            assert type(clip[name]) is str and clip[name] == attrs[name]
        for name in ("frame_count", "height", "width", "reference_frame"):
            assert type(clip[name]) is int and clip[name] == attrs[name]
        assert type(clip["fps"]) is float and clip["fps"] == attrs["fps"]
        assert all(not isinstance(v, bytes) for v in clip["attrs"].values())
    assert all("rgb" not in c for c in fathom_reader.iter_clips(shard, rgb=False))


def test_reader_options(shard_f32, shard_no_rgb):
    assert all(c["depth"].dtype == np.float32 for c in fathom_reader.iter_clips(shard_f32))
    assert all("rgb" not in c and "depth" in c for c in fathom_reader.iter_clips(shard_no_rgb))


def test_list_clips_order(shard, shard_f32):
    with h5py.File(shard, "r") as f:
        ids = sorted(f["clips"])
    with h5py.File(shard_f32, "r") as f:
        ids_f32 = sorted(f["clips"])
    assert fathom_reader.list_clips([shard_f32, shard]) == \
        [(shard_f32, c) for c in ids_f32] + [(shard, c) for c in ids]


def test_fathom_clips_matches_h5py(shard):
    ds = fathom_reader.FathomClips(shard.parent)  # a directory: globbed for *.h5
    assert len(ds) == len(fathom_reader.list_clips([shard]))
    for i in range(len(ds)):
        path, clip_id = ds.index[i]
        assert Path(path) == shard.resolve()
        item = ds[i]
        assert item["clip_id"] == clip_id
        for key, value in direct_arrays(shard, clip_id).items():
            assert arrays_equal(item[key], value), key
    shapes = fathom_reader.FathomClips([shard], rgb=False, transform=lambda c: c["depth"].shape)
    assert shapes[0] == (FRAMES, HEIGHT, WIDTH)


def test_fathom_clips_survives_pickle(shard):
    ds = fathom_reader.FathomClips([shard])
    before = clip_checksum(ds[0])  # the parent now holds an open handle
    copy = pickle.loads(pickle.dumps(ds))
    assert len(copy) == len(ds)
    assert clip_checksum(copy[0]) == before


def _checksum_in_child(ds, conn):
    """Runs in a forked child: read through the dataset inherited from the parent."""
    try:
        pid = os.getpid()
        conn.send((clip_checksum(ds[0]), [k for k in fathom_reader._HANDLES if k[0] == pid]))
    except BaseException as e:  # report rather than die silently
        conn.send(("error", repr(e)))
    finally:
        conn.close()


def test_fathom_clips_after_fork(shard):
    ds = fathom_reader.FathomClips([shard])
    before = clip_checksum(ds[0])  # open in the parent first, as a DataLoader's main process might
    ctx = multiprocessing.get_context("fork")
    parent_end, child_end = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_checksum_in_child, args=(ds, child_end))
    child.start()
    child_end.close()
    assert parent_end.poll(120), "forked child did not answer"
    checksum, child_handles = parent_end.recv()
    child.join(60)
    assert checksum != "error", child_handles
    assert checksum == before
    assert child_handles == [(child.pid, ds.index[0][0])], "the child must open its own handle"
    assert child.exitcode == 0
    assert clip_checksum(ds[0]) == before  # the parent's handle still works


def test_wrong_schema_is_refused(tmp_path):
    wrong = tmp_path / "wrong-schema.h5"
    with h5py.File(wrong, "w") as f:
        f.attrs["schema"] = "fathom.shard/0"
        f.create_group("clips")
    with pytest.raises(ValueError, match=re.escape(str(wrong))) as err:
        fathom_reader.open_shard(wrong)
    assert "fathom.shard/0" in str(err.value)
    missing = tmp_path / "no-schema.h5"
    h5py.File(missing, "w").close()
    with pytest.raises(ValueError, match=re.escape(str(missing))):
        list(fathom_reader.iter_clips(missing))
    with pytest.raises(ValueError, match=re.escape(str(wrong))):
        fathom_reader.FathomClips([wrong])


def test_command_line_summary(shard):
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "fathom_reader.py"), str(shard)],
                         capture_output=True, text=True, check=True)
    lines = run.stdout.splitlines()
    assert len(lines) == len(fathom_reader.list_clips([shard]))
    assert all(line.startswith(str(shard)) and f"T={FRAMES} {WIDTH}x{HEIGHT}" in line for line in lines)
