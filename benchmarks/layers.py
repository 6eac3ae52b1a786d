"""Training-step time of the geometric layers against a plain Conv2D of the same shapes.

Each case is a one-layer ``keras.Model`` (Shan & Atanasov 2017 sizes: 64 x 64 maps, 20 -> 50
channels, 5 x 5 kernels) compiled with SGD and a mean squared error, and one
step is ``model.train_on_batch`` (forward, backward, update) -- what
``model.fit`` runs. Two modes, each with its own Conv2D baseline from the same
run:

* ``keras_default``: ``compile()``'s default ``jit_compile="auto"`` -- how the
  package's trainers run. On TensorFlow that is a graph without XLA on a
  CPU-only machine (Keras turns XLA off there) and XLA with a GPU; JAX always
  compiles; PyTorch runs eagerly. (On TensorFlow the layers' bilinear sampling
  is XLA-compiled on its own in every mode: keras_stvideo/layers/_bilinear.py.)
* ``xla``: ``jit_compile=True``: the whole step compiled by XLA.

Prints one JSON line per case and mode: the best wall time and the least
process CPU time of ``--repeats`` steps and their ratios to Conv2D. On a
machine shared with other jobs the CPU-time ratio is the steadier one.

``step_flops`` counts the multiply-adds (2 FLOPs each) of the step's
convolutions and products, forward and backward, and leaves out the sampling
and the elementwise work; gradients flow to the weights, and to a layer's input
only when an earlier layer needs them (the model's input needs none). Conv2D:
forward + kernel gradient, 2 x 2 B H W k^2 C F. DeformableConv2D: its offset
convolution (same shapes, 2 N = 50 outputs: forward + kernel gradient) plus the
(B H W, N C) x (N C, F) product, its gradient for the samples (which the offsets
need) and for the kernel: 2 + 3 = 5 such products, so at least 2.5 Conv2D steps
of arithmetic before any sampling. ``fraction_of_arithmetic_limit`` is
``step_flops`` over the step's CPU seconds times one core's peak float32 FLOP/s
(benchmarks/machine.py: clock x 32 FLOPs per cycle with AVX2 + FMA or AMD's
AVX-512).

    KERAS_BACKEND=tensorflow python benchmarks/layers.py [--batch 32] [--repeats 5]
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from keras_stvideo.utils.quiet import quiet_tensorflow  # noqa: E402  (imports no TensorFlow)

quiet_tensorflow()  # no TensorFlow C++ log lines between the JSON lines

import keras  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks.machine import cpu_description, peak_flops  # noqa: E402
from keras_stvideo.layers import ConvOffset2D, DeformableConv2D, SpatialTransformer  # noqa: E402


def step_flops(case, batch, size=64, channels=20, filters=50, kernel=5):
    """Multiply-add FLOPs of one training step of ``case`` (see the module docstring); None if not counted."""
    contraction = 2 * batch * size * size * kernel * kernel * channels  # per output channel
    if case == "conv2d_5x5_20to50":
        return 2 * contraction * filters
    if case == "deformable_conv2d_5x5_20to50":
        return 2 * contraction * 2 * kernel * kernel + 3 * contraction * filters
    if case == "conv_offset2d_20ch_then_conv2d":
        offsets = 2 * 2 * batch * size * size * 3 * 3 * channels * 2 * channels  # 3 x 3, C -> 2 C, no input gradient
        return offsets + 3 * contraction * filters  # the Conv2D also passes a gradient to ConvOffset2D
    return None


def cpu_seconds():
    times = os.times()
    return times.user + times.system


def step_time(make_layer, x, repeats, jit_compile, seed=0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(x.shape[1:])
    model = keras.Model(inputs, make_layer()(inputs))
    model.compile(optimizer=keras.optimizers.SGD(1e-6), loss="mse", jit_compile=jit_compile)
    y = np.zeros((x.shape[0],) + tuple(model.output_shape[1:]), "float32")
    return least_step_times(lambda: model.train_on_batch(x, y), repeats)


def least_step_times(step, repeats):
    """(least wall seconds, least CPU seconds) of ``step()`` over ``repeats`` calls, after two warm-up calls."""
    step()  # trace and compile
    step()
    walls, cpus = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        step()
        walls.append(time.perf_counter() - start)
        cpus.append(cpu_seconds() - start_cpu)
    return min(walls), min(cpus)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--modes", nargs="+", default=["keras_default"], choices=["keras_default", "xla"],
                        help="xla: also compile the whole step "
                             "(slow to compile on CPU: XLA constant-folds the convolutions)")
    args = parser.parse_args()
    model_name, flags, mhz, cores = cpu_description()
    peak, per_cycle = peak_flops(model_name, flags, mhz, cores)
    core_peak = peak / cores
    print(json.dumps({"cpu": model_name, "cores": cores, "mhz": mhz, "flops_per_cycle_per_core": per_cycle,
                      "peak_float32_flops_per_core_estimate": core_peak}), flush=True)
    rng = np.random.default_rng(0)
    x20 = rng.random((args.batch, 64, 64, 20)).astype("float32")
    x1 = rng.random((args.batch, 64, 64, 1)).astype("float32")
    cases = [
        ("conv2d_5x5_20to50", lambda: keras.layers.Conv2D(50, 5, padding="same"), x20),
        ("deformable_conv2d_5x5_20to50", lambda: DeformableConv2D(
            50, 5, padding="same", offset_initializer=keras.initializers.RandomNormal(stddev=0.01)), x20),
        ("conv_offset2d_20ch_then_conv2d", lambda: keras.Sequential([
            ConvOffset2D(20, kernel_initializer=keras.initializers.RandomNormal(stddev=0.01)),
            keras.layers.Conv2D(50, 5, padding="same")]), x20),
        ("spatial_transformer_64to32", lambda: SpatialTransformer(output_size=(32, 32)), x1),
    ]
    for mode in args.modes:
        jit = "auto" if mode == "keras_default" else True
        baseline = step_time(cases[0][1], x20, args.repeats, jit)
        for name, make_layer, x in cases:
            wall, cpu = baseline if name == cases[0][0] else step_time(make_layer, x, args.repeats, jit)
            flops = step_flops(name, args.batch)
            print(json.dumps({
                "case": name, "mode": mode, "backend": keras.backend.backend(), "batch": args.batch,
                "step_seconds": round(wall, 4), "conv2d_step_seconds": round(baseline[0], 4),
                "ratio_to_conv2d": round(wall / baseline[0], 2),
                "step_cpu_seconds": round(cpu, 4), "conv2d_step_cpu_seconds": round(baseline[1], 4),
                "cpu_ratio_to_conv2d": round(cpu / baseline[1], 2),
                "step_flops": flops,
                "fraction_of_arithmetic_limit": (
                    None if flops is None or cpu <= 0 else round(flops / (cpu * core_peak), 3)
                ),
            }), flush=True)


if __name__ == "__main__":
    main()
