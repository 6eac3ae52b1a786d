"""MNIST digits that work offline.

``load_mnist`` returns the arrays in the ``keras.datasets.mnist`` layout,
``((x_train, y_train), (x_test, y_test))``, from the first source that works,
local copies first:

1. ``path``: an ``.npz`` with keys ``x_train``, ``y_train``, ``x_test``, ``y_test``;
2. the ``KERAS_STVIDEO_MNIST`` environment variable (same format);
3. Keras's cache, ``~/.keras/datasets/mnist.npz`` (where ``stvideo data fetch mnist`` puts it);
4. a download of Keras's ``mnist.npz`` into that cache (checksum verified, written
   atomically), when ``allow_download`` and ``KERAS_STVIDEO_OFFLINE`` is not set;
   tried once per process: after a failure later calls go straight to 5;
5. the 10,000 real MNIST *test* digits embedded in the package. They are split
   into two disjoint halves: the first 5,000 act as ``x_train``, the last 5,000
   as ``x_test``, so that train and test sequences never share a digit image.

One log line (logger ``keras_stvideo.data.mnist``) says which source is used,
once per process and source: INFO for a full copy, WARNING for the embedded
digits (with the reason and how to get the full set).

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_mnist()  # doctest: +SKIP
"""

import logging
import os
import pathlib
import zipfile

import numpy as np

logger = logging.getLogger(__name__)

EMBEDDED_DIGITS = pathlib.Path(__file__).resolve().parent.parent / "_assets" / "mnist_test_digits.npz"
KERAS_CACHE = pathlib.Path(os.environ.get("KERAS_HOME", pathlib.Path.home() / ".keras")) / "datasets" / "mnist.npz"
ENV_VARIABLE = "KERAS_STVIDEO_MNIST"
OFFLINE_VARIABLE = "KERAS_STVIDEO_OFFLINE"
URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
DOWNLOAD_TIMEOUT = 15
_KEYS = ("x_train", "y_train", "x_test", "y_test")
_download_failure = None  # the reason the one download attempt of this process failed
_announced = set()  # the source lines already logged by this process (each is logged once)


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
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError(f"it holds one array {getattr(data, 'shape', '')}, not named arrays")
        with data:
            arrays = {key: data[key] for key in data.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        message = "it is not a NumPy file" if "pickled" in str(error) else " ".join(str(error).split())
        raise ValueError(f"{path} is not an MNIST .npz file in the keras.datasets.mnist layout: {message}") from None
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


def _announce(level, message):
    if message not in _announced:
        _announced.add(message)
        logger.log(level, message)


def _describe(arrays, source):
    (x_train, _), (x_test, _) = arrays
    _announce(logging.INFO, f"MNIST: {source} ({len(x_train)} training, {len(x_test)} test digits)")
    return arrays


def download_mnist(target=None, timeout=DOWNLOAD_TIMEOUT):
    """Download Keras's ``mnist.npz`` to ``target`` (default: Keras's cache), verified and atomic; return its path."""
    from keras_stvideo.data.download import download

    target = pathlib.Path(target or KERAS_CACHE)
    download(URL, target, sha256=SHA256, progress=False, timeout=timeout)
    return target


def load_mnist(path=None, allow_download=True):
    """Load MNIST from the first available source (see the module docstring).

    Args:
        path: optional path to an ``.npz`` in the ``keras.datasets.mnist`` layout.
        allow_download: whether to try downloading when no local copy exists.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``, uint8 images of 28 x 28.
    """
    global _download_failure
    if path is not None:
        return _describe(load_npz(path), path)
    if os.environ.get(ENV_VARIABLE):
        return _describe(load_npz(os.environ[ENV_VARIABLE]), f"{os.environ[ENV_VARIABLE]} (from ${ENV_VARIABLE})")
    reason = None
    if KERAS_CACHE.is_file():
        try:
            return _describe(load_npz(KERAS_CACHE), KERAS_CACHE)
        except ValueError as error:
            reason = f"the cached copy is unusable: {error}"
    if not allow_download:
        reason = reason or "no local copy and downloading is off"
    elif os.environ.get(OFFLINE_VARIABLE):
        reason = reason or f"no local copy and ${OFFLINE_VARIABLE} is set"
    elif _download_failure is not None:
        reason = _download_failure
    elif reason is None:
        try:
            return _describe(load_npz(download_mnist()), f"downloaded to {KERAS_CACHE}")
        except Exception as error:  # no network, proxy, checksum...: fall back, and do not try again
            _download_failure = reason = f"no local copy and the download failed ({error})"
    _announce(logging.WARNING,
              "MNIST: using the 10,000 test digits embedded in keras_stvideo (5,000 for training, 5,000 for testing): "
              f"{reason}. For the full 70,000 digits run 'stvideo data fetch mnist' or pass a path.")
    return load_embedded_digits()
