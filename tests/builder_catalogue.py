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


BUILDERS = {
    "lenet": (lambda: keras_stvideo.build_lenet(input_shape=(32, 32, 1)), (32, 32, 1)),
    "stn_lenet": (lambda: keras_stvideo.build_stn_lenet(input_shape=(32, 32, 1)), (32, 32, 1)),
    "dcn_lenet": (lambda: keras_stvideo.build_dcn_lenet(input_shape=(32, 32, 1)), (32, 32, 1)),
    "cnn_lstm": (_video_lenet, (3, 32, 32, 1)),
    "stcsae_lstm": (_stcsae_lstm, (5, 8, 8, 1)),
    "fstcn": (lambda: keras_stvideo.build_fstcn(3, input_size=112, clip_length=2, fc_units=(8, 8), fusion_units=8),
              [(2, 112, 112, 3), (2, 112, 112, 3)]),
    "c3d_classifier": (lambda: keras_stvideo.build_c3d_classifier(4, input_shape=(4, 16, 16, 3)), (4, 16, 16, 3)),
}


def sample_inputs(name, batch=2, seed=0):
    """Random inputs for ``BUILDERS[name]``: one array, or a list for a model of several inputs."""
    rng = np.random.default_rng(seed)
    shapes = BUILDERS[name][1]
    if isinstance(shapes, list):
        return [rng.random((batch,) + shape, dtype=np.float32) for shape in shapes]
    return rng.random((batch,) + shapes, dtype=np.float32)
