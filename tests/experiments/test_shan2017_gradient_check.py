"""experiments/shan2017/gradient_check.py: a second run starts from the first run's weights and compares gradients."""

import json

import numpy as np
import pytest

from tests.experiments.scripts import load_experiment
from tests.markers import needs_backend


@pytest.mark.slow  # two LeNet-LSTM gradients on a batch of 50 videos
@needs_backend("jax", "tensorflow", why="the script takes its gradients with jax.value_and_grad or tf.GradientTape")
def test_the_same_device_twice_gives_the_same_gradient(tmp_path):
    module = load_experiment("shan2017", "gradient_check")
    module.main(["--out", str(tmp_path / "first.npz")])
    module.main(["--out", str(tmp_path / "second.npz"), "--against", str(tmp_path / "first.npz")])
    first, second = np.load(tmp_path / "first.npz"), np.load(tmp_path / "second.npz")
    np.testing.assert_array_equal(first["weight_0"], second["weight_0"])  # the second run took the first's weights
    report = json.loads((tmp_path / "second.json").read_text())
    assert len(report["variables"]) == 11  # LeNet up to fc-500 (6), the LSTM (3) and the softmax (2)
    for name, entry in report["variables"].items():
        assert entry["cosine"] == pytest.approx(1.0, abs=1e-4), name
        assert entry["relative_error"] < 1e-3, name
