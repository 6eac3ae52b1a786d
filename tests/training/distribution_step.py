"""Run in a fresh process (the device count is fixed when the backend starts): one SGD step of
LeNet on one device and data-parallel on two, from the same weights and batch; prints the largest
weight difference as JSON. Usage: python distribution_step.py"""

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

import keras_stvideo  # noqa: E402
from keras_stvideo.training.distribution import data_parallel, local_devices  # noqa: E402

rng = np.random.default_rng(0)
x = rng.random((8, 32, 32, 1), dtype=np.float32)
y = rng.integers(0, 10, size=8)


def one_step(devices, weights=None):
    with data_parallel(devices):
        model = keras_stvideo.build_lenet(input_shape=(32, 32, 1))
        if weights is not None:
            model.set_weights(weights)
        start = [w.copy() for w in model.get_weights()]
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    return start, model.get_weights()


start, single = one_step(1)
_, parallel = one_step(2, start)
moved = max(float(np.abs(a - b).max()) for a, b in zip(single, start))
difference = max(float(np.abs(a - b).max()) for a, b in zip(single, parallel))
json.dump({"devices": local_devices()[1], "moved": moved, "difference": difference}, sys.stdout)
