"""A small 2D CNN of Inception-ResNet-V2's family, and TeSNet on it (``stvideo compare``'s and the quick run's).

Inception-ResNet-V2 trained from scratch on 2 CPU cores is hours per run; this backbone keeps its stem-and-blocks
shape at 0.2 M parameters (the "tesnet_compare" preset).
"""

import keras

from keras_stvideo.models.tesnet.tesnet_classifier import build_tesnet

RESIDUAL_SCALE = 0.17  # Inception-ResNet-V2's scale of the block-35 (A) residuals


def build_small_backbone(input_shape, stem_filters=(32, 64), block_filters=32, blocks=2,
                         residual_scale=RESIDUAL_SCALE):
    """A small 2D CNN of Inception-ResNet-V2's family: frames (H, W, 3) in [-1, 1] -> (H/4, W/4, channels).

    Stem: conv 3x3 (stem_filters[0]), conv 3x3 stride 2 (stem_filters[1]), max-pool 2, each conv with batch
    norm and ReLU; then ``blocks`` Inception-ResNet-A blocks (Szegedy et al. 2017, Fig. 16 / Keras' block35:
    branches 1x1, 1x1-3x3 and 1x1-3x3-3x3 of ``block_filters``, concatenated, a linear 1x1 back to the
    input's channels, added with scale ``residual_scale`` (0.17), ReLU).
    """

    def conv(x, filters, kernel, strides=1, activation="relu", name=None):
        x = keras.layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False, name=name)(x)
        x = keras.layers.BatchNormalization(name=None if name is None else f"{name}_bn")(x)
        return keras.layers.Activation(activation)(x) if activation else x

    inputs = keras.Input(tuple(input_shape), name="frames")
    x = conv(inputs, stem_filters[0], 3, name="stem_conv1")
    x = conv(x, stem_filters[1], 3, strides=2, name="stem_conv2")
    x = keras.layers.MaxPooling2D(2, name="stem_pool")(x)
    channels = stem_filters[1]
    for number in range(1, blocks + 1):
        b0 = conv(x, block_filters, 1)
        b1 = conv(conv(x, block_filters, 1), block_filters, 3)
        b2 = conv(conv(conv(x, block_filters, 1), block_filters, 3), block_filters, 3)
        mixed = keras.layers.Concatenate(name=f"block_a{number}_mixed")([b0, b1, b2])
        up = keras.layers.Conv2D(channels, 1, name=f"block_a{number}_conv")(mixed)
        up = keras.layers.Rescaling(residual_scale, name=f"block_a{number}_scale")(up)
        x = keras.layers.Add(name=f"block_a{number}")([x, up])
        x = keras.layers.Activation("relu", name=f"block_a{number}_ac")(x)
    return keras.Model(inputs, x, name="small_inception_resnet")


def build_small_tesnet(num_classes, frames, frame_shape, stem_filters=(32, 64), block_filters=32, blocks=2,
                       residual_scale=RESIDUAL_SCALE, **tesnet_options):
    """TeSNet (``build_tesnet``) of ``frames`` frames on ``build_small_backbone(frame_shape, ...)``;
    ``tesnet_options`` go to ``build_tesnet`` (setting, ts_basis, consensus, beta, batchnorm_momentum, ...)."""
    backbone = build_small_backbone(tuple(frame_shape), stem_filters, block_filters, blocks, residual_scale)
    return build_tesnet(num_classes, frames=frames, backbone=backbone, **tesnet_options)
