"""``load_model``: load a ``.keras`` file with every keras_stvideo class registered.

Keras finds a custom class in a ``.keras`` file only once the module that
registers it has been imported. ``import keras_stvideo`` is lazy (it imports
no Keras), so this imports every registering module first.

Example:
    >>> model = keras_stvideo.load_model("dcn_lstm.keras")  # doctest: +SKIP
"""

import importlib

# Every module that registers a class with keras.saving.register_keras_serializable.
REGISTERING_MODULES = (
    "keras_stvideo.layers",
    "keras_stvideo.training.losses",
    "keras_stvideo.models.siamese_c3d.siamese_model",
    "keras_stvideo.models.tesnet.frame_layers",
    "keras_stvideo.models.stcsae.model",  # FrozenSparseCode, STCSAE (Baccouche et al. 2012)
)


def register_all():
    """Import every module that registers a keras_stvideo class with Keras."""
    for name in REGISTERING_MODULES:
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
