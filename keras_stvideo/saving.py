"""``load_model``: load a ``.keras`` file with every keras_stvideo class registered.

Keras finds a custom class in a ``.keras`` file only once the module that
registers it has been imported. ``import keras_stvideo`` is lazy (it imports
no Keras), so this imports every registering module first: every module of the
package whose source calls ``keras.saving.register_keras_serializable``.

Example:
    >>> model = keras_stvideo.load_model("dcn_lstm.keras")  # doctest: +SKIP
"""

import functools
import importlib
import pathlib

_PACKAGE_ROOT = pathlib.Path(__file__).resolve().parent
_REGISTERS = "register_keras_serializable("


@functools.cache
def registering_modules():
    """The modules of the package whose source registers a class with Keras, found by reading the files (no
    hand-kept list: a class registered where it is defined is found wherever it lives), in a stable order."""
    names = []
    for path in sorted(_PACKAGE_ROOT.rglob("*.py")):
        if _REGISTERS in path.read_text(encoding="utf-8") and path != pathlib.Path(__file__).resolve():
            parts = path.relative_to(_PACKAGE_ROOT.parent).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return tuple(names)


def register_all():
    """Import every module that registers a keras_stvideo class with Keras."""
    for name in registering_modules():
        importlib.import_module(name)


def load_model(path, **kwargs):
    """``keras.saving.load_model(path, **kwargs)`` after ``register_all()``.

    A missing file, or one that is not a ``.keras`` archive (a text file, a
    truncated download), raises an error naming the path before Keras is asked.
    """
    import keras

    from keras_stvideo.utils.paths import check_keras_archive

    check_keras_archive(path)
    register_all()
    return keras.saving.load_model(path, **kwargs)
