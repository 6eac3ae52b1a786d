"""keras_stvideo: five spatio-temporal video-classification papers as Keras 3 code.

The public API is loaded lazily: ``import keras_stvideo`` imports Keras and
nothing heavier; ``keras_stvideo.build_lenet`` and friends import their model
module on first use.

Example:
    >>> import keras_stvideo
    >>> model = keras_stvideo.build_lenet()  # doctest: +SKIP
"""

import importlib

__version__ = "0.1.0"

# The layers are light (keras.ops only); importing them registers them for .keras loading.
from keras_stvideo import layers  # noqa: E402

# public name -> module that defines it (relative to this package)
_LAZY_ATTRIBUTES = {
    # Shan & Atanasov 2017 (paper 002)
    "build_lenet": ".models.shan2017",
    "build_stn_lenet": ".models.shan2017",
    "build_dcn_lenet": ".models.shan2017",
    "build_cnn_lstm": ".models.shan2017",
    # Sun et al. 2015 (paper 001)
    "build_fstcn": ".models.fstcn",
}

_SUBPACKAGES = ("models", "data", "inference")

__all__ = sorted(_LAZY_ATTRIBUTES) + list(_SUBPACKAGES) + ["layers", "__version__"]


def __getattr__(name):
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_ATTRIBUTES:
        module = importlib.import_module(_LAZY_ATTRIBUTES[name], __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'keras_stvideo' has no attribute {name!r}")


def __dir__():
    return __all__
