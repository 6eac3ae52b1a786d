"""Custom Keras layers for the five papers, one public layer per module, ``keras.ops`` only."""

import importlib

_LAYER_MODULES = {
    "SparsifyingLogistic": "sparsifying_logistic",
    "TPermute": "t_permute",
    "TemporalSqueeze": "temporal_squeeze",
    "DeformableConv2D": "deformable_conv2d",
    "ConvOffset2D": "conv_offset2d",
    "SpatialTransformer": "spatial_transformer",
    "LocalResponseNormalization": "local_response_normalization",
}

__all__ = sorted(_LAYER_MODULES)


def __getattr__(name):
    if name in _LAYER_MODULES:
        module = importlib.import_module(f".{_LAYER_MODULES[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'keras_stvideo.layers' has no attribute {name!r}")
