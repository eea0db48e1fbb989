#!/usr/bin/env python3
"""OpenCV DIS optical flow (medium preset) on the frames `fathom-bench flow --export DIR` wrote:
forward + backward flow per consecutive pair, ms per pair (wall and CPU) at a given thread count,
and end-point error of the forward flow against the same exact flow Fathom is scored on.

    scripts/bench_dis_flow.py DIR --threads 1

Prints one JSON line per scene, like fathom-bench.
"""
import argparse
import glob
import json
import os
import time

import cv2
import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per scene; the fastest counts")
    args = parser.parse_args()
    cv2.setNumThreads(args.threads)
    for frames_path in sorted(glob.glob(os.path.join(args.directory, "*-frames.npy"))):
        prefix = frames_path[: -len("-frames.npy")]
        frames = np.load(frames_path)
        exact = np.load(prefix + "-flow.npy")
        dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
        best_wall, best_cpu = float("inf"), float("inf")
        for _ in range(args.repeat):
            forward = []
            wall, cpu = time.perf_counter(), time.process_time()
            for a, b in zip(frames[:-1], frames[1:]):
                forward.append(dis.calc(a, b, None))
                dis.calc(b, a, None)
            best_wall = min(best_wall, time.perf_counter() - wall)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        valid = np.isfinite(exact[..., 0])
        error = np.linalg.norm(np.stack(forward) - np.nan_to_num(exact), axis=-1)
        pairs = len(frames) - 1
        name, size = os.path.basename(prefix).rsplit("-", 1)
        width, height = map(int, size.split("x"))
        print(json.dumps({
            "benchmark": "flow", "method": "opencv-dis-medium", "scene": name, "width": width, "height": height,
            "threads": args.threads, "pairs": pairs, "ms_per_pair": best_wall / pairs * 1000,
            "cpu_ms_per_pair": best_cpu / pairs * 1000,
            "epe_all": float(np.mean([error[t][valid[t]].mean() for t in range(pairs)])),
        }, sort_keys=True))


if __name__ == "__main__":
    main()
