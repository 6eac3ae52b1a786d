"""Shan & Atanasov 2017: LeNet, STN-LeNet and DCN-LeNet frame encoders and the CNN-LSTM.

Frame CNNs (Fig. 1, section II-A), for a 64 x 64 input:

* LeNet: conv(5, 20) - pool(2) - conv(5, 50) - pool(2) - fc(500) - fc(10):
  6,431,080 trainable parameters (section IV-A).
* STN-LeNet: SpatialTransformer (output 32 x 32) - conv(5, 20) - conv(5, 50) -
  fc(500) - fc(10); max-pooling removed (section II-A).
* DCN-LeNet: conv(5, 20) - offset2D(20) - conv(5, 50) - offset2D(50) - fc(500) -
  fc(10); max-pooling replaced by the per-channel offset layers of reference
  [11]: 102,483,280 trainable parameters (section IV-A).

Convolutions use 'same' padding and ReLU, kernels are Xavier-uniform and biases
zero (section IV-A). The layer named "features" (fc 500) is what the LSTM reads;
"classifier" (fc 10, softmax) is used for pre-training only (section II-A).

Example:
    >>> cnn = build_dcn_lenet()
    >>> video_model = build_cnn_lstm(cnn, sequence_length=5)
"""

import keras

from keras_stvideo.layers import ConvOffset2D, SpatialTransformer
from keras_stvideo.models.frame_differences import frame_differences as differences_of
from keras_stvideo.utils.validation import check_keras_model, check_positive_int, check_positive_ints
from keras_stvideo.models.attention_lstm.attention_lstm_presets import (ATTENTION_LSTM_LENET_PAPER,
                                                                      ATTENTION_LSTM_STN_LENET_PAPER)

FEATURES_LAYER = "features"
# Softmax layers stay float32 under a mixed-precision policy: bfloat16 probabilities (8-bit mantissa)
# would round the cross-entropy of confident predictions.
SOFTMAX_DTYPE = "float32"
# The paper's numbers, written once in the presets (attention_lstm_presets.py): the defaults below read them.
_FRAME, _PAPER = ATTENTION_LSTM_LENET_PAPER.config, ATTENTION_LSTM_LENET_PAPER.training
_STN_OUTPUT_SIZE = ATTENTION_LSTM_STN_LENET_PAPER.config["stn_output_size"]


def _conv(filters, name):
    return keras.layers.Conv2D(
        filters, 5, padding="same", activation="relu",
        kernel_initializer="glorot_uniform", bias_initializer="zeros", name=name,
    )


def _head(x, num_classes, feature_units):
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(feature_units, activation="relu", kernel_initializer="glorot_uniform",
                           name=FEATURES_LAYER)(x)
    return keras.layers.Dense(num_classes, activation="softmax", kernel_initializer="glorot_uniform",
                              dtype=SOFTMAX_DTYPE, name="classifier")(x)


def _check_head_sizes(num_classes, feature_units):
    check_positive_int(num_classes, "num_classes")
    check_positive_int(feature_units, "feature_units")


def _check_frame_shape(input_shape):
    try:
        input_shape = tuple(input_shape)
    except TypeError:
        raise ValueError(f"input_shape must be a frame shape (height, width, channels), got {input_shape!r}") from None
    if len(input_shape) != 3 or any(not isinstance(d, int) or d < 1 for d in input_shape):
        raise ValueError(
            f"input_shape must be a frame shape (height, width, channels), got {input_shape!r}; "
            "for sequences use build_cnn_lstm"
        )
    return input_shape


def build_lenet(input_shape=_FRAME["input_shape"], num_classes=_FRAME["num_classes"],
                feature_units=_FRAME["feature_units"], name="lenet"):
    """LeNet frame CNN (Shan & Atanasov 2017 Fig. 1): 6,431,080 parameters for a 64 x 64 x 1 input (section IV-A).

    Args:
        input_shape: frame shape (64 x 64 x 1 for Moving MNIST).
        num_classes: outputs of the pre-training classifier (10 digits).
        feature_units: size of the fc feature layer (500).
    """
    _check_head_sizes(num_classes, feature_units)
    inputs = keras.Input(_check_frame_shape(input_shape), name="frame")
    x = _conv(20, "conv1")(inputs)
    x = keras.layers.MaxPooling2D(2, name="pool1")(x)
    x = _conv(50, "conv2")(x)
    x = keras.layers.MaxPooling2D(2, name="pool2")(x)
    return keras.Model(inputs, _head(x, num_classes, feature_units), name=name)


STN_THETA_SCALE = 0.1  # not in the paper: see build_stn_lenet and docs/faithfulness.md


def build_stn_lenet(input_shape=_FRAME["input_shape"], num_classes=_FRAME["num_classes"],
                    feature_units=_FRAME["feature_units"], stn_output_size=_STN_OUTPUT_SIZE,
                    theta_scale=STN_THETA_SCALE, name="stn_lenet"):
    """STN-LeNet (Shan & Atanasov 2017 section II-A): a spatial transformer (output 32 x 32) before conv1, no pooling.

    Args:
        theta_scale: the SpatialTransformer's ``theta_scale`` (0.1; not in the paper). Under stage 1's
            Adadelta 1.0 (section IV-A) the theta head then moves a tenth as fast as the other weights; at
            1 (Jaderberg et al.'s plain head) the per-digit transforms spread until they sample outside the
            frame, where no gradient flows, and the CNN stays at the commonest digit. 0.1 lowers that risk and does
            not remove it (2 of 3 CPU runs learned; docs/faithfulness.md).
    """
    _check_head_sizes(num_classes, feature_units)
    check_positive_ints(stn_output_size, "stn_output_size")
    inputs = keras.Input(_check_frame_shape(input_shape), name="frame")
    x = SpatialTransformer(output_size=stn_output_size, theta_scale=theta_scale, name="stn")(inputs)
    x = _conv(20, "conv1")(x)
    x = _conv(50, "conv2")(x)
    return keras.Model(inputs, _head(x, num_classes, feature_units), name=name)


def build_dcn_lenet(input_shape=_FRAME["input_shape"], num_classes=_FRAME["num_classes"],
                    feature_units=_FRAME["feature_units"], name="dcn_lenet"):
    """DCN-LeNet (Shan & Atanasov 2017, Fig. 1): offset2D layers in place of max-pooling; 102,483,280 parameters
    at 64 x 64."""
    _check_head_sizes(num_classes, feature_units)
    inputs = keras.Input(_check_frame_shape(input_shape), name="frame")
    x = _conv(20, "conv1")(inputs)
    x = ConvOffset2D(20, name="offset1")(x)
    x = _conv(50, "conv2")(x)
    x = ConvOffset2D(50, name="offset2")(x)
    return keras.Model(inputs, _head(x, num_classes, feature_units), name=name)


FRAME_ENCODERS = {"lenet": build_lenet, "stn": build_stn_lenet, "dcn": build_dcn_lenet}


def feature_extractor(frame_encoder):
    """The frame CNN without its classifier: frame -> fc feature vector (section II-A)."""
    return keras.Model(frame_encoder.input, frame_encoder.get_layer(FEATURES_LAYER).output,
                       name=f"{frame_encoder.name}_features")


def build_lstm_head(sequence_length, feature_size, num_classes=_PAPER["num_classes"], lstm_units=_PAPER["lstm_units"],
                    use_cudnn=False, name="lstm_head"):
    """LSTM (no dropout) + softmax over the classes (section II-B, IV-A), on per-frame features.

    ``use_cudnn`` is the Keras LSTM's: False (default) runs the plain recurrence on every device. On JAX with a
    GPU, Keras 3.15's "auto" sends the LSTM to cuDNN through ``jax.experimental.rnn``; there, end-to-end
    fine-tuning of the CNN-LSTM never learned (H200 and H100, with and without TF32) while the same runs learned
    on the CPU, and this is the one layer of the model that Keras sends elsewhere on a GPU (README, issue 23;
    whether it is the cause is not yet confirmed). Five steps of an LSTM gain nothing worth that risk from cuDNN.
    """
    sequence_length = check_positive_int(sequence_length, "sequence_length")
    check_positive_int(feature_size, "feature_size")
    check_positive_int(num_classes, "num_classes")
    check_positive_int(lstm_units, "lstm_units")
    inputs = keras.Input((sequence_length, feature_size), name="frame_features")
    x = keras.layers.LSTM(
        lstm_units, dropout=0.0, recurrent_dropout=0.0, kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=False, use_cudnn=use_cudnn,
        name="lstm",
    )(inputs)
    outputs = keras.layers.Dense(num_classes, activation="softmax", dtype=SOFTMAX_DTYPE, name="sequence_classifier")(x)
    return keras.Model(inputs, outputs, name=name)


def build_cnn_lstm(frame_encoder, sequence_length, num_classes=_PAPER["num_classes"], lstm_units=_PAPER["lstm_units"],
                   head=None, name=None):
    """The spatiotemporal model of Fig. 1: the frame CNN on every frame, then LSTM(8), then softmax(100).

    Args:
        frame_encoder: a frame CNN from ``build_lenet``/``build_stn_lenet``/``build_dcn_lenet``
            (its "classifier" is dropped and its "features" layer read), or any model
            mapping a frame to a feature vector.
        sequence_length: frames per video (5 in section IV-A).
        num_classes: classes of the video labels (100).
        lstm_units: output size of the LSTM (8, section II-B).
        head: optional LSTM head from ``build_lstm_head`` to share (two-stage training).

    Returns:
        A ``keras.Model`` from (batch, T, H, W, C) videos to class probabilities.
    """
    check_keras_model(frame_encoder, "frame_encoder")
    sequence_length = check_positive_int(sequence_length, "sequence_length")
    check_positive_int(num_classes, "num_classes")
    check_positive_int(lstm_units, "lstm_units")
    if head is not None:
        check_keras_model(head, "head")
    has_features = any(layer.name == FEATURES_LAYER for layer in frame_encoder.layers)
    encoder = feature_extractor(frame_encoder) if has_features else frame_encoder
    if len(encoder.output.shape) != 2:
        raise ValueError(f"frame_encoder must map a frame to a feature vector (a '{FEATURES_LAYER}' layer, or an "
                         f"output of rank 2), got an output of shape {tuple(encoder.output.shape)}")
    frame_shape = tuple(encoder.input.shape[1:])
    feature_size = encoder.output.shape[-1]
    if head is None:
        head = build_lstm_head(sequence_length, feature_size, num_classes, lstm_units)
    inputs = keras.Input((sequence_length,) + frame_shape, name="video")
    features = keras.layers.TimeDistributed(encoder, name="frame_encoder")(inputs)
    outputs = head(features)
    return keras.Model(inputs, outputs, name=name or f"{frame_encoder.name}_lstm")


GLOBAL_POOLINGS = (None, "average", "max")


def build_lenet_lstm(input_shape=(_PAPER["sequence_length"],) + _FRAME["input_shape"],
                     num_classes=_PAPER["num_classes"],
                     feature_units=_FRAME["feature_units"], lstm_units=_PAPER["lstm_units"], centre_frames=False,
                     frame_differences=False, difference_scale=1.0, global_pooling=None, name="lenet_lstm_video"):
    """LeNet-LSTM on whole clips (T, H, W, C) -> class probabilities; with the defaults, Fig. 1's LeNet-LSTM.

    The options are ``stvideo compare``'s reductions (the "attention_lstm_compare" preset), none in the paper:
    ``centre_frames`` maps frames in [0, 1] to [-0.5, 0.5]; ``frame_differences`` gives LeNet each frame t >= 2
    with its difference from frame t - 1 (times ``difference_scale``) on the channels, T - 1 steps of 2C
    channels; ``global_pooling`` ("average" or "max") pools conv2's maps over positions before fc(feature_units)
    in place of LeNet's flatten. The LeNet's digit classifier is not part of the model (``build_cnn_lstm``).
    """
    if global_pooling not in GLOBAL_POOLINGS:
        raise ValueError(f"global_pooling must be one of {GLOBAL_POOLINGS}, got {global_pooling!r}")
    input_shape = tuple(input_shape)
    if len(input_shape) != 4:
        raise ValueError(f"input_shape must be a clip shape (frames, height, width, channels), got {input_shape!r}")
    frames_in, height, width, channels = input_shape
    clips = keras.Input(input_shape, name="clip")
    x, frames = clips, frames_in
    if centre_frames:
        x = keras.layers.Rescaling(1.0, offset=-0.5, name="centre")(x)
    if frame_differences:
        later, differences = differences_of(x)  # centring cancels in the differences
        differences = keras.layers.Rescaling(difference_scale, name="scale_differences")(differences)
        x = keras.layers.Concatenate(name="frames_and_differences")([later, differences])
        frames, channels = frames_in - 1, 2 * channels
    lenet = build_lenet(input_shape=(height, width, channels), feature_units=feature_units)
    if global_pooling:
        pooling = {"average": keras.layers.GlobalAveragePooling2D, "max": keras.layers.GlobalMaxPooling2D}
        pooled = pooling[global_pooling](name=f"global_{global_pooling}")(lenet.get_layer("pool2").output)
        features = keras.layers.Dense(feature_units, activation="relu", kernel_initializer="glorot_uniform",
                                      name=FEATURES_LAYER)(pooled)
        lenet = keras.Model(lenet.input, features, name="lenet_gap")
    video_model = build_cnn_lstm(lenet, sequence_length=frames, num_classes=num_classes, lstm_units=lstm_units,
                                 name="lenet_lstm")
    return keras.Model(clips, video_model(x), name=name)
