"""Run in a fresh process (the device count is fixed when the backend starts): one training step of a
model on one device and data-parallel on two, from the same weights and batch; prints the largest
weight difference and the logged metrics as JSON.

Usage: python distribution_step.py [lenet] [siamese_c3d] [stcsae]   (one JSON line per model)
- lenet: a plain compiled model (Keras' own step), SGD on cross-entropy;
- siamese_c3d: the Siamese C3D's Eq. 2 step (its compute_loss), on a batch whose two halves hold
  different numbers of positive pairs (3 + 0 of 8), so C_i must come from the whole batch;
- stcsae: ST-CSAE's own train_step (best-shift search, code steps, the running normaliser that runs
  through the batch in order), the normaliser included in the compared weights.
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

import keras_stvideo  # noqa: E402
from keras_stvideo.training.distribution import data_parallel, local_devices  # noqa: E402

rng = np.random.default_rng(0)
SMALL_VOLUME = (4, 16, 16, 3)


def lenet():
    model = keras_stvideo.build_lenet(input_shape=(32, 32, 1))
    x = rng.random((8, 32, 32, 1), dtype=np.float32)
    y = rng.integers(0, 10, size=8)
    return model, {"loss": "sparse_categorical_crossentropy"}, (x, y)


def siamese_c3d():
    from keras_stvideo.models.siamese_c3d import build_c3d_small, build_siamese_c3d

    tower = build_c3d_small(SMALL_VOLUME, filters=(4,) * 5, fc_units=16, dropout=0.0)
    model = build_siamese_c3d(tower=tower, head_units=8, dropout=0.0)
    first = rng.random((8,) + SMALL_VOLUME, dtype=np.float32)
    second = np.concatenate([first[:3, :, :, ::-1], rng.random((5,) + SMALL_VOLUME, dtype=np.float32)])
    y = np.array([1, 1, 1, -1, -1, -1, -1, -1], "float32")
    return model, {}, ((first, second), y)


def stcsae():
    model = keras_stvideo.build_stcsae((3, 4, 4, 1), code_units=64, shift_range=(1, 1, 1), code_steps=2)
    x = rng.random((8,) + model.neighbourhood_shape, dtype=np.float32)
    return model, {}, (x, None)


MODELS = {"lenet": lenet, "siamese_c3d": siamese_c3d, "stcsae": stcsae}


def one_step(devices, name, weights=None):
    with data_parallel(devices):
        keras.utils.set_random_seed(0)
        global rng
        rng = np.random.default_rng(0)
        model, compile_kwargs, (x, y) = MODELS[name]()
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
