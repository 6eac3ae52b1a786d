"""Data-parallel training (keras_stvideo.training.distribution) on 2 logical CPU devices."""

import importlib.util
import json
import os
import pathlib
import subprocess
import sys

import keras
import pytest

from keras_stvideo.training.distribution import _check_count, data_parallel

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = pathlib.Path(__file__).with_name("distribution_step.py")


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_data_parallel_step_matches_one_device(backend):
    """Keras' own step (LeNet) and the two custom ones (Siamese C3D's compute_loss, ST-CSAE's train_step)."""
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"the {backend} backend's package is not installed")
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    models = ["lenet", "siamese_c3d", "stcsae"]
    result = subprocess.run([sys.executable, str(SCRIPT), *models], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    reports = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [report["model"] for report in reports] == models
    for report in reports:
        assert len(report["devices"]) == 2
        assert report["moved"] > 1e-4, report  # the step changed the weights ...
        assert report["difference"] < 1e-5, report  # ... and two devices changed them exactly as one did
        for key, value in report["single_logs"].items():  # and logged the same metrics
            assert abs(report["parallel_logs"][key] - value) < 1e-5, report


def test_device_count_is_checked():
    with pytest.raises(ValueError, match="devices=3 asks for more devices than there are: 2 CPU"):
        _check_count(3, ["/cpu:0", "/cpu:1"], "CPU")
    with pytest.raises(ValueError, match="positive number of devices"):
        _check_count(0, ["/cpu:0"], "CPU")
    assert _check_count(None, ["a", "b"], "CPU") == ["a", "b"]


def test_one_device_needs_no_engine():
    if keras.backend.backend() == "torch":
        with pytest.raises(ValueError, match="'torch' backend has no Keras distribution engine"):
            with data_parallel(1):
                pass
        return
    with data_parallel(1) as engine:
        assert engine is None
