"""The models and fixed global batches that the data-parallel step checks train (one step, SGD).

Imported by the worker scripts after they have set up their devices; nothing here touches the backend
at import. Each builder takes the ``numpy`` generator that draws its batch and returns
``(model, compile_kwargs, (x, y))`` with a global batch of ``GLOBAL_BATCH`` rows.

- lenet: a plain compiled model (Keras' own step), cross-entropy;
- siamese_c3d: the Siamese C3D's Eq. 2 step (its compute_loss), on a batch whose two halves hold
  different numbers of positive pairs (3 + 0 of 8), so C_i must come from the whole batch;
- stcsae: ST-CSAE's own train_step (best-shift search, code steps, the running normaliser that runs
  through the batch in order), the normaliser included in the compared weights.
"""

import numpy as np

import keras_stvideo

GLOBAL_BATCH = 8
SMALL_VOLUME = (4, 16, 16, 3)


def lenet(rng, rows=GLOBAL_BATCH):
    model = keras_stvideo.build_lenet(input_shape=(32, 32, 1))
    x = rng.random((rows, 32, 32, 1), dtype=np.float32)
    y = rng.integers(0, 10, size=rows)
    return model, {"loss": "sparse_categorical_crossentropy"}, (x, y)


def siamese_c3d(rng):
    from keras_stvideo.models.siamese_c3d import build_c3d_small, build_siamese_c3d

    tower = build_c3d_small(SMALL_VOLUME, filters=(4,) * 5, fc_units=16, dropout=0.0)
    model = build_siamese_c3d(tower=tower, head_units=8, dropout=0.0)
    first = rng.random((GLOBAL_BATCH,) + SMALL_VOLUME, dtype=np.float32)
    second = np.concatenate([first[:3, :, :, ::-1], rng.random((5,) + SMALL_VOLUME, dtype=np.float32)])
    y = np.array([1, 1, 1, -1, -1, -1, -1, -1], "float32")
    return model, {}, ((first, second), y)


def stcsae(rng):
    model = keras_stvideo.build_stcsae((3, 4, 4, 1), code_units=64, shift_range=(1, 1, 1), code_steps=2)
    x = rng.random((GLOBAL_BATCH,) + model.neighbourhood_shape, dtype=np.float32)
    return model, {}, (x, None)


MODELS = {"lenet": lenet, "siamese_c3d": siamese_c3d, "stcsae": stcsae}
