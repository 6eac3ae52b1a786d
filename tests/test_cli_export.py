"""``stvideo export`` on every builder's model (functional, Sequential, subclassed, several inputs): the SavedModel
serves the model's own predictions."""

import numpy as np
import pytest

from keras_stvideo import cli
from tests.builder_catalogue import BUILDERS, HEAVY, sample_inputs

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="export needs TensorFlow")


def _check_export(model, inputs, tmp_path, capsys, extra=()):
    path = tmp_path / "model.keras"
    model.save(path)
    expected = model.predict(inputs, verbose=0)
    status = cli.main(["export", str(path), str(tmp_path / "saved"), *extra])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "served predictions match" in captured.out
    loaded = tf.saved_model.load(str(tmp_path / "saved"))
    np.testing.assert_allclose(np.asarray(loaded.serve(inputs)), np.asarray(expected), atol=1e-5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras", "saved"]


@pytest.mark.parametrize("name", [n for n in BUILDERS if n not in HEAVY] + [
    pytest.param(n, marks=pytest.mark.slow) for n in BUILDERS if n in HEAVY])
def test_export_every_builder(name, tmp_path, capsys):
    _check_export(BUILDERS[name][0](), sample_inputs(name), tmp_path, capsys)


def test_export_sequential(tmp_path, capsys):
    model = keras.Sequential([keras.Input((4, 8, 8, 1)), keras.layers.Conv3D(2, 3, padding="same"),
                              keras.layers.GlobalAveragePooling3D(), keras.layers.Dense(3, activation="softmax")])
    _check_export(model, np.random.default_rng(0).random((2, 4, 8, 8, 1), dtype=np.float32), tmp_path, capsys)


def test_export_unknown_shape_needs_input_shape(tmp_path, capsys):
    inputs = keras.Input((None, 8, 8, 1))
    model = keras.Model(inputs, keras.layers.GlobalAveragePooling3D()(keras.layers.Conv3D(2, 3)(inputs)))
    model.save(tmp_path / "model.keras")
    assert cli.main(["export", str(tmp_path / "model.keras"), str(tmp_path / "saved")]) == 2
    err = capsys.readouterr().err
    assert "--input-shape" in err and "Traceback" not in err and not (tmp_path / "saved").exists()
    x = np.random.default_rng(0).random((2, 5, 8, 8, 1), dtype=np.float32)
    _check_export(model, x, tmp_path, capsys, extra=("--input-shape", "5,8,8,1"))
