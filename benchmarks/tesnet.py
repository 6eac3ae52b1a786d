"""TeSNet speed on CPU: the TS layer's cost against the backbone, clip throughput, TV-L1 flow frames per second.

    python benchmarks/tesnet.py [--cases ts throughput flow] [--input-size 299] [--repeats 3]

Prints one JSON line per case; every ratio's baseline is measured in the same run:

* ``ts``: one TS layer after the input (K = 10, D = 3) at the input size, forward,
  against Inception-ResNet-V2's forward on its D = 3 frames (the issue's target: <= 5%).
* ``throughput``: clips per second of ``build_tesnet`` settings 1 and 5 (forward,
  batch 1, K = 10), the same process, the same input size.
* ``flow``: TV-L1 frames per second of scikit-image and, where installed, OpenCV
  contrib, on the same frame pairs, and the UCF101 time that rate implies
  (13,320 videos, about 2.48 M frames at 320 x 240).
"""

import argparse
import json
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from keras_stvideo.utils.quiet import quiet_tensorflow  # noqa: E402  (imports no TensorFlow)

quiet_tensorflow()  # no TensorFlow C++ log lines between the JSON lines

import keras  # noqa: E402
import numpy as np  # noqa: E402

UCF101_FRAMES = 2_484_700  # ~13,320 videos x ~186.5 frames (Soomro et al. 2012: 27 hours at 25 fps)


def timed(function, repeats):
    function()  # warm up / trace
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def case_ts(size, repeats):
    import tensorflow as tf

    from keras_stvideo.layers import TemporalSqueeze

    x = tf.constant(np.random.default_rng(0).uniform(-1, 1, (1, 10, size, size, 3)).astype("float32"))
    ts = TemporalSqueeze(3)
    backbone = keras.applications.InceptionResNetV2(include_top=False, weights=None, input_shape=(size, size, 3))
    ts_call = tf.function(lambda v: ts(v))
    backbone_call = tf.function(lambda v: backbone(v, training=False))
    frames = tf.reshape(ts_call(x), (3, size, size, 3))
    ts_time = timed(lambda: ts_call(x).numpy(), repeats)
    backbone_time = timed(lambda: backbone_call(frames).numpy(), repeats)
    return {"case": "ts_layer_vs_backbone", "input_size": size, "K": 10, "D": 3, "ts_s": ts_time,
            "backbone_on_D_frames_s": backbone_time, "ratio": ts_time / backbone_time, "target_ratio": 0.05}


def case_throughput(size, repeats):
    import tensorflow as tf

    from keras_stvideo.models.tesnet.tesnet_classifier import build_tesnet

    x = tf.constant(np.random.default_rng(0).uniform(0, 255, (1, 10, size, size, 3)).astype("float32"))
    rows = []
    for setting in (1, 5):
        model = build_tesnet(101, frames=10, setting=setting, input_size=size)
        call = tf.function(lambda v, m=model: m(v, training=False))
        seconds = timed(lambda: call(x).numpy(), repeats)
        rows.append({"case": "clip_throughput", "setting": setting, "input_size": size, "K": 10, "batch": 1,
                     "clips_per_s": 1.0 / seconds})
    rows[1]["relative_to_setting1"] = rows[1]["clips_per_s"] / rows[0]["clips_per_s"]
    return rows


def case_flow(repeats, pairs=4, height=240, width=320):
    from keras_stvideo.data.flow import TVL1, opencv_available
    from keras_stvideo.reproductions.tesnet.quick_data import DIRECTIONS, moving_square_video

    video = moving_square_video(np.random.default_rng(0), DIRECTIONS[2], frames=pairs + 1, height=height,
                                width=width, side=48, speed=3)
    rows = []
    for backend in ("skimage", "opencv"):
        if backend == "opencv" and not opencv_available():
            rows.append({"case": "tvl1_flow", "backend": backend, "available": False,
                         "note": "pip install opencv-contrib-python-headless"})
            continue
        tvl1 = TVL1(backend)
        seconds = timed(lambda: [tvl1(video[t], video[t + 1]) for t in range(pairs)], max(1, repeats - 1))
        fps = pairs / seconds
        rows.append({"case": "tvl1_flow", "backend": backend, "available": True, "frame_size": [height, width],
                     "frames_per_s": fps, "ucf101_hours_one_process": UCF101_FRAMES / fps / 3600})
    if len(rows) == 2 and rows[1]["available"]:
        rows[1]["speedup_vs_skimage"] = rows[1]["frames_per_s"] / rows[0]["frames_per_s"]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", default=["ts", "throughput", "flow"],
                        choices=("ts", "throughput", "flow"))
    parser.add_argument("--input-size", type=int, default=299, help="the paper's 299 (section 3.1)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for case in args.cases:
        if case == "ts":
            rows = [case_ts(args.input_size, args.repeats)]
        elif case == "throughput":
            rows = case_throughput(args.input_size, args.repeats)
        else:
            rows = case_flow(args.repeats)
        for row in rows:
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
