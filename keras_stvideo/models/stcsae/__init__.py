"""Baccouche et al. 2012, "Spatio-Temporal Convolutional Sparse Auto-Encoder for Sequence Classification".

The auto-encoder and the LSTM sequence classifier (``model``), its energy-based
training step with best-shift search (``training``), grey MotionClips for
quick runs (``quick_data``) and the KTH reproduction (``reproduction``).
"""

from keras_stvideo.utils.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "build_stcsae": ".model",
    "build_stcsae_encoder": ".model",
    "build_stcsae_decoder": ".model",
    "build_stcsae_features": ".model",
    "build_stcsae_lstm": ".model",
    "build_sequence_head": ".model",
    "STCSAE": ".training",
    "shifted_patches": ".training",
    "shift_offsets": ".training",
})
