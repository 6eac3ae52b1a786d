"""Every builder under mixed precision, and .keras files saved on one backend loading on the others."""

import importlib.util
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest

from tests.builder_catalogue import BUILDERS, HEAVY, NOT_PROBABILITIES, sample_inputs

ROOT = pathlib.Path(__file__).resolve().parents[1]
BACKENDS = ("tensorflow", "jax", "torch")

LOAD_AND_PREDICT = """
import sys, pathlib, numpy as np, keras_stvideo
folder = pathlib.Path(sys.argv[1])
for path in sorted(folder.glob("*.keras")):
    model = keras_stvideo.load_model(path)
    inputs = np.load(path.with_suffix(".npz"))
    x = [inputs[k] for k in sorted(inputs.files)]
    np.save(path.with_suffix(".out.npy"), np.asarray(model.predict(x if len(x) > 1 else x[0], verbose=0)))
"""


@pytest.fixture
def mixed_bfloat16():
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    yield
    keras.mixed_precision.set_global_policy(previous)


@pytest.mark.parametrize("name", [pytest.param(name, marks=[pytest.mark.slow] if name in HEAVY else [])
                                  for name in sorted(BUILDERS)])
def test_builder_runs_under_mixed_bfloat16(name, mixed_bfloat16):
    model = BUILDERS[name][0]()
    assert any(layer.compute_dtype == "bfloat16" for layer in model.layers)
    outputs = model(sample_inputs(name), training=False)
    dtype = keras.backend.standardize_dtype(outputs.dtype)
    outputs = keras.ops.convert_to_numpy(keras.ops.cast(outputs, "float32"))
    assert np.all(np.isfinite(outputs))
    if name not in NOT_PROBABILITIES:
        assert dtype == "float32"  # softmax kept in float32
        np.testing.assert_allclose(outputs.sum(axis=-1), 1.0, atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("other", BACKENDS)
def test_keras_files_load_on_another_backend(tmp_path, other):
    here = keras.backend.backend()
    if other == here:
        pytest.skip("same backend: the round trip tests cover it")
    if importlib.util.find_spec(other) is None:
        pytest.skip(f"the {other} backend's package is not installed")
    expected = {}
    for name in BUILDERS:
        model = BUILDERS[name][0]()
        x = sample_inputs(name)
        arrays = x if isinstance(x, list) else [x]
        np.savez(tmp_path / f"{name}.npz", **{f"x{i}": a for i, a in enumerate(arrays)})
        model.save(tmp_path / f"{name}.keras")
        expected[name] = np.asarray(model.predict(x, verbose=0))
    env = dict(os.environ, KERAS_BACKEND=other, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", LOAD_AND_PREDICT, str(tmp_path)], env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    for name, reference in expected.items():
        np.testing.assert_allclose(np.load(tmp_path / f"{name}.out.npy"), reference, atol=1e-5,
                                   err_msg=f"{name} saved on {here} predicts otherwise on {other}")


def test_savedmodel_export_command_names_the_backend(tmp_path):
    """`stvideo export` reloads its SavedModel with TFSMLayer (TensorFlow only): elsewhere one clear error,
    nothing written.
    """
    from keras_stvideo.commands.export import export_and_check

    backend = keras.backend.backend()
    if backend == "tensorflow":
        pytest.skip("on TensorFlow the export runs: tests/models/attention_lstm/test_export.py")
    BUILDERS["lenet"][0]().save(tmp_path / "lenet.keras")
    with pytest.raises(ValueError, match=f"stvideo export needs the TensorFlow backend, got the '{backend}' backend"):
        export_and_check(tmp_path / "lenet.keras", tmp_path / "out" / "saved")
    assert not (tmp_path / "out").exists()
