"""Every Shan & Atanasov model saves to .keras, reloads in a fresh process, and exports to a SavedModel."""

import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_stvideo import build_cnn_lstm, build_dcn_lenet, build_lenet, build_stn_lenet
from keras_stvideo.commands.export import export_and_check
from tests.markers import needs_tensorflow

BUILDERS = {"lenet": build_lenet, "stn": build_stn_lenet, "dcn": build_dcn_lenet}

RELOAD = """
import sys, numpy as np, keras, keras_stvideo
model = keras.saving.load_model(sys.argv[1])
np.save(sys.argv[3], model.predict(np.load(sys.argv[2]), verbose=0))
"""


def _model(name, video):
    cnn = BUILDERS[name](input_shape=(32, 32, 1))
    if name != "lenet":  # move the attention modules away from their identity start
        for layer in cnn.layers:
            if layer.name in ("stn", "offset1"):
                for weight in layer.trainable_weights:
                    weight.assign(np.random.default_rng(0).normal(0, 0.01, weight.shape).astype("float32"))
    return build_cnn_lstm(cnn, sequence_length=3) if video else cnn


@pytest.mark.backend_costly  # a fresh Python process per case; cross-backend loading has its own test
@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("video", [False, True])
def test_keras_round_trip_in_a_fresh_process(tmp_path, name, video):
    model = _model(name, video)
    shape = (2,) + tuple(model.input.shape[1:])
    x = np.random.default_rng(1).random(shape).astype("float32")
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "model.keras")
    np.save(tmp_path / "x.npy", x)
    result = subprocess.run([sys.executable, "-c", RELOAD, str(tmp_path / "model.keras"), str(tmp_path / "x.npy"),
                             str(tmp_path / "y.npy")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), expected)


@needs_tensorflow("keras.layers.TFSMLayer, which reloads the SavedModel, runs on TensorFlow only")
@pytest.mark.parametrize("name", ["stn", "dcn"])
def test_savedmodel_export_serves_same_predictions(tmp_path, name):
    model = _model(name, video=True)
    model.save(tmp_path / "model.keras")
    difference = export_and_check(tmp_path / "model.keras", tmp_path / "served")
    assert difference <= 1e-5
    served = keras.layers.TFSMLayer(str(tmp_path / "served"), call_endpoint="serve")
    x = np.random.default_rng(2).random((2, 3, 32, 32, 1)).astype("float32")
    np.testing.assert_allclose(np.asarray(served(x)), model.predict(x, verbose=0), atol=1e-5)


@needs_tensorflow("stvideo export checks its SavedModel with keras.layers.TFSMLayer (TensorFlow only); "
                  "tests/test_backends.py checks its error on the other backends")
def test_export_command_and_errors(tmp_path):
    model = build_lenet(input_shape=(32, 32, 1))
    model.save(tmp_path / "lenet.keras")
    result = subprocess.run([sys.executable, "-m", "keras_stvideo.cli", "export", str(tmp_path / "lenet.keras"),
                             str(tmp_path / "lenet_saved")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "served predictions match" in result.stdout
    assert (tmp_path / "lenet_saved" / "saved_model.pb").exists()
    again = subprocess.run([sys.executable, "-m", "keras_stvideo.cli", "export", str(tmp_path / "lenet.keras"),
                            str(tmp_path / "lenet_saved")], capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "already exists" in again.stderr
    with pytest.raises(FileNotFoundError, match="missing.keras"):
        export_and_check(tmp_path / "missing.keras", tmp_path / "x")
