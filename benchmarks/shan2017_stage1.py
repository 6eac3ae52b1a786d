"""Shan & Atanasov 2017, stage 1: how close each frame CNN's training step comes to the machine's arithmetic limit.

For LeNet, STN-LeNet and DCN-LeNet (section II-A, 64 x 64 digits), one Adadelta
training step of ``--batch`` Scaled MNIST-sized digits (the comparison's batch
128) is timed in CPU seconds (least of ``--repeats``), and its FLOPs are counted
by TensorFlow's profiler on the traced forward + backward graph (every Conv2D,
MatMul and elementwise op it has statistics for; the bilinear gathers count
nothing). ``fraction_of_arithmetic_limit`` is FLOPs / (CPU seconds x one core's
peak, ``benchmarks/machine.py``). A step near the limit cannot get much faster
from a better sampler: DCN-LeNet's offset convolutions (3 x 3, 2C outputs) and
its 204,800 -> 500 fc layer are plain convolutions and matmuls.

``--mixed-precision`` adds bfloat16 rows beside float32. Their limit is twice
the float32 one on CPUs with bfloat16 dot-product instructions (AVX512-BF16's
``vdpbf16ps`` or AMX: two bfloat16 products per float32 lane), the float32 one
elsewhere. TensorFlow backend only: the FLOP count uses its profiler.

    python benchmarks/shan2017_stage1.py [--batch 128] [--repeats 3] [--encoders lenet stn dcn]
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from keras_stvideo.utils.quiet import quiet_tensorflow  # noqa: E402  (imports no TensorFlow)

quiet_tensorflow()  # no TensorFlow C++ log lines between the JSON lines

import keras  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks.layers import least_step_times  # noqa: E402
from benchmarks.machine import cpu_description, peak_flops  # noqa: E402
from keras_stvideo.models.attention_lstm.frame_encoders import FRAME_ENCODERS  # noqa: E402


def step_flops_per_digit(model):
    """Forward + backward FLOPs of one digit (TensorFlow's profiler on the traced gradient step)."""
    import tensorflow as tf

    loss = keras.losses.SparseCategoricalCrossentropy()

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            value = loss(y, model(x, training=True))
        return tape.gradient(value, model.trainable_variables)

    graph = step.get_concrete_function(tf.TensorSpec([1, 64, 64, 1]), tf.TensorSpec([1], tf.int32)).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return int(tf.compat.v1.profiler.profile(graph=graph, options=options).total_float_ops)


def stage1_step(name, batch, repeats, seed=0):
    """(least CPU seconds, least wall seconds) of one stage-1 step, and the model."""
    keras.utils.set_random_seed(seed)
    model = FRAME_ENCODERS[name]()
    model.compile(optimizer=keras.optimizers.Adadelta(1.0), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(seed)
    x = rng.random((batch, 64, 64, 1)).astype("float32")
    y = rng.integers(0, 10, batch)
    wall, cpu = least_step_times(lambda: model.train_on_batch(x, y), repeats)
    return cpu, wall, model


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--encoders", nargs="+", default=list(FRAME_ENCODERS), choices=list(FRAME_ENCODERS))
    parser.add_argument("--mixed-precision", action="store_true", help="also time bfloat16 mixed precision")
    args = parser.parse_args()
    if keras.backend.backend() != "tensorflow":
        parser.error(f"needs the TensorFlow backend (its profiler counts the FLOPs), got {keras.backend.backend()}")
    model_name, flags, mhz, cores = cpu_description()
    peak, per_cycle = peak_flops(model_name, flags, mhz, cores)
    core_peak = peak / cores
    print(json.dumps({"cpu": model_name, "cores": cores, "mhz": mhz, "flops_per_cycle_per_core": per_cycle,
                      "peak_float32_flops_per_core_estimate": core_peak,
                      "bfloat16_instructions": bool({"avx512_bf16", "amx_bf16"} & flags)}), flush=True)
    bfloat16_speed = 2 if {"avx512_bf16", "amx_bf16"} & flags else 1
    policies = ["float32"] + (["mixed_bfloat16"] if args.mixed_precision else [])
    for policy in policies:
        keras.mixed_precision.set_global_policy(policy)
        for name in args.encoders:
            cpu, wall, model = stage1_step(name, args.batch, args.repeats)
            flops = step_flops_per_digit(model) * args.batch
            print(json.dumps({
                "case": f"shan2017_stage1_{name}", "policy": policy, "backend": keras.backend.backend(),
                "batch": args.batch, "parameters": model.count_params(),
                "step_cpu_seconds": round(cpu, 4), "step_seconds": round(wall, 4),
                "digits_per_s": round(args.batch / wall, 1), "step_flops": flops,
                "fraction_of_arithmetic_limit": round(
                    flops / (cpu * core_peak * (bfloat16_speed if policy == "mixed_bfloat16" else 1)), 3),
            }), flush=True)
    keras.mixed_precision.set_global_policy("float32")


if __name__ == "__main__":
    main()
