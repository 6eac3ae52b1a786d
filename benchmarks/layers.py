"""Forward + backward step time of the geometric layers against a plain Conv2D of the same shapes.

Prints one JSON line per case with the ratio to the Conv2D baseline measured in
the same run (paper 002 sizes: 64 x 64 maps, 20 -> 50 channels, 5 x 5 kernels).

    python benchmarks/layers.py [--batch 32] [--repeats 5]
"""

import argparse
import json
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_stvideo.layers import ConvOffset2D, DeformableConv2D, SpatialTransformer  # noqa: E402


def step_time(layer, x, repeats):
    layer(x)  # build
    weights = layer.trainable_weights

    @tf.function
    def step(inputs):
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            loss = tf.reduce_sum(tf.square(layer(inputs)))
        return tape.gradient(loss, [inputs] + weights)

    step(x)  # trace
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        [g.numpy() for g in step(x)]
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x20 = tf.constant(rng.random((args.batch, 64, 64, 20)).astype("float32"))
    x1 = tf.constant(rng.random((args.batch, 64, 64, 1)).astype("float32"))
    baseline = step_time(keras.layers.Conv2D(50, 5, padding="same"), x20, args.repeats)
    cases = [
        ("conv2d_5x5_20to50", keras.layers.Conv2D(50, 5, padding="same"), x20),
        ("deformable_conv2d_5x5_20to50", DeformableConv2D(50, 5, padding="same"), x20),
        ("conv_offset2d_20ch_then_conv2d", keras.Sequential([ConvOffset2D(20), keras.layers.Conv2D(50, 5, padding="same")]), x20),
        ("spatial_transformer_64to32", SpatialTransformer(output_size=(32, 32)), x1),
    ]
    for name, layer, x in cases:
        seconds = step_time(layer, x, args.repeats)
        print(json.dumps({
            "case": name, "batch": args.batch, "step_seconds": round(seconds, 4),
            "conv2d_baseline_seconds": round(baseline, 4), "ratio_to_conv2d": round(seconds / baseline, 2),
        }))


if __name__ == "__main__":
    main()
