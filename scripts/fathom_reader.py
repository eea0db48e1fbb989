"""Read Fathom shards (`fathom.shard/1`) from Python training code.

Only h5py and numpy: a shard is plain HDF5 with shuffle + gzip, so nothing else is needed.
The layout and conventions are documented in Schemas/README.md; this module only maps names
to a dict per clip and keeps file handles safe across DataLoader worker processes.

    python3 scripts/fathom_reader.py SHARD.h5 [...]   # one summary line per clip
"""

import glob
import os
import sys

import h5py
import numpy as np

try:  # Subclassing torch's Dataset lets DataLoader and samplers accept FathomClips as is.
    from torch.utils.data import Dataset as _DatasetBase
except ImportError:
    _DatasetBase = object

SCHEMA = "fathom.shard/1"

# Clip dict key -> dataset path inside /clips/<clip_id>, in schema order. rgb and tracks/xyz are optional.
_DATASETS = {
    "frame_index": "frame_index",
    "timestamp": "timestamp",
    "rgb": "rgb",
    "depth": "depth",
    "depth_confidence": "depth_confidence",
    "occlusion": "occlusion",
    "K": "camera/K",
    "world_from_camera": "camera/world_from_camera",
    "track_query": "tracks/query",
    "track_uv": "tracks/uv",
    "track_xyz": "tracks/xyz",
    "track_visible": "tracks/visible",
    "track_confidence": "tracks/confidence",
}
_OPTIONAL = {"rgb", "track_xyz"}


def _attr_value(value):
    """Attributes as plain Python values: str for strings (bytes if a writer used fixed-length ones),
    int/float for scalars, so user code never sees numpy scalars or bytes."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.dtype.kind in "SO":
        return [_attr_value(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def open_shard(path):
    """Open a shard read-only, refusing files that are not `fathom.shard/1` (a wrong file would
    otherwise fail later with a confusing KeyError, or silently mean something else)."""
    f = h5py.File(path, "r")
    found = _attr_value(f.attrs["schema"]) if "schema" in f.attrs else None
    if found != SCHEMA:
        f.close()
        what = "no 'schema' attribute" if found is None else f"schema {found!r}"
        raise ValueError(f"{os.fspath(path)}: not a {SCHEMA} shard (found {what})")
    return f


def _read_clip(f, clip_id, rgb):
    """One clip of an open shard as a dict of numpy arrays with their stored dtypes."""
    group = f["clips"][clip_id]
    attrs = {name: _attr_value(value) for name, value in group.attrs.items()}
    clip = {
        "clip_id": clip_id,
        "source": attrs["source"],
        "frame_count": attrs["frame_count"],
        "height": attrs["height"],
        "width": attrs["width"],
        "reference_frame": attrs["reference_frame"],
        "fps": attrs["fps"],
        "depth_units": attrs["depth_units"],
        "attrs": attrs,
    }
    for key, name in _DATASETS.items():
        if key in _OPTIONAL and (name not in group or (key == "rgb" and not rgb)):
            continue
        clip[key] = group[name][()]
    return clip


def iter_clips(path, *, rgb=True):
    """Yield every clip of one shard, in sorted clip id order. rgb=False skips the largest dataset."""
    with open_shard(path) as f:
        for clip_id in sorted(f["clips"]):
            yield _read_clip(f, clip_id, rgb)


def list_clips(paths):
    """[(path, clip_id)] for the given shards: files in the given order, clip ids sorted within a
    file, so an index into this list means the same clip on every run and in every process."""
    index = []
    for path in paths:
        with open_shard(path) as f:
            index.extend((path, clip_id) for clip_id in sorted(f["clips"]))
    return index


# (pid, path) -> open h5py.File. Keyed by pid because an HDF5 handle inherited through fork shares
# library state with the parent and must not be used; each process opens its own on first use.
_HANDLES = {}


def _handle(path):
    key = (os.getpid(), path)
    f = _HANDLES.get(key)
    if f is None:
        f = _HANDLES[key] = open_shard(path)
    return f


class FathomClips(_DatasetBase):
    """Map-style dataset of clips over shard files (or a directory of *.h5).

    Only the (path, clip_id) index is held on the object, so it pickles cleanly to DataLoader
    workers; files are opened lazily, once per file per process (see _HANDLES).
    """

    def __init__(self, paths, *, rgb=True, transform=None):
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        files = []
        for p in map(os.fspath, paths):
            files.extend(sorted(glob.glob(os.path.join(p, "*.h5"))) if os.path.isdir(p) else [p])
        self.index = list_clips([os.path.abspath(p) for p in files])
        self.rgb = rgb
        self.transform = transform

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        path, clip_id = self.index[i]
        clip = _read_clip(_handle(path), clip_id, self.rgb)
        return self.transform(clip) if self.transform is not None else clip


def _summary(path, f, clip_id):
    """One line per clip from attributes and shapes only, so summarising a shard reads no pixels."""
    g = f["clips"][clip_id]
    a = {name: _attr_value(value) for name, value in g.attrs.items()}
    extras = ("+rgb" if "rgb" in g else "") + ("+xyz" if "tracks/xyz" in g else "")
    return (f"{path} {clip_id} T={a['frame_count']} {a['width']}x{a['height']} fps={a['fps']:g} "
            f"depth={g['depth'].dtype}/{a['depth_units']} tracks={g['tracks/query'].shape[0]}{extras} "
            f"ref={a['reference_frame']} source={a['source']}")


def main(argv):
    if not argv:
        print("usage: fathom_reader.py SHARD.h5 [SHARD.h5 ...]", file=sys.stderr)
        return 2
    for path in argv:
        with open_shard(path) as f:
            for clip_id in sorted(f["clips"]):
                print(_summary(path, f, clip_id))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
