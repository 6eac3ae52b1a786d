"""The smaller C3D of Tran et al. 2015 (Paul et al. 2018's reference [27]), the tower T of Paul et al. 2018's Eq. 1.

Layout, from Tran et al. 2015 section 3.1 ("Common network settings"), the
network Paul et al. 2018 section 2 calls "the smaller C3D network defined in their paper":

====================  ==========================================================
input                 16 x 112 x 112 x 3 crops (3.1: "3 x 16 x 112 x 112")
conv1 .. conv5        3 x 3 x 3 convolutions (3.2 finds depth 3 best), stride 1,
                      "same" padding, 64, 128, 256, 256, 256 filters, ReLU
pool1                 max pooling 1 x 2 x 2, stride 1 x 2 x 2 ("not to merge the
                      temporal signal too early")
pool2 .. pool5        max pooling 2 x 2 x 2, stride 2
fc6, fc7              2048 units each, ReLU (3.1: "The two fully connected layers
                      have 2048 outputs"), dropout 0.5 (Paul et al. 2018 section 2)
====================  ==========================================================

Input volumes are in [0, 1] (what ``PairMiningDataset`` and ``volume_sampler``
serve); a first ``Rescaling`` maps them to [-1, 1], standing in for C3D's
mean-clip subtraction. Without it, training from [0, 1] inputs stalls at the
initial loss (all ReLU inputs positive and small).

fc7's 2048-d output is the feature f = T(x) (Paul et al. 2018 section 2, "feature
vectors f^1, f^2 in R^2048"; section 3 extracts it as "fc7"). Pooling rounds up
(``padding="same"``), as Caffe, in which C3D was written, does: pool5 maps 7 x 7
to 4 x 4 at 112 x 112 input, as in the released C3D.
"""

import keras
from keras import layers

from keras_stvideo.models.frame_differences import frame_differences
from keras_stvideo.models.siamese_c3d.siamese_c3d_presets import (SIAMESE_C3D_CLASSIFIER_PAPER,
                                                                SIAMESE_C3D_TOWER_PAPER)

# The paper's numbers, written once in the presets (siamese_c3d_presets.py).
_TOWER, _CLASSIFIER = SIAMESE_C3D_TOWER_PAPER.config, SIAMESE_C3D_CLASSIFIER_PAPER.config
C3D_SMALL_FILTERS = _TOWER["filters"]  # Tran et al. 2015, section 3.1
C3D_SMALL_FC_UNITS = _TOWER["fc_units"]  # Tran et al. 2015, section 3.1; Paul et al. 2018 section 2 (f in R^2048)
# He et al. 2015's ReLU initialisation. Keras' default (Glorot uniform) halves the activations' variance at
# every ReLU layer of this normalisation-free stack: measured on 8 x 16 x 16 volumes, the activations' std
# fell from 0.51 (input) to 0.003 (fc7), a third of fc7's units silent, and 64 clips were not fitted in
# 120 steps (40% accuracy); He normal keeps the scale (the paper's Caffe C3D sets no initialiser we can copy).
KERNEL_INITIALIZER = "he_normal"


def _check_shape(input_shape):
    input_shape = tuple(input_shape)
    if len(input_shape) != 4 or any(not isinstance(d, int) or d < 1 for d in input_shape):
        raise ValueError(f"input_shape must be (frames, height, width, channels) positive integers, "
                         f"got {input_shape!r}")
    return input_shape


def build_c3d_small(input_shape=_TOWER["input_shape"], filters=C3D_SMALL_FILTERS, fc_units=C3D_SMALL_FC_UNITS,
                    dropout=_TOWER["dropout"], kernel_initializer=KERNEL_INITIALIZER, batch_norm=False,
                    frame_differences=False,
                    name="c3d_small"):
    """The smaller C3D (Tran et al. 2015, section 3.1) up to fc7: the tower T of Paul et al. 2018, Eq. 1.

    Args:
        input_shape: (frames, height, width, channels) of one volume; (16, 112, 112, 3)
            as in Tran et al. 2015 section 3.1. Smaller shapes are for tests.
        filters: filters of conv1..conv5 (64, 128, 256, 256, 256).
        fc_units: units of fc6 and fc7 (2048).
        dropout: dropout after fc6 and fc7 (0.5, Paul et al. 2018 section 2).
        kernel_initializer: of every convolution and fc layer; "he_normal" (the default, see
            ``KERNEL_INITIALIZER``) keeps the ReLU activations' scale through the normalisation-free stack.
        batch_norm: batch normalisation between each convolution / fc6 / fc7 and its ReLU (not in C3D;
            False, the default, is Tran et al. 2015's stack).
        frame_differences: give conv1 each (centred) frame with its difference from the previous frame (zero
            for the first), 2C channels (not in C3D; False, the default, is its raw frames).
        name: model name.

    Returns:
        A functional ``keras.Model`` from (B, T, H, W, C) volumes to (B, fc_units) features.

    Example:
        >>> tower = build_c3d_small()  # doctest: +SKIP
        >>> tower.output.shape  # doctest: +SKIP
        (None, 2048)

    Reference: D. Tran et al., "Learning spatiotemporal features with 3D convolutional networks", ICCV 2015.
    """
    input_shape = _check_shape(input_shape)
    if len(filters) != 5:
        raise ValueError(f"filters must list 5 convolution widths, got {filters!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must lie in [0, 1), got {dropout!r}")
    inputs = keras.Input(input_shape, name="volume")
    # Volumes come in [0, 1]; C3D subtracts the mean clip (Tran et al. 2015, 3.1), here [0, 1] -> [-1, 1].
    x = layers.Rescaling(2.0, offset=-1.0, name="centre")(inputs)
    if frame_differences:
        x = layers.Concatenate(name="frames_and_differences")([x, _differences(x)])
    for i, width in enumerate(filters, start=1):
        x = layers.Conv3D(width, 3, padding="same", activation=None if batch_norm else "relu",
                          use_bias=not batch_norm, kernel_initializer=kernel_initializer, name=f"conv{i}")(x)
        if batch_norm:
            x = layers.Activation("relu", name=f"relu{i}")(layers.BatchNormalization(name=f"bn{i}")(x))
        pool = (1, 2, 2) if i == 1 else (2, 2, 2)
        x = layers.MaxPooling3D(pool, strides=pool, padding="same", name=f"pool{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    for fc in ("fc6", "fc7"):
        if fc == "fc7":
            x = layers.Dropout(dropout, name="dropout6")(x)
        x = layers.Dense(fc_units, activation=None if batch_norm else "relu", use_bias=not batch_norm,
                         kernel_initializer=kernel_initializer, name=fc)(x)
        if batch_norm:
            x = layers.Activation("relu", name=f"{fc}_relu")(layers.BatchNormalization(name=f"{fc}_bn")(x))
    x = layers.Dropout(dropout, name="dropout7")(x)
    return keras.Model(inputs, x, name=name)


def _differences(frames):
    """``frames[t] - frames[t - 1]`` along the time axis, zero at t = 0 (as many frames as the input)."""
    _, differences = frame_differences(frames)
    return layers.ZeroPadding3D(((1, 0), (0, 0), (0, 0)), name="no_difference_at_the_start")(differences)


def build_c3d_classifier(num_classes, input_shape=_CLASSIFIER["input_shape"], tower=None,
                         dropout=_CLASSIFIER["dropout"],
                         head_initializer="glorot_uniform", name="c3d_classifier"):
    """A C3D action classifier: the small C3D tower and a softmax over ``num_classes`` (Paul et al. 2018 Table 1).

    With ``tower`` given (a trained ``build_c3d_small`` model, e.g. ``siamese.tower``)
    the classifier's tower starts from a copy of its weights ("Ours" in Table 1);
    without it, from random initialisation (Table 1's "C3D [27]" column).

    Args:
        num_classes: classes (51 for HMDB51, 101 for UCF101).
        input_shape: volume shape; taken from ``tower`` when it is given.
        tower: optional pre-trained tower whose weights are copied (not shared).
        dropout: dropout of a freshly built tower (0.5).
        head_initializer: fc8's kernel initialiser. "zeros" starts the classifier at the uniform prediction
            (loss ln num_classes) whatever the tower's feature scale: a Siamese-trained fc7 measured features
            large enough for a Glorot fc8 to start at a loss of 14.9 on 6 classes.
        name: model name.
    """
    if not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2, got {num_classes!r}")
    if tower is not None:
        input_shape = tuple(tower.input.shape[1:])
        config = tower.get_config()
        fresh = keras.Model.from_config(config)
        fresh.set_weights(tower.get_weights())
        fresh.name = "c3d_small"
        base = fresh
    else:
        base = build_c3d_small(input_shape, dropout=dropout)
    inputs = keras.Input(tuple(input_shape), name="volume")
    # float32 softmax under a mixed-precision policy
    outputs = layers.Dense(num_classes, activation="softmax", kernel_initializer=head_initializer, name="fc8",
                           dtype="float32")(base(inputs))
    return keras.Model(inputs, outputs, name=name)
