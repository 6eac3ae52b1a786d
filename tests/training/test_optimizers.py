import os
import tempfile

import keras
import numpy as np
import pytest

from keras_stvideo.training.optimizers import CaffeSGD


def caffe_updates(w, grads, lr, momentum, decay):
    """Caffe's SGD solver: v = momentum v - lr (g + decay w); w += v."""
    v = np.zeros_like(w)
    for g in grads:
        v = momentum * v - lr * (g + decay * w)
        w = w + v
    return w


def run(optimizer, w0, grads):
    variable = keras.Variable(w0)
    optimizer.build([variable])
    for g in grads:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(g), variable)])
    return keras.ops.convert_to_numpy(variable)


def test_matches_caffe_update_and_differs_from_keras_decoupled_decay():
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=(4, 3)).astype("float32")
    grads = [rng.normal(size=(4, 3)).astype("float32") for _ in range(4)]
    got = run(CaffeSGD(0.1, momentum=0.9, weight_decay=0.05), w0, grads)
    np.testing.assert_allclose(got, caffe_updates(w0, grads, 0.1, 0.9, 0.05), rtol=1e-5, atol=1e-6)
    decoupled = run(keras.optimizers.SGD(0.1, momentum=0.9, weight_decay=0.05), w0, grads)
    assert np.abs(decoupled - got).max() > 1e-3  # Keras' weight decay is another update rule
    plain = run(CaffeSGD(0.1, momentum=0.9), w0, grads)
    np.testing.assert_allclose(plain, run(keras.optimizers.SGD(0.1, momentum=0.9), w0, grads), rtol=1e-6)


def test_config_round_trip_and_saved_model():
    optimizer = CaffeSGD(0.02, momentum=0.9, weight_decay=5e-4)
    clone = CaffeSGD.from_config(optimizer.get_config())
    assert clone.l2_decay == 5e-4 and clone.momentum == 0.9 and float(clone.learning_rate) == pytest.approx(0.02)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(np.ones((4, 3), "float32"), np.zeros((4, 2), "float32"), verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.keras")
        model.save(path)
        loaded = keras.saving.load_model(path)
    assert isinstance(loaded.optimizer, CaffeSGD) and loaded.optimizer.l2_decay == 5e-4


def test_errors():
    with pytest.raises(ValueError, match="weight_decay.*-1"):
        CaffeSGD(weight_decay=-1)
