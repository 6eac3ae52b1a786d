"""Run the layer tests on the JAX and PyTorch backends, when those are installed.

Each backend runs in a subprocess with KERAS_BACKEND set, because Keras fixes
its backend at import. Gradient tests use ``tests.layer_checks.gradients``, which
differentiates on each backend, so every layer test runs on every backend.
"""

import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("backend, module", [("jax", "jax"), ("torch", "torch")])
def test_layer_suite_on_backend(backend, module):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"the {backend} backend needs the '{module}' package, which is not installed")
    env = dict(os.environ, KERAS_BACKEND=backend, CUDA_VISIBLE_DEVICES="")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/layers", "-q", "-p", "no:cacheprovider",
         "--ignore=tests/layers/test_other_backends.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, f"layer tests failed on {backend}:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
