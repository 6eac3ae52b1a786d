"""The Siamese C3D's training step (``compute_loss`` + ``compute_metrics``) under ``model.fit`` on every installed
backend.

Each backend runs ``backend_fit_check.py`` in a subprocess with KERAS_BACKEND set,
because Keras fixes its backend at import; a backend whose package is missing
is skipped with the reason.
"""

import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.mark.slow
@pytest.mark.parametrize("backend, module", [("tensorflow", "tensorflow"), ("jax", "jax"), ("torch", "torch")])
def test_training_step_on_backend(backend, module):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"the {backend} backend needs the '{module}' package, which is not installed")
    env = dict(os.environ, KERAS_BACKEND=backend, CUDA_VISIBLE_DEVICES="", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "tests.models.siamese_c3d.backend_fit_check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{backend}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert f"OK {backend}" in result.stdout
