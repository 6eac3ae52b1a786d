"""Run in a fresh process (the device count is fixed when the backend starts): one training step of a
model on one device and data-parallel on two, from the same weights and batch; prints the largest
weight difference and the logged metrics as JSON.

Usage: python distribution_step.py [lenet] [siamese_c3d] [stcsae]   (one JSON line per model; the models
and batches are step_cases.py's)
"""

import json
import os
import sys

backend = os.environ["KERAS_BACKEND"]
if backend == "jax":
    os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
if backend == "tensorflow":
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_stvideo.training.distribution import data_parallel, local_devices  # noqa: E402

from tests.training.step_cases import MODELS  # noqa: E402  (the repository root is on PYTHONPATH)


def one_step(devices, name, weights=None):
    with data_parallel(devices):
        keras.utils.set_random_seed(0)
        model, compile_kwargs, (x, y) = MODELS[name](np.random.default_rng(0))
        if weights is not None:
            model.set_weights(weights)
        start = [w.copy() for w in model.get_weights()]
        model.compile(optimizer=keras.optimizers.SGD(0.1), **compile_kwargs)
        history = model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False).history
    return start, model.get_weights(), {key: float(values[-1]) for key, values in history.items()}


for name in sys.argv[1:] or ["lenet"]:
    start, single, single_logs = one_step(1, name)
    _, parallel, parallel_logs = one_step(2, name, start)
    moved = max(float(np.abs(a - b).max()) for a, b in zip(single, start))
    difference = max(float(np.abs(a - b).max()) for a, b in zip(single, parallel))
    print(json.dumps({"model": name, "devices": local_devices()[1], "moved": moved, "difference": difference,
                      "single_logs": single_logs, "parallel_logs": parallel_logs}))
