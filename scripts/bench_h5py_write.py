"""Reference point for the Swift shard writer: how fast does h5py write the same shard?

    python3 scripts/bench_h5py_write.py SHARD.h5 [--repeat 3] [--tmpdir DIR]

Reads every dataset and attribute of a Swift-written shard into memory, then rewrites it with
h5py using the same dtypes, chunk shapes and filters (shuffle + gzip at each source dataset's
level), timing the write from creating the file to having it on disk (close + fsync, as the Swift
writer does), best of --repeat. Prints one JSON line: writer, seconds, raw_bytes, file_bytes,
mb_per_s (raw MB/s, 1 MB = 1e6 bytes), frames, bytes_per_frame.
"""

import argparse
import json
import os
import tempfile
import time

import h5py

H5Z_FILTER_DEFLATE, H5Z_FILTER_SHUFFLE = 1, 2


def storage(ds):
    """h5py create_dataset keywords reproducing the source dataset's layout and filters."""
    plist = ds.id.get_create_plist()
    filters = {}
    for i in range(plist.get_nfilters()):
        code, _flags, values, _name = plist.get_filter(i)
        filters[code] = values
    unknown = set(filters) - {H5Z_FILTER_DEFLATE, H5Z_FILTER_SHUFFLE}
    if unknown:
        raise SystemExit(f"{ds.name}: filters {sorted(unknown)} are outside fathom.shard/1 (shuffle, deflate only)")
    options = {"chunks": ds.chunks, "shuffle": H5Z_FILTER_SHUFFLE in filters}
    if H5Z_FILTER_DEFLATE in filters:
        options.update(compression="gzip", compression_opts=int(filters[H5Z_FILTER_DEFLATE][0]))
    return options


def load(path):
    """The whole shard in memory: [(kind, name, attrs, data, storage)] in visiting order, groups
    before their members, so writing the list in order rebuilds the file."""
    items = []
    with h5py.File(path, "r") as f:
        items.append(("group", "/", dict(f.attrs), None, None))

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                items.append(("dataset", name, dict(obj.attrs), obj[()], storage(obj)))
            else:
                items.append(("group", name, dict(obj.attrs), None, None))

        f.visititems(visit)
    return items


def write(path, items):
    with h5py.File(path, "w") as f:
        for kind, name, attrs, data, options in items:
            obj = f.require_group(name) if kind == "group" else f.create_dataset(name, data=data, **options)
            for key, value in attrs.items():
                obj.attrs[key] = value
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shard")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tmpdir", help="where to write the copy (default: the system temp directory)")
    args = parser.parse_args()

    items = load(args.shard)
    raw_bytes = sum(data.nbytes for kind, _, _, data, _ in items if kind == "dataset")
    frames = sum(int(attrs["frame_count"]) for kind, name, attrs, _, _ in items
                 if kind == "group" and os.path.dirname(name) == "clips")

    best = float("inf")
    with tempfile.TemporaryDirectory(dir=args.tmpdir) as tmp:
        out = os.path.join(tmp, "bench.h5")
        for _ in range(max(1, args.repeat)):
            if os.path.exists(out):
                os.remove(out)
            start = time.perf_counter()
            write(out, items)
            best = min(best, time.perf_counter() - start)
        file_bytes = os.path.getsize(out)

    print(json.dumps({
        "writer": "h5py",
        "seconds": round(best, 6),
        "raw_bytes": raw_bytes,
        "file_bytes": file_bytes,
        "mb_per_s": round(raw_bytes / 1e6 / best, 3),
        "frames": frames,
        "bytes_per_frame": round(file_bytes / frames, 1) if frames else None,
    }))


if __name__ == "__main__":
    main()
