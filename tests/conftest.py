"""Shared pytest set-up: the Keras backend, seeds, and paths to shared data."""

import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

SHARED_MNIST = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist.npz"


@pytest.fixture(autouse=True, scope="session")
def _fixed_mnist(tmp_path_factory):
    """MNIST is the embedded digits in every test and every process a test starts, whatever ~/.keras holds.

    ``load_mnist()`` reads the ``KERAS_STVIDEO_MNIST`` file first, so results do not depend on the
    machine's Keras cache or network. Tests of the other sources set or remove the variable themselves.
    """
    from keras_stvideo.data import mnist

    path = tmp_path_factory.mktemp("mnist") / "embedded_digits.npz"
    (x_train, y_train), (x_test, y_test) = mnist.load_embedded_digits()
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    previous = os.environ.get(mnist.ENV_VARIABLE)
    os.environ[mnist.ENV_VARIABLE] = str(path)
    yield path
    if previous is None:
        os.environ.pop(mnist.ENV_VARIABLE, None)
    else:
        os.environ[mnist.ENV_VARIABLE] = previous


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
