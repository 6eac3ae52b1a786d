"""ST-CSAE's best-shift search against a single energy evaluation, in the same run.

The search scores every shift in ±shift_range of a batch of neighbourhoods with
one forward pass over all B x S shifted patches, then gathers the best ones.
Its cost should be at most S (the number of shifts) single energy evaluations
of the B centred patches plus a small overhead. Prints one JSON line per case:
``ratio`` = search time / single-evaluation time, and ``ratio_per_shift`` =
ratio / S (at most about 1); ``overhead`` = search time / one energy evaluation of
B x S patches (the gathers and argmin on top of the forward pass).

    python benchmarks/stcsae.py [--batch 64] [--repeats 20]
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
import tensorflow as tf  # noqa: E402

from keras_stvideo.models.stcsae import build_stcsae  # noqa: E402


def best_time(function, x, repeats):
    function(x)  # trace
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        [keras.ops.convert_to_numpy(v) for v in function(x)]
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--patch", type=int, nargs=4, default=(5, 8, 8, 1))
    parser.add_argument("--code-units", type=int, default=400)
    args = parser.parse_args()
    patch = tuple(args.patch)
    for shift_range in ((1, 1, 1), (1, 2, 2), (2, 2, 2)):
        model = build_stcsae(patch, args.code_units, shift_range=shift_range)
        shifts = int(np.prod([2 * s + 1 for s in shift_range]))
        rng = np.random.default_rng(0)
        neighbourhoods = tf.constant(rng.random((args.batch,) + model.neighbourhood_shape).astype("float32"))
        patches = tf.constant(rng.random((args.batch,) + patch).astype("float32"))
        energy = tf.function(lambda x: model.energy(x))
        single = best_time(energy, patches, args.repeats)
        many = tf.constant(rng.random((args.batch * shifts,) + patch).astype("float32"))
        batched = best_time(energy, many, args.repeats)
        search = best_time(tf.function(lambda x: model.best_shift(x)), neighbourhoods, args.repeats)
        print(json.dumps({
            "case": "best_shift_search", "shift_range": shift_range, "shifts": shifts, "batch": args.batch,
            "patch": patch, "code_units": args.code_units, "single_energy_s": round(single, 6),
            "search_s": round(search, 6), "ratio": round(search / single, 2),
            "ratio_per_shift": round(search / single / shifts, 3),
            "energy_of_all_shifted_patches_s": round(batched, 6), "overhead": round(search / batched, 2),
            "backend": keras.backend.backend(), "note": "CPU shared with other sessions",
        }), flush=True)


if __name__ == "__main__":
    main()
