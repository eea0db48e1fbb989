"""scripts/baselines.py end to end: renders a tiny truth set with the Swift binary, labels it with
both baselines and with Fathom's engine, and checks the shards validate and the scores say what the
methods are.

    FATHOM_BIN=/path/to/fathom python3 -m pytest -q Tests/python/test_baselines.py

The binary ($FATHOM_BIN, default <repo>/.build/debug/fathom) must have `synth`, `label`, `validate`
and `eval`. A missing binary or OpenCV fails the tests rather than skipping them.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "baselines.py"
SCENES = ["dynamic", "fast", "lowtex", "orbit", "pan", "tripod"]
FRAMES, WIDTH, HEIGHT = 6, 64, 48


def fathom_bin():
    binary = Path(os.environ.get("FATHOM_BIN", REPO / ".build" / "debug" / "fathom"))
    if not binary.is_file():
        pytest.fail(f"fathom binary not found at {binary}: run `swift build` in {REPO} "
                    "or set FATHOM_BIN to the built executable", pytrace=False)
    return binary


def run(cmd):
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {done.returncode}\n{done.stdout}\n{done.stderr}", pytrace=False)
    return done.stdout


def baselines(truth, out, *extra):
    """Runs the script with --json and returns {method: {scene: clip scores}, ...} plus the raw report."""
    report = json.loads(run([sys.executable, SCRIPT, "--truth", truth, "--out", out, "--fathom", fathom_bin(), "--json", *extra]))
    clips = {method: {Path(c["truth"]).stem: c for c in result["clips"]} for method, result in report.items()}
    return clips, report


@pytest.fixture(scope="module")
def truth(tmp_path_factory):
    directory = tmp_path_factory.mktemp("truth")
    run([fathom_bin(), "synth", "--scene", "all", "--width", WIDTH, "--height", HEIGHT, "--frames", FRAMES, "--out", directory])
    return directory


@pytest.fixture(scope="module")
def result(truth, tmp_path_factory):
    out = tmp_path_factory.mktemp("baselines")
    clips, report = baselines(truth, out)
    return out, clips, report


def test_both_shards_validate_and_follow_the_contract(result):
    out, _, _ = result
    shards = [out / "trivial.h5", out / "dis.h5"]
    run([fathom_bin(), "validate", *shards])  # together: clip ids must also be unique across files
    for shard in shards:
        with h5py.File(shard, "r") as f:
            assert f.attrs["schema"] == "fathom.shard/1"
            assert sorted(f["clips"]) == [f"{scene}-{shard.stem}" for scene in SCENES]
            clip = f["clips/orbit-" + shard.stem]
            assert clip.attrs["source"] == "orbit.mp4" and clip.attrs["depth_units"] == "relative"
            assert clip["depth"].dtype == np.float16 and clip["depth"].chunks == (1, HEIGHT, WIDTH)
            # Queries: frame 0, every 8 px from 4, at pixel centres.
            assert clip["tracks/query"].shape == (6 * 8, 3)
            np.testing.assert_array_equal(clip["tracks/query"][:2], [[0, 4.5, 4.5], [0, 12.5, 4.5]])
            assert ("tracks/xyz" in clip) == (shard.stem == "trivial")
    assert not list(out.glob("*.tmp-*")), "temporary shard files left behind"


def test_dis_tracks_beat_static_tracks_where_things_move(result):
    _, clips, _ = result
    for scene in ("orbit", "pan"):
        trivial, dis = clips["trivial"][scene]["tracks_2d"]["delta_avg"], clips["dis"][scene]["tracks_2d"]["delta_avg"]
        assert trivial < dis, f"{scene}: static tracks δ_avg {trivial:.3f} not below DIS {dis:.3f}"


def test_trivial_occlusion_accuracy_is_the_visible_fraction(truth, tmp_path):
    """Predicting 'visible' everywhere scores OA = the fraction of truth-visible points. At spacing 16
    the baselines' queries are exactly the truth's own frame-0 queries, so that fraction can be read
    from the truth shard's tracks (query frame excluded, as TAP-Vid does)."""
    clips, _ = baselines(truth, tmp_path, "--methods", "trivial", "--spacing", "16")
    with h5py.File(truth / "pan.h5", "r") as f:
        tracks = next(iter(f["clips"].values()))["tracks"]
        from_frame0 = tracks["query"][:, 0] == 0
        expected = tracks["visible"][from_frame0, 1:].mean()
    assert 0 < expected < 1, "pan should move some points out of view"
    assert clips["trivial"]["pan"]["tracks_2d"]["occlusion_accuracy"] == pytest.approx(expected, abs=1e-12)


def test_dis_occlusion_accuracy_at_least_half_everywhere(result):
    _, clips, _ = result
    assert sorted(clips["dis"]) == SCENES
    for scene, clip in clips["dis"].items():
        assert clip["tracks_2d"]["occlusion_accuracy"] >= 0.5, scene


def test_report_carries_flow_timing_and_constant_geometry(result):
    _, clips, report = result
    timing = report["dis"]["timing"]
    assert timing["threads"] == 1 and sorted(timing["flow_ms_per_pair"]) == SCENES
    assert all(ms > 0 for ms in timing["flow_ms_per_pair"].values())
    # Both methods claim depth 1 everywhere (confidence 0) and identity cameras: same depth scores.
    for scene in SCENES:
        assert clips["dis"][scene]["depth"]["abs_rel"] == clips["trivial"][scene]["depth"]["abs_rel"]
        assert clips["trivial"][scene]["depth"]["coverage"] == 1
        assert clips["trivial"][scene]["depth"]["confident_coverage"] == 0


def test_fathom_row_is_the_engine_on_the_same_videos(result):
    """The `fathom` method labels every scene's video with `fathom label`, one clip each, scored
    by the same script as the references, and its tracks follow the motion the static ones miss."""
    out, clips, report = result
    assert sorted(clips["fathom"]) == SCENES
    assert sorted(p.name for p in (out / "fathom").iterdir()) == SCENES
    overall = {method: report[method]["overall"] for method in report}
    assert overall["fathom"]["tracks_2d.delta_avg"] > overall["trivial"]["tracks_2d.delta_avg"]
