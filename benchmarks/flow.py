"""TV-L1 optical flow (TeSNet's OF stream, Huang & Bors 2020 section 2.3): pairs per second by backend, and the
TSN-layout JPEG writer and reader.

    python benchmarks/flow.py [--pairs 4] [--sizes 128x171 240x320] [--repeats 2]

Frames: a smooth random texture translated by (2, 1) pixels and rotated slightly per frame (uint8 RGB).
Prints one JSON line per case:

* ``tvl1_skimage`` / ``tvl1_opencv``: ``keras_stvideo.data.flow.TVL1(backend)`` on ``--pairs`` consecutive
  pairs (``opencv`` only where ``cv2.optflow`` is installed: ``opencv-contrib-python-headless``, not a
  dependency); ``pairs_per_s`` (wall, best of ``--repeats``), ``cpu_s_per_pair`` (process CPU time: OpenCV
  uses its own threads), ``median_flow`` (should be near (2, 1)) and ``speedup_vs_skimage`` at the same size;
* ``tsn_write`` / ``tsn_read``: ``write_flow_frames`` / ``read_flow_frames`` (two greyscale JPEGs per pair),
  pairs per second.

Each line carries the CPU (model, cores, AVX-512) and the 1-minute load average: the machine may be shared.
"""

import argparse
import json
import os
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from benchmarks.machine import cpu_description  # noqa: E402


def moving_frames(count, height, width, seed=0):
    """(count, H, W, 3) uint8: a smooth texture moving right by 2 and down by 1 pixel per frame."""
    from scipy.ndimage import gaussian_filter, shift

    rng = np.random.default_rng(seed)
    texture = gaussian_filter(rng.random((height + 2 * count + 8, width + 2 * count + 8)), 2.0)
    texture = (texture - texture.min()) / np.ptp(texture) * 255
    frames = [shift(texture, (t, 2 * t), order=1)[4 : 4 + height, 4 : 4 + width] for t in range(count)]
    return np.repeat(np.stack(frames).astype(np.uint8)[..., None], 3, axis=-1)


def time_best(function, repeats):
    """(best wall seconds, process CPU seconds of that run, result)."""
    best = (float("inf"), None, None)
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if wall < best[0]:
            best = (wall, cpu, result)
    return best


def tvl1_case(backend, frames, repeats):
    from keras_stvideo.data.flow import TVL1

    tvl1 = TVL1(backend)
    tvl1(frames[0], frames[1])  # warm up (OpenCV builds its object on the first call)
    wall, cpu, flows = time_best(lambda: [tvl1(frames[t], frames[t + 1]) for t in range(len(frames) - 1)], repeats)
    pairs = len(frames) - 1
    inner = np.stack(flows)[:, 8:-8, 8:-8].reshape(-1, 2)
    return {"pairs_per_s": round(pairs / wall, 3), "cpu_s_per_pair": round(cpu / pairs, 4),
            "median_flow": [round(float(v), 2) for v in np.median(inner, axis=0)]}, np.stack(flows)


def tsn_cases(flows, repeats):
    from keras_stvideo.data.flow import read_flow_frames, write_flow_frames

    with tempfile.TemporaryDirectory() as folder:
        target = pathlib.Path(folder) / "v"
        write, _, _ = time_best(lambda: write_flow_frames(flows, target), repeats)
        read, _, _ = time_best(lambda: read_flow_frames(target), repeats)
    return {"tsn_write": {"pairs_per_s": round(len(flows) / write, 1)},
            "tsn_read": {"pairs_per_s": round(len(flows) / read, 1)}}


def main():
    from keras_stvideo.data.flow import opencv_available

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--sizes", nargs="+", default=["128x171", "240x320"], help="HEIGHTxWIDTH")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    model, flags, _, cores = cpu_description()
    cpu = {"model": model, "cores": cores, "avx512": "avx512f" in flags}
    backends = ["skimage"] + (["opencv"] if opencv_available() else [])
    for size in args.sizes:
        height, width = (int(v) for v in size.split("x"))
        frames = moving_frames(args.pairs + 1, height, width)
        rates, flows = {}, None
        for backend in backends:
            result, computed = tvl1_case(backend, frames, args.repeats)
            flows = computed if flows is None else flows
            rates[backend] = result["pairs_per_s"]
            if backend != "skimage":
                result["speedup_vs_skimage"] = round(result["pairs_per_s"] / rates["skimage"], 2)
            print(json.dumps({"case": f"tvl1_{backend}", "size": [height, width], **result, "cpu": cpu,
                              "load_average": round(os.getloadavg()[0], 2)}), flush=True)
        for name, result in tsn_cases(flows, args.repeats).items():
            print(json.dumps({"case": name, "size": [height, width], **result, "cpu": cpu,
                              "load_average": round(os.getloadavg()[0], 2)}), flush=True)
    if "opencv" not in backends:
        print(json.dumps({"case": "tvl1_opencv", "skipped": "cv2.optflow not installed "
                          "(pip install opencv-contrib-python-headless)"}), flush=True)


if __name__ == "__main__":
    main()
