"""Every public builder at a small size, with an input for it: the cross-backend and precision tests run them all.

A new builder adds one entry: name -> (function returning the model, shape of one input sample or a list of them).
"""

import numpy as np

import keras_stvideo


def _video_lenet():
    return keras_stvideo.build_cnn_lstm(keras_stvideo.build_lenet(input_shape=(32, 32, 1)), sequence_length=3)


def _stcsae_lstm():
    autoencoder = keras_stvideo.build_stcsae((3, 4, 4, 1), code_units=64)
    return keras_stvideo.build_stcsae_lstm(autoencoder, (5, 8, 8, 1), num_classes=3, lstm_units=4)


def _c3d_small():
    return keras_stvideo.build_c3d_small((4, 16, 16, 3), filters=(4,) * 5, fc_units=16)


def _tesnet_small_backbone():
    """TeSNet's TS layer on the input and its consensus, with a one-convolution backbone (fast on every backend)."""
    import keras

    frames = keras.Input((16, 16, 3))
    backbone = keras.Model(frames, keras.layers.Conv2D(4, 3, strides=2, name="only_conv")(frames))
    return keras_stvideo.build_tesnet(3, frames=6, setting=1, backbone=backbone)


BUILDERS = {
    "lenet": (lambda: keras_stvideo.build_lenet(input_shape=(32, 32, 1)), (32, 32, 1)),
    "stn_lenet": (lambda: keras_stvideo.build_stn_lenet(input_shape=(32, 32, 1)), (32, 32, 1)),
    "dcn_lenet": (lambda: keras_stvideo.build_dcn_lenet(input_shape=(32, 32, 1)), (32, 32, 1)),
    "cnn_lstm": (_video_lenet, (3, 32, 32, 1)),
    "stcsae_lstm": (_stcsae_lstm, (5, 8, 8, 1)),
    "fstcn": (lambda: keras_stvideo.build_fstcn(3, input_size=112, clip_length=2, fc_units=(8, 8), fusion_units=8),
              [(2, 112, 112, 3), (2, 112, 112, 3)]),
    "c3d_classifier": (lambda: keras_stvideo.build_c3d_classifier(4, input_shape=(4, 16, 16, 3)), (4, 16, 16, 3)),
    "c3d_small": (_c3d_small, (4, 16, 16, 3)),
    "siamese_c3d": (lambda: keras_stvideo.build_siamese_c3d(tower=_c3d_small(), head_units=8),
                    [(4, 16, 16, 3), (4, 16, 16, 3)]),
    "stcsae": (lambda: keras_stvideo.build_stcsae((3, 4, 4, 1), code_units=64), (3, 4, 4, 1)),
    # Inception-ResNet-V2 at its smallest input (75 px); setting 5 puts a TS layer inside the backbone.
    "tesnet": (lambda: keras_stvideo.build_tesnet(3, frames=3, setting=5, input_size=75), (3, 75, 75, 3)),
    "tesnet_small_backbone": (_tesnet_small_backbone, (6, 16, 16, 3)),
    "tsn": (lambda: keras_stvideo.build_tsn(3, segments=2, input_size=75), (2, 75, 75, 3)),
}

# Builders whose output is not class probabilities: features (the C3D tower), a pair score (the Siamese C3D),
# a reconstruction (ST-CSAE).
NOT_PROBABILITIES = {"c3d_small", "siamese_c3d", "stcsae"}

# Builders whose models take tens of seconds to build on 2 shared cores (Inception-ResNet-V2): their
# quick-suite tests carry the slow marker.
HEAVY = {"tesnet", "tsn"}


def sample_inputs(name, batch=2, seed=0):
    """Random inputs for ``BUILDERS[name]``: one array, or a list for a model of several inputs."""
    rng = np.random.default_rng(seed)
    shapes = BUILDERS[name][1]
    if isinstance(shapes, list):
        return [rng.random((batch,) + shape, dtype=np.float32) for shape in shapes]
    return rng.random((batch,) + shapes, dtype=np.float32)
