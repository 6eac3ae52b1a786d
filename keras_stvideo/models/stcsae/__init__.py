"""Baccouche et al. 2012, "Spatio-Temporal Convolutional Sparse Auto-Encoder for Sequence Classification".

The auto-encoder with its energy-based training step and best-shift search
(``stcsae_autoencoder``), the LSTM sequence classifier on its sparse codes
(``stcsae_classifier``) and the named configurations (``stcsae_presets``).
The KTH reproduction and the quick data live in ``keras_stvideo.reproductions.stcsae``.
"""

from keras_stvideo.utils.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "build_stcsae": ".stcsae_autoencoder",
    "build_stcsae_encoder": ".stcsae_autoencoder",
    "build_stcsae_decoder": ".stcsae_autoencoder",
    "STCSAE": ".stcsae_autoencoder",
    "shifted_patches": ".stcsae_autoencoder",
    "shift_offsets": ".stcsae_autoencoder",
    "build_stcsae_features": ".stcsae_classifier",
    "build_stcsae_lstm": ".stcsae_classifier",
    "build_sequence_head": ".stcsae_classifier",
})
