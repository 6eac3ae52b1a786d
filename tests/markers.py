"""Skip markers for tests that need one backend, each naming why (the backend runs in CI collect every test)."""

import keras
import pytest

BACKEND = keras.backend.backend()


def needs_tensorflow(why):
    """Skip unless the backend is TensorFlow,
    e.g. ``@needs_tensorflow("keras.layers.TFSMLayer reloads the SavedModel")``.
    """
    return pytest.mark.skipif(BACKEND != "tensorflow",
                              reason=f"needs the TensorFlow backend: {why} (running on {BACKEND})")


def needs_backend(*backends, why):
    """Skip unless the backend is one of ``backends``."""
    return pytest.mark.skipif(BACKEND not in backends,
                              reason=f"needs the {' or '.join(backends)} backend: {why} (running on {BACKEND})")
