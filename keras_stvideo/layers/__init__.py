"""Custom Keras layers for the five papers, one public layer per module, ``keras.ops`` only.

Importing this package registers every layer with Keras's serialisation, so
``.keras`` files that use them load after ``import keras_stvideo``.
"""

from keras_stvideo.layers.conv_offset2d import ConvOffset2D
from keras_stvideo.layers.deformable_conv2d import DeformableConv2D
from keras_stvideo.layers.frame_selector import FrameSelector
from keras_stvideo.layers.local_response_normalization import LocalResponseNormalization
from keras_stvideo.layers.sparsifying_logistic import SparsifyingLogistic
from keras_stvideo.layers.spatial_transformer import SpatialTransformer
from keras_stvideo.layers.t_permute import TPermute
from keras_stvideo.layers.temporal_squeeze import TemporalSqueeze

__all__ = [
    "ConvOffset2D",
    "DeformableConv2D",
    "FrameSelector",
    "LocalResponseNormalization",
    "SparsifyingLogistic",
    "SpatialTransformer",
    "TPermute",
    "TemporalSqueeze",
]
