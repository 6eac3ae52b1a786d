"""Run in a subprocess with KERAS_BACKEND set: the Siamese C3D's Eq. 2 step under ``model.fit`` on that backend.

Checks that ``compute_loss`` equals the numpy Eq. 2, that fit logs the hinge
terms and the pair accuracy, that the logged loss is their sum plus the
regulariser, and that the loss falls on a fixed batch. Prints "OK <backend>".
"""

import keras
import numpy as np

from keras_stvideo.models.siamese_c3d import build_c3d_small, build_siamese_c3d
from tests.models.siamese_c3d.test_losses import numpy_eq2

SMALL = (4, 16, 16, 3)


def main():
    keras.utils.set_random_seed(0)
    tower = build_c3d_small(SMALL, filters=(8,) * 5, fc_units=64, dropout=0.0)
    model = build_siamese_c3d(tower=tower, head_units=16, dropout=0.0)
    rng = np.random.default_rng(0)
    a = rng.random((10,) + SMALL).astype("float32")
    b = np.concatenate([a[:3, :, :, ::-1], rng.random((7,) + SMALL).astype("float32")])
    y = np.array([1] * 3 + [-1] * 7, "float32")
    t = keras.ops.convert_to_numpy(model((a, b), training=False))
    kernels = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights if len(w.shape) >= 2]
    np.testing.assert_allclose(float(keras.ops.convert_to_numpy(model.compute_loss((a, b), y, model((a, b))))),
                               numpy_eq2(y, t, kernels, lam=0.0005), rtol=1e-5)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    history = model.fit((a, b), y, batch_size=10, epochs=20, verbose=0, shuffle=False).history
    assert set(history) == {"loss", "positive_hinge", "negative_hinge", "regularization", "pair_accuracy"}, history
    np.testing.assert_allclose(history["loss"][0], history["positive_hinge"][0] + history["negative_hinge"][0]
                               + history["regularization"][0], rtol=1e-4)
    assert history["loss"][-1] < 0.8 * history["loss"][0], history["loss"]
    print("OK", keras.backend.backend(), [round(v, 3) for v in history["loss"][::5]])


if __name__ == "__main__":
    main()
