"""Shared pytest set-up: the Keras backend, seeds, and paths to shared data."""

import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

SHARED_MNIST = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist.npz"


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(1234)
    np.random.seed(1234)
    yield


@pytest.fixture
def shared_mnist_path():
    """Path to ../shared/data/mnist.npz, or skip when the folder is absent."""
    if not SHARED_MNIST.exists():
        pytest.skip("../shared/data/mnist.npz not present")
    return SHARED_MNIST
