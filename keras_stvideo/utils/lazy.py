"""One lazy-export mechanism for every package of keras_stvideo (PEP 562).

A package lists its public names and the submodule that defines each; the
submodule is imported on first access only, so ``import keras_stvideo`` (and
``stvideo --help``) does not import Keras or TensorFlow.

Example:
    >>> __getattr__, __dir__, __all__ = lazy_exports(__name__, {"build_lenet": ".models.attention_lstm"})
"""

import importlib

from keras_stvideo.utils.import_hooks import run_settled


def lazy_exports(package, exports):
    """Return ``(__getattr__, __dir__, __all__)`` for ``package`` from ``{name: relative module}``."""
    exports = dict(exports)

    def __getattr__(name):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(exports[name], package)
        run_settled()  # e.g. the class registration that the first import of Keras deferred (keras_stvideo/__init__)
        if exports[name] == f".{name}":  # a subpackage exported under its own name
            return module
        return getattr(module, name)

    def __dir__():
        return sorted(exports)

    return __getattr__, __dir__, sorted(exports)
