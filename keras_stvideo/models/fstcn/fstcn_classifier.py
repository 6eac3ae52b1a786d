"""FstCN: factorized spatio-temporal convolutional networks (Sun et al. 2015, section 2, Fig. 1).

Layout (section 2.5), for inputs V_clip and V_diff of shape (clip_length, 204, 204, 3):

* lower SCLs, shared by every frame of both clips: Conv(96, 7, 2) - ReLU - LRN -
  Pool(3, 2) - Conv(256, 5, 2) - ReLU - LRN - Pool(3, 2) - Conv(512, 3, 1) - ReLU -
  Conv(512, 3, 1) - ReLU;
* TCL path, on all frames of V_diff: SCL Conv(128, 3, 1) + Pool(3, 3), the T-P
  operator (P is 128 x 128), two parallel temporal convolutions Conv(32, 3, 1) and
  Conv(32, 5, 1) each followed by dropout 0.5 and no pooling, concatenated, then
  FC 4096 and FC 2048;
* SCL path, on one frame of V_clip (random in training, the middle one at test):
  SCL Conv(128, 3, 1) + Pool(3, 3), FC 4096, FC 2048, each FC followed by dropout 0.5
  (the spatial path is "the same as in [10]");
* concatenation, FC 2048, softmax.

Example:
    >>> model = build_fstcn(num_classes=101)
    >>> model.compile(optimizer=fstcn_optimizer(), loss="sparse_categorical_crossentropy")
"""

import keras

from keras_stvideo.layers import FrameSelector, LocalResponseNormalization, TPermute
from keras_stvideo.utils.validation import check_fraction, check_keras_model, check_positive_int, check_positive_ints
from keras_stvideo.training.optimizers import CaffeSGD
from keras_stvideo.models.fstcn.fstcn_presets import FSTCN_PAPER

PATHS = ("both", "scl", "tcl")
# The paper's numbers, written once in the "fstcn_paper" preset (fstcn_presets.py): the defaults below read them.
_PAPER, _PAPER_TRAINING = FSTCN_PAPER.config, FSTCN_PAPER.training


def fstcn_optimizer(learning_rate=_PAPER_TRAINING["learning_rate"]):
    """SGD with momentum 0.9 and weight decay 5e-4 (section 2.5); the learning rate is not stated (0.01).

    The paper's setting is Caffe's (its reference [9]): the decay is an L2 term added to the
    gradient before momentum (``CaffeSGD``), not Keras' decoupled ``SGD(weight_decay=...)``.
    """
    return CaffeSGD(learning_rate=learning_rate, momentum=_PAPER_TRAINING["momentum"],
                    weight_decay=_PAPER_TRAINING["weight_decay"])


def _side_after_lower_scls(side):
    """Spatial side after conv1 (7, /2), pool1 (3, /2), conv2 (5, /2), pool2 (3, /2) and an SCL pool (3, /3)."""
    for kernel, stride in ((7, 2), (3, 2), (5, 2), (3, 2), (3, 3)):
        side = (side - kernel) // stride + 1
        if side < 1:
            return 0
    return side


MIN_INPUT_SIZE = next(side for side in range(1, 1000) if _side_after_lower_scls(side) >= 1)


def _check_input_size(input_size):
    check_positive_int(input_size, "input_size")
    if input_size < MIN_INPUT_SIZE:
        raise ValueError(f"input_size must be at least {MIN_INPUT_SIZE} (the strided layers need it), got {input_size}")


def build_lower_scls(input_shape=(_PAPER["input_size"],) * 2 + (3,), filters=_PAPER["lower_filters"],
                     name="lower_scls"):
    """The four lower spatial convolutional layers (section 2.5), one frame in, ``filters[-1]`` feature maps out.

    ``filters``: the four convolutions' widths (96, 256, 512, 512: section 2.5); narrower for CPU-scale runs.
    """
    filters = check_positive_ints(filters, "filters")
    if len(filters) != 4:
        raise ValueError(f"filters must give the 4 lower SCLs' widths, got {filters!r}")
    inputs = keras.Input(input_shape, name="frame")
    x = keras.layers.Conv2D(filters[0], 7, strides=2, activation="relu", name="conv1")(inputs)
    x = LocalResponseNormalization(name="norm1")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = keras.layers.Conv2D(filters[1], 5, strides=2, activation="relu", name="conv2")(x)
    x = LocalResponseNormalization(name="norm2")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool2")(x)
    x = keras.layers.Conv2D(filters[2], 3, padding="same", activation="relu", name="conv3")(x)
    x = keras.layers.Conv2D(filters[3], 3, padding="same", activation="relu", name="conv4")(x)
    return keras.Model(inputs, x, name=name)


def _scl_block(prefix):
    """The SCL that feeds a path: Conv(128, 3, 1) - ReLU - Pool(3, 3)."""
    return [
        keras.layers.Conv2D(128, 3, padding="same", activation="relu", name=f"{prefix}_conv"),
        keras.layers.MaxPooling2D(3, strides=3, name=f"{prefix}_pool"),
    ]


def _fc_stack(x, prefix, fc_dropout, fc_units):
    for position, units in enumerate(fc_units, 1):
        x = keras.layers.Dense(units, activation="relu", name=f"{prefix}_fc{position}")(x)
        if fc_dropout:
            x = keras.layers.Dropout(fc_dropout, name=f"{prefix}_fc{position}_dropout")(x)
    return x


def build_fstcn(num_classes, input_size=_PAPER["input_size"], clip_length=_PAPER["clip_length"],
                paths=_PAPER["paths"], temporal_kernels=_PAPER["temporal_kernels"],
                permuted_channels=_PAPER["permuted_channels"], temporal_dropout=_PAPER["temporal_dropout"],
                scl_fc_dropout=_PAPER["scl_fc_dropout"], tcl_fc_dropout=_PAPER["tcl_fc_dropout"],
                fc_units=_PAPER["fc_units"], fusion_units=_PAPER["fusion_units"], lower_scls=None,
                lower_filters=_PAPER["lower_filters"], name="fstcn"):
    """Build FstCN (Sun et al. 2015, section 2.1 and 2.5, Fig. 1).

    Args:
        num_classes: action classes (101 for UCF101, 51 for HMDB51).
        input_size: side of the square input crops (204, section 2.5).
        clip_length: frames per clip, l_t (5, section 3).
        paths: "both" (FstCN), "scl" (only the SCL path) or "tcl" (only the TCL path): Table 2.
        temporal_kernels: the parallel TCL kernels: (3, 5) both, (3,) or (5,) (Table 1).
        permuted_channels: f' of the T-P operator (128).
        temporal_dropout: dropout after each temporal convolution (0.5).
        scl_fc_dropout: dropout after each FC layer of the SCL path (0.5): section 2.5 makes
            "the settings of the spatial convolutional path the same as in [10]", whose
            spatial network has dropout after both its FC layers (4096 and 2048).
        tcl_fc_dropout: dropout after each FC layer of the TCL path (not stated: 0; the
            paper places the TCL's dropout after its temporal convolutions).
        fc_units: the FC layers on each path (4096, 2048; section 2.5). Smaller for small data.
        fusion_units: the FC layer after the concatenation (2048; section 2.5).
        lower_scls: optional lower-SCL model to use (e.g. pre-trained via ``build_fstcn_auxiliary``).
        lower_filters: the four lower SCLs' widths when ``lower_scls`` is None (96, 256, 512, 512; section 2.5).

    The defaults are the "fstcn_paper" preset's (``keras_stvideo.get_preset("fstcn_paper")``).

    Returns:
        A ``keras.Model`` with inputs ``[v_clip, v_diff]`` (both (clip_length, size, size, 3)),
        or the single input the chosen path needs.
    """
    check_positive_int(num_classes, "num_classes")
    _check_input_size(input_size)
    if paths not in PATHS:
        raise ValueError(f"paths must be one of {PATHS}, got {paths!r}")
    if not temporal_kernels or any(not isinstance(k, int) or k < 1 for k in temporal_kernels):
        raise ValueError(
            f"temporal_kernels must be a non-empty tuple of positive kernel sizes, got {temporal_kernels!r}"
        )
    if not isinstance(clip_length, int) or clip_length < 1:
        raise ValueError(f"clip_length must be a positive integer, got {clip_length!r}")
    check_positive_int(permuted_channels, "permuted_channels")
    check_fraction(temporal_dropout, "temporal_dropout")
    check_fraction(scl_fc_dropout, "scl_fc_dropout")
    check_fraction(tcl_fc_dropout, "tcl_fc_dropout")
    fc_units = check_positive_ints(fc_units, "fc_units", allow_empty=True)
    check_positive_int(fusion_units, "fusion_units")
    if lower_scls is not None:
        check_keras_model(lower_scls, "lower_scls")
    frame_shape = (input_size, input_size, 3)
    lower = lower_scls or build_lower_scls(frame_shape, filters=lower_filters)
    v_clip = keras.Input((clip_length,) + frame_shape, name="v_clip")
    v_diff = keras.Input((clip_length,) + frame_shape, name="v_diff")
    # One TimeDistributed wrapper carries the lower SCLs for every frame of both clips, so their
    # weights are shared and saved once.
    per_frame = keras.layers.TimeDistributed(lower, name="lower_scls_per_frame")
    features, inputs = [], []
    if paths in ("both", "scl"):
        inputs.append(v_clip)
        frame = FrameSelector(name="pick_frame")(v_clip)
        x = per_frame(keras.layers.Reshape((1,) + frame_shape, name="as_one_frame_clip")(frame))
        x = keras.layers.Reshape(tuple(lower.output.shape[1:]), name="scl_features")(x)
        for layer in _scl_block("scl"):
            x = layer(x)
        x = keras.layers.Flatten(name="scl_flatten")(x)
        features.append(_fc_stack(x, "scl", scl_fc_dropout, fc_units))
    if paths in ("both", "tcl"):
        inputs.append(v_diff)
        x = per_frame(v_diff)
        for layer in _scl_block("tcl_scl"):
            x = keras.layers.TimeDistributed(layer, name=f"{layer.name}_per_frame")(x)
        x = TPermute(permuted_channels, name="t_p_operator")(x)  # (batch, time, f', positions)
        branches = []
        for k in temporal_kernels:
            branch = keras.layers.Conv2D(32, k, padding="same", activation="relu", name=f"tcl_conv{k}x{k}")(x)
            branches.append(keras.layers.Dropout(temporal_dropout, name=f"tcl_dropout{k}x{k}")(branch))
        x = branches[0] if len(branches) == 1 else keras.layers.Concatenate(name="tcl_concat")(branches)
        x = keras.layers.Flatten(name="tcl_flatten")(x)
        features.append(_fc_stack(x, "tcl", tcl_fc_dropout, fc_units))
    x = features[0] if len(features) == 1 else keras.layers.Concatenate(name="paths_concat")(features)
    x = keras.layers.Dense(fusion_units, activation="relu", name="fusion_fc")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", dtype="float32", name="classifier")(x)
    return keras.Model(inputs if len(inputs) > 1 else inputs[0], outputs, name=name)


def build_fstcn_auxiliary(num_classes, lower_scls=None, input_size=_PAPER["input_size"], fine_tune_last_three=False,
                          name="fstcn_auxiliary"):
    """The auxiliary classifier on the lower SCLs (section 2.3, Fig. 1 dashed box) for pre-training them.

    Lower SCLs - Conv(512, 3, 1) - Pool(3, 2) - FC 4096 - FC 2048 - softmax, as the
    spatial network of [10]. ``fine_tune_last_three`` freezes everything but the two
    FC layers and the classifier (section 2.3, following [11]); call ``compile``
    after changing it. The lower SCLs are shared with FstCN when passed to both.

    Image-pretrained weights: build this model, ``load_weights`` into it (or set
    ``lower_scls`` weights from a dict with ``layer.set_weights``), then pass
    ``lower_scls`` to ``build_fstcn``.
    """
    check_positive_int(num_classes, "num_classes")
    _check_input_size(input_size)
    if lower_scls is not None:
        check_keras_model(lower_scls, "lower_scls")
    lower = lower_scls or build_lower_scls((input_size, input_size, 3))
    inputs = keras.Input(tuple(lower.input.shape[1:]), name="frame")
    x = lower(inputs)
    x = keras.layers.Conv2D(512, 3, padding="same", activation="relu", name="aux_conv5")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="aux_pool5")(x)
    x = keras.layers.Flatten(name="aux_flatten")(x)
    x = keras.layers.Dense(4096, activation="relu", name="aux_fc4096")(x)
    x = keras.layers.Dense(2048, activation="relu", name="aux_fc2048")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", dtype="float32", name="aux_classifier")(x)
    model = keras.Model(inputs, outputs, name=name)
    if fine_tune_last_three:
        for layer in model.layers:
            layer.trainable = layer.name in ("aux_fc4096", "aux_fc2048", "aux_classifier")
    return model
