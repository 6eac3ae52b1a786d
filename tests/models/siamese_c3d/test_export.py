"""Round trips of the tower, the Siamese C3D and the fine-tuned classifier: .keras (fresh process) and SavedModel."""

import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_stvideo.models.siamese_c3d import build_c3d_classifier, build_c3d_small, build_siamese_c3d
from tests.markers import needs_tensorflow

SMALL = (4, 16, 16, 3)

RELOAD = """
import sys, numpy as np, keras_stvideo
model = keras_stvideo.load_model(sys.argv[1])
x = np.load(sys.argv[2])
inputs = (x, x[::-1]) if type(model).__name__ == "SiameseC3D" else x
np.save(sys.argv[3], model.predict(inputs, verbose=0))
print(type(model).__name__, model.regularization if hasattr(model, "regularization") else "")
"""


def _models():
    tower = build_c3d_small(SMALL, filters=(8,) * 5, fc_units=32)
    siamese = build_siamese_c3d(tower=tower, head_units=8, regularization=0.001)
    classifier = build_c3d_classifier(4, tower=tower)
    return {"tower": tower, "siamese": siamese, "classifier": classifier}


@pytest.mark.backend_costly  # a fresh Python process per case; cross-backend loading has its own test
@pytest.mark.parametrize("name", ["tower", "siamese", "classifier"])
def test_keras_round_trip_in_a_fresh_process(tmp_path, name):
    model = _models()[name]
    x = np.random.default_rng(1).random((2,) + SMALL).astype("float32")
    inputs = (x, x[::-1]) if name == "siamese" else x
    expected = model.predict(inputs, verbose=0)
    model.save(tmp_path / "model.keras")
    np.save(tmp_path / "x.npy", x)
    result = subprocess.run([sys.executable, "-c", RELOAD, str(tmp_path / "model.keras"), str(tmp_path / "x.npy"),
                             str(tmp_path / "y.npy")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), expected, atol=1e-5)
    if name == "siamese":
        assert "SiameseC3D 0.001" in result.stdout  # the class and its training settings come back


def test_saved_siamese_resumes_training_with_its_own_step(tmp_path):
    model = _models()["siamese"]
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    rng = np.random.default_rng(0)
    x = (rng.random((10,) + SMALL).astype("float32"), rng.random((10,) + SMALL).astype("float32"))
    y = np.array([1] * 3 + [-1] * 7, "float32")
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "siamese.keras")
    from keras_stvideo import load_model

    loaded = load_model(tmp_path / "siamese.keras")
    history = loaded.fit(x, y, epochs=1, verbose=0).history
    assert "positive_hinge" in history and "pair_accuracy" in history


@needs_tensorflow("the SavedModel is exported and served with TensorFlow itself (on JAX Keras converts through "
                  "jax2tf, PyTorch needs torch_xla)")
@pytest.mark.parametrize("name", ["tower", "siamese", "classifier"])
def test_saved_model_export_serves_the_same_predictions(tmp_path, name):
    model = _models()[name]
    x = np.random.default_rng(2).random((2,) + SMALL).astype("float32")
    spec = tf.TensorSpec((None,) + SMALL, tf.float32)
    if name == "siamese":
        expected = model.predict((x, x[::-1]), verbose=0)
        model.export(str(tmp_path / "sm"), format="tf_saved_model", input_signature=[(spec, spec)], verbose=False)
        loaded = tf.saved_model.load(str(tmp_path / "sm"))  # kept: its variables die with it
        served = loaded.serve((x, x[::-1]))
    else:
        expected = model.predict(x, verbose=0)
        model.export(str(tmp_path / "sm"), format="tf_saved_model", verbose=False)
        loaded = tf.saved_model.load(str(tmp_path / "sm"))
        served = loaded.serve(x)
    np.testing.assert_allclose(np.asarray(served), expected, atol=1e-5)
