"""Moving MNIST generation speed: the vectorised generator vs per-frame scikit-image references.

Prints one JSON line per variant, every figure measured in the same run on the
same parameters (least CPU time of ``--repeats``; all of it single-threaded):

* ``vectorised``: ``MovingMNIST.generate`` (each digit warped once per sequence,
  placed on every frame; one batched elastic resampling).
* ``per_frame_reference``: the same definition rendered frame by frame and digit
  by digit with scikit-image (keras_stvideo/data/moving_mnist_reference.py, which the
  tests check the generator against to 1e-5).
* ``per_frame_canvas``: the literal per-frame canvas warp (paste, then one
  scikit-image warp of the 64 x 64 canvas; elastic fields drawn and smoothed per
  frame with scipy): the generator's definition before, and the faster of the
  two references, so the smaller ``speedup``.

``arithmetic_limit_frames_per_s`` estimates what the machine's floating-point
units could do: peak float32 FLOP/s (cores x clock x FLOPs per cycle per core,
read from /proc/cpuinfo: 32 with AVX2 + FMA or AMD's AVX-512, i.e. two 256-bit
FMA pipes; 64 with Intel's AVX-512; 8 otherwise) divided by the FLOPs of one
per-frame bilinear canvas warp (21 per output pixel: 8 for the affine source
coordinate, 4 for the weights, 9 to blend the four corners; the elastic variant
adds a second warp and the two 7-tap separable smoothings of its two fields,
2 x 2 x 2 x 7 per pixel). ``fraction_of_arithmetic_limit`` is the vectorised
frames/s over that limit: how far numpy's gathers, memory traffic and
per-call overhead leave it below the arithmetic.

    python benchmarks/moving_mnist.py [--sequences 200] [--repeats 3]
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from keras_stvideo.utils.quiet import quiet_tensorflow  # noqa: E402  (imports no TensorFlow)

quiet_tensorflow()  # no TensorFlow C++ log lines between the JSON lines

from benchmarks.machine import cpu_description, peak_flops  # noqa: E402
from keras_stvideo.data.mnist import load_embedded_digits  # noqa: E402
from keras_stvideo.data.moving_mnist import VARIANTS, MovingMNIST  # noqa: E402
from keras_stvideo.data.moving_mnist_reference import canvas_reference_render, reference_render  # noqa: E402

WARP_FLOPS_PER_PIXEL = 21


def frame_flops(variant, size):
    pixels = size * size
    flops = WARP_FLOPS_PER_PIXEL * pixels if VARIANTS[variant] else pixels  # normal: one max per pixel
    if "elastic" in VARIANTS[variant]:
        flops += WARP_FLOPS_PER_PIXEL * pixels + 2 * 2 * 2 * 7 * pixels
    return flops


def best_of(repeats, function):
    """Least CPU time of this process over ``repeats`` calls.

    Everything timed here runs on one thread (numpy, scikit-image, scipy), so
    CPU time is its wall time on an idle core, and other jobs sharing the
    machine disturb it much less than wall time.
    """
    times = []
    for repeat in range(repeats):
        start = time.process_time()
        function(repeat)
        times.append(time.process_time() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sequences", type=int, default=200)
    parser.add_argument("--reference-sequences", type=int, default=None,
                        help="sequences for the slow references (default: --sequences)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    args = parser.parse_args()
    reference_sequences = args.reference_sequences or args.sequences
    mnist = load_embedded_digits()
    model, flags, mhz, cores = cpu_description()
    peak, per_cycle = peak_flops(model, flags, mhz, cores)
    print(json.dumps({
        "cpu": model, "cores": cores, "mhz": mhz,
        "simd": sorted(f for f in flags if f.startswith(("avx", "fma", "amx"))),
        "peak_float32_flops_estimate": peak, "flops_per_cycle_per_core": per_cycle,
    }))
    for variant in args.variants:
        gen = MovingMNIST.from_variant(variant, mnist=mnist, seed=0)
        frames = gen.sequence_length

        def vectorised(repeat):
            gen.generate(args.sequences, seed=repeat)

        def same_definition(repeat):
            params = gen.sample_parameters(reference_sequences, rng=np.random.default_rng(repeat))
            reference_render(gen, params)

        def canvas(repeat):
            params = gen.sample_parameters(reference_sequences, rng=np.random.default_rng(repeat))
            canvas_reference_render(gen, params, rng=np.random.default_rng(repeat))

        vectorised(0)  # warm up
        fast = best_of(args.repeats, vectorised) / args.sequences
        reference = best_of(args.repeats, same_definition) / reference_sequences
        literal = best_of(args.repeats, canvas) / reference_sequences
        limit = peak / frame_flops(variant, gen.canvas_size)
        print(json.dumps({
            "case": f"moving_mnist_{variant}",
            "sequences": args.sequences,
            "reference_sequences": reference_sequences,
            "frames_per_sequence": frames,
            "vectorised_sequences_per_s": round(1 / fast, 1),
            "per_frame_reference_sequences_per_s": round(1 / reference, 1),
            "per_frame_canvas_sequences_per_s": round(1 / literal, 1),
            "speedup_vs_reference": round(reference / fast, 2),
            "speedup_vs_canvas": round(literal / fast, 2),
            "vectorised_frames_per_s": round(frames / fast),
            "arithmetic_limit_frames_per_s": round(limit),
            "fraction_of_arithmetic_limit": round(frames / fast / limit, 4),
        }))


if __name__ == "__main__":
    main()
