"""keras_stvideo: five spatio-temporal video-classification papers as Keras 3 code.

Everything is exported lazily (``keras_stvideo.utils.lazy``): ``import
keras_stvideo`` on its own imports neither Keras nor TensorFlow (so ``stvideo
--help`` is instant); ``keras_stvideo.build_lenet`` and friends import their
paper's module on first use. Every custom class is registered with Keras as soon
as Keras is imported (at once if it already is), so ``import keras_stvideo``
followed by ``keras.saving.load_model`` works in either import order, as does
``keras_stvideo.load_model``.

Example:
    >>> import keras_stvideo
    >>> model = keras_stvideo.build_lenet()  # doctest: +SKIP
"""

from keras_stvideo.utils.import_hooks import call_after_import, call_when_settled
from keras_stvideo.utils.lazy import lazy_exports

__version__ = "0.1.0"

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    # Shan & Atanasov 2017: models/attention_lstm
    "build_lenet": ".models.attention_lstm",
    "build_stn_lenet": ".models.attention_lstm",
    "build_dcn_lenet": ".models.attention_lstm",
    "build_cnn_lstm": ".models.attention_lstm",
    # Sun et al. 2015: models/fstcn
    "build_fstcn": ".models.fstcn",
    # Paul et al. 2018: models/siamese_c3d
    "build_c3d_small": ".models.siamese_c3d",
    "build_siamese_c3d": ".models.siamese_c3d",
    "build_c3d_classifier": ".models.siamese_c3d",
    # Huang & Bors 2020: models/tesnet
    "build_tesnet": ".models.tesnet",
    "build_tsn": ".models.tesnet",
    # Baccouche et al. 2012: models/stcsae
    "build_stcsae": ".models.stcsae",
    "build_stcsae_lstm": ".models.stcsae",
    # named configurations: the paper's and each reduced one (models/<method>/<method>_presets.py)
    "list_presets": ".models.presets",
    "get_preset": ".models.presets",
    "build_from_preset": ".models.presets",
    # loading .keras files with every custom class registered
    "load_model": ".saving",
    # subpackages
    "layers": ".layers",
    "models": ".models",
    "data": ".data",
    "inference": ".inference",
    "training": ".training",
    "utils": ".utils",
})


def _register_all():
    from keras_stvideo.saving import register_all

    # When a module of the package is what imports Keras first, registering now would import its siblings while
    # it is half imported; the registration then waits until it has finished (lazy exports run it).
    call_when_settled("keras_stvideo", register_all)


# Register the custom classes for keras.saving.load_model as soon as Keras is loaded (now, if it is already):
# ``import keras_stvideo`` itself stays free of Keras.
call_after_import("keras", _register_all)
