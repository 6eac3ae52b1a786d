"""MNIST digits that work offline.

``load_mnist`` returns the arrays in the ``keras.datasets.mnist`` layout,
``((x_train, y_train), (x_test, y_test))``, from the first source that works:

1. ``path``: an ``.npz`` with keys ``x_train``, ``y_train``, ``x_test``, ``y_test``;
2. the ``KERAS_STVIDEO_MNIST`` environment variable (same format);
3. Keras's cache, ``~/.keras/datasets/mnist.npz`` (where ``data_scripts/fetch_mnist.py`` puts it);
4. ``keras.datasets.mnist.load_data()`` (downloads), when ``allow_download``;
5. the 10,000 real MNIST *test* digits embedded in the package. They are split
   into two disjoint halves: the first 5,000 act as ``x_train``, the last 5,000
   as ``x_test``, so that train and test sequences never share a digit image.
   A warning says so and how to get the full set.

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_mnist()  # doctest: +SKIP
"""

import logging
import os
import pathlib

import numpy as np

logger = logging.getLogger(__name__)

EMBEDDED_DIGITS = pathlib.Path(__file__).resolve().parent.parent / "_assets" / "mnist_test_digits.npz"
KERAS_CACHE = pathlib.Path(os.environ.get("KERAS_HOME", pathlib.Path.home() / ".keras")) / "datasets" / "mnist.npz"
ENV_VARIABLE = "KERAS_STVIDEO_MNIST"
_KEYS = ("x_train", "y_train", "x_test", "y_test")


def _check_arrays(arrays, source):
    for key in _KEYS:
        if key not in arrays:
            raise ValueError(f"MNIST file {source} lacks the array {key!r}; expected keys {_KEYS}")
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28) or x.dtype != np.uint8:
            raise ValueError(
                f"MNIST file {source}: x_{split} must be uint8 of shape (N, 28, 28), "
                f"got {x.dtype} {x.shape}"
            )
        if y.shape != (x.shape[0],):
            raise ValueError(
                f"MNIST file {source}: y_{split} must have shape ({x.shape[0]},), got {y.shape}"
            )


def load_npz(path):
    """Read an MNIST ``.npz`` in the ``keras.datasets.mnist`` layout."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"MNIST file not found: {path}")
    with np.load(path) as data:
        arrays = {key: data[key] for key in data.files}
    _check_arrays(arrays, path)
    return (arrays["x_train"], arrays["y_train"].astype(np.uint8)), (
        arrays["x_test"],
        arrays["y_test"].astype(np.uint8),
    )


def load_embedded_digits():
    """The 10,000 MNIST test digits shipped with the package, split into two disjoint halves."""
    with np.load(EMBEDDED_DIGITS) as data:
        x, y = data["x_test"], data["y_test"]
    half = len(x) // 2
    return (x[:half], y[:half]), (x[half:], y[half:])


def load_mnist(path=None, allow_download=True):
    """Load MNIST from the first available source (see the module docstring).

    Args:
        path: optional path to an ``.npz`` in the ``keras.datasets.mnist`` layout.
        allow_download: whether to try ``keras.datasets.mnist.load_data()``.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``, uint8 images of 28 x 28.
    """
    if path is not None:
        return load_npz(path)
    if os.environ.get(ENV_VARIABLE):
        return load_npz(os.environ[ENV_VARIABLE])
    if KERAS_CACHE.is_file():
        try:
            return load_npz(KERAS_CACHE)
        except ValueError as error:
            logger.warning("Ignoring the cached MNIST file: %s", error)
    if allow_download:
        try:
            import keras

            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
            return (x_train, y_train), (x_test, y_test)
        except Exception as error:  # no network, proxy, checksum...: fall back
            logger.warning("Could not download MNIST (%s).", error)
    logger.warning(
        "Using the 10,000 MNIST test digits embedded in keras_stvideo (5,000 for training, "
        "5,000 for testing). For the full 70,000 digits run "
        "'python data_scripts/fetch_mnist.py' or pass load_mnist(path=...)."
    )
    return load_embedded_digits()
