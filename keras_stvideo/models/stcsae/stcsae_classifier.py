"""ST-CSAE (Baccouche et al. 2012): the auto-encoder's parts and the LSTM sequence classifier.

* Encoder: a convolution whose 2D+t kernels have the size of the input patch,
  so a patch gives one value per kernel: ``code_units`` values, more than the
  patch has (a sparse-overcomplete code; Baccouche et al. 2012, paragraph 3).
* Sparsifying logistic (Ranzato et al. 2007) between encoder and decoder.
* Decoder: output neurons fully connected to the sparse code, one per patch value.
* Sequence classifier: the same encoder slid over a whole clip gives the responses
  at every location of the patch grid; they are concatenated per frame into one
  feature vector and an LSTM (Graves & Schmidhuber 2005) labels the sequence
  (Baccouche et al. 2012, paragraph 6).

Example:
    >>> autoencoder = build_stcsae((5, 8, 8, 1), code_units=400)
    >>> classifier = build_stcsae_lstm(autoencoder, clip_shape=(40, 64, 80, 1), num_classes=6)
"""

import keras

from keras_stvideo.models.stcsae.stcsae_autoencoder import ENCODER_CONV, STCSAE
from keras_stvideo.models.stcsae.stcsae_presets import STCSAE_PAPER

SOFTMAX_DTYPE = "float32"
POOLINGS = (None, "mean", "max", "mean_max")
LSTM_UNITS = STCSAE_PAPER.training["lstm_units"]  # the "stcsae_paper" preset's (not stated in the abstract)


@keras.saving.register_keras_serializable(package="keras_stvideo")
class FrozenSparseCode(keras.layers.Layer):
    """A ``SparsifyingLogistic`` applied with its running normaliser frozen, on codes of any rank.

    Wraps (and shares) the auto-encoder's logistic so that the sequence
    classifier reads the sparse code ``S(P(x))`` of every grid location, and
    training the classifier never updates the normaliser.

    Args:
        logistic: the auto-encoder's ``SparsifyingLogistic`` (``autoencoder.logistic``).
    """

    def __init__(self, logistic, **kwargs):
        super().__init__(**kwargs)
        if isinstance(logistic, dict):
            logistic = keras.saving.deserialize_keras_object(logistic)
        self.logistic = logistic

    def build(self, input_shape):
        if not self.logistic.built:
            self.logistic.build((None, input_shape[-1]))
        units = self.logistic.log_zeta.shape[-1]
        if input_shape[-1] != units:
            raise ValueError(f"FrozenSparseCode expects codes of {units} units (its logistic's), got {input_shape}")

    def call(self, codes):
        return self.logistic(codes, training=False)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["logistic"] = keras.saving.serialize_keras_object(self.logistic)
        return config


def _encoder_conv(encoder):
    try:
        return encoder.get_layer(ENCODER_CONV)
    except ValueError:
        raise ValueError(f"encoder must come from build_stcsae_encoder (a layer named {ENCODER_CONV!r}), got a "
                         f"model with layers {[layer.name for layer in encoder.layers]}") from None


def grid_size(encoder, clip_shape):
    """(steps, grid_h, grid_w) of the encoder's responses on a clip (T_clip, H_clip, W_clip, C)."""
    conv = _encoder_conv(encoder)
    t, h, w = conv.kernel_size
    c = conv.kernel.shape[3]
    clip_shape = tuple(int(v) for v in clip_shape)
    if len(clip_shape) != 4:
        raise ValueError(f"clip_shape must be (T, H, W, C), got {clip_shape}")
    if clip_shape[3] != c:
        raise ValueError(f"clip_shape has {clip_shape[3]} channels, the encoder expects {c}")
    for axis, size, patch in zip("THW", clip_shape[:3], (t, h, w)):
        if size < patch:
            raise ValueError(f"the patch ({t}, {h}, {w}) is larger than the clip {clip_shape[:3]} along {axis}: "
                             f"expected a clip of at least {patch}, got {size}")
    _, sh, sw = conv.strides
    return clip_shape[0] - t + 1, (clip_shape[1] - h) // sh + 1, (clip_shape[2] - w) // sw + 1


def _encoder_and_logistic(encoder, logistic):
    if isinstance(encoder, STCSAE):
        return encoder.encoder, encoder.logistic if logistic is None else logistic
    return encoder, logistic


def check_pooling(pooling):
    if pooling not in POOLINGS:
        raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
    return pooling


def build_stcsae_features(encoder, clip_shape, logistic=None, pooling=None, name="stcsae_features"):
    """Clip (T_clip, H, W, C) -> (steps, grid_h * grid_w * code_units): the encoder at every grid location.

    The encoder's convolution (shared, not copied) slides over the clip with
    temporal stride 1 and the grid stride; step t holds the codes of the
    patches starting at frame t, concatenated over the grid (Baccouche et al. 2012, paragraph 6).

    Args:
        encoder: the trained ``STCSAE`` (its encoder and sparsifying logistic: the features are the
            sparse codes ``S(P(x))``, "sparse-overcomplete", Baccouche et al. 2012 paragraph 1), or its encoder alone.
        clip_shape: (T, H, W, C) of the clips.
        logistic: with an encoder alone, the ``SparsifyingLogistic`` to apply (None: the encoder's
            linear output).
        pooling: None (the codes of the grid locations concatenated: ``grid_h * grid_w * code_units`` per step,
            Baccouche et al. 2012 paragraph 6), or each code unit pooled over the grid per step: "mean", "max" or
            "mean_max"
            (mean then max: ``code_units`` or ``2 * code_units`` per step; for a dense grid, where concatenation
            would be too long).
    """
    pooling = check_pooling(pooling)
    encoder, logistic = _encoder_and_logistic(encoder, logistic)
    steps, gh, gw = grid_size(encoder, clip_shape)
    conv = _encoder_conv(encoder)
    inputs = keras.Input(tuple(clip_shape), name="clip")
    codes = conv(inputs)
    if logistic is not None:
        codes = FrozenSparseCode(logistic, name="sparse_code")(codes)
    if pooling is None:
        outputs = keras.layers.Reshape((steps, gh * gw * conv.filters), name="frame_features")(codes)
    else:
        # (B, steps, gh, gw, K) -> (B, steps, 1, 1, K): each step's codes pooled over the grid
        pooled = []
        if pooling in ("mean", "mean_max"):
            pooled.append(keras.layers.AveragePooling3D((1, gh, gw), name="grid_mean")(codes))
        if pooling in ("max", "mean_max"):
            pooled.append(keras.layers.MaxPooling3D((1, gh, gw), name="grid_max")(codes))
        x = pooled[0] if len(pooled) == 1 else keras.layers.Concatenate(name="grid_pooled")(pooled)
        outputs = keras.layers.Reshape((steps, len(pooled) * conv.filters), name="frame_features")(x)
    return keras.Model(inputs, outputs, name=name)


def build_sequence_head(steps, feature_size, num_classes, lstm_units=LSTM_UNITS, normalize=True, dropout=0.0,
                        name="lstm_head"):
    """LSTM over the per-frame features + softmax at every step, averaged over the steps.

    Graves & Schmidhuber's framewise classification (Baccouche et al. 2012's [1]): a softmax
    per frame; the sequence's class probabilities are their mean over time.
    ``normalize`` puts a ``Normalization`` layer (named "normalization", one mean and
    variance over all features, so relative magnitudes are kept) first: call its
    ``adapt`` on the training features (sparse codes are tiny; the paper does not
    say how the LSTM's inputs are scaled). ``dropout`` on the LSTM's inputs (0).
    """
    inputs = keras.Input((steps, feature_size), name="frame_features")
    x = keras.layers.Normalization(axis=None, name="normalization")(inputs) if normalize else inputs
    x = keras.layers.LSTM(lstm_units, return_sequences=True, dropout=dropout, name="lstm")(x)
    x = keras.layers.Dense(num_classes, activation="softmax", dtype=SOFTMAX_DTYPE, name="frame_classifier")(x)
    outputs = keras.layers.GlobalAveragePooling1D(name="sequence_probabilities", dtype=SOFTMAX_DTYPE)(x)
    return keras.Model(inputs, outputs, name=name)


def build_stcsae_lstm(encoder, clip_shape, num_classes=6, lstm_units=LSTM_UNITS, head=None, logistic=None, pooling=None,
                      name="stcsae_lstm"):
    """The sequence classifier (Baccouche et al. 2012's second step): clip -> class probabilities.

    Args:
        encoder: the trained ``STCSAE`` (features: its sparse codes) or its encoder (with ``logistic``,
            see ``build_stcsae_features``).
        clip_shape: (T, H, W, C) of the clips (T frames, at least the patch's T).
        num_classes: sequence classes (6 for KTH).
        lstm_units: LSTM cells (50; not stated in Baccouche et al. 2012).
        head: an existing head from ``build_sequence_head`` to share (two-stage training).
        pooling: the codes' pooling over the grid per step (see ``build_stcsae_features``; None: concatenated).

    Returns:
        A ``keras.Model`` with the layers "features" (the encoder on the patch grid) and "lstm_head".
    """
    features = build_stcsae_features(encoder, clip_shape, logistic=logistic, pooling=pooling, name="features")
    steps, size = features.output.shape[1:]
    if head is None:
        head = build_sequence_head(steps, size, num_classes, lstm_units)
    inputs = keras.Input(tuple(clip_shape), name="clip")
    return keras.Model(inputs, head(features(inputs)), name=name)
