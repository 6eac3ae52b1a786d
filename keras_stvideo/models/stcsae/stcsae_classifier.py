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
import numpy as np

from keras_stvideo.models.stcsae.training import STCSAE, check_patch_shape

ENCODER_CONV = "encoder_conv"
SOFTMAX_DTYPE = "float32"
POOLINGS = (None, "mean", "max", "mean_max")


@keras.saving.register_keras_serializable(package="keras_stvideo")
class ZeroSumKernel(keras.constraints.Constraint):
    """Each output kernel of a convolution minus its mean over the kernel's (T, H, W, C): it sums to zero.

    A zero-sum kernel gives a patch and the patch minus its mean the same response, so an encoder trained on
    centred patches (``STCSAE(centre_patches=True)``) codes, slid over a whole clip, every centred patch.
    """

    def __call__(self, kernel):
        kernel = keras.ops.convert_to_tensor(kernel)
        return kernel - keras.ops.mean(kernel, axis=tuple(range(len(kernel.shape) - 1)), keepdims=True)


def build_stcsae_encoder(patch_shape, code_units, grid_stride=None, activation=None, zero_sum_kernels=False,
                         name="stcsae_encoder"):
    """Patch (T, H, W, C) -> code (code_units,): one Conv3D with kernels the size of the patch.

    The convolution's strides are ``(1,) + grid_stride`` (they do not matter on a
    patch, which gives one position); on a whole clip they set the grid of patch
    locations (default: non-overlapping, the patch's height and width).
    ``activation`` is None (linear: Ranzato et al. 2007's encoder ``W_c X``). ``zero_sum_kernels``: the kernels
    start and stay zero-sum (``ZeroSumKernel``, for an encoder of centred patches).
    """
    t, h, w, c = check_patch_shape(patch_shape)
    grid_stride = (h, w) if grid_stride is None else tuple(grid_stride)
    inputs = keras.Input((t, h, w, c), name="patch")
    constraint = ZeroSumKernel() if zero_sum_kernels else None
    conv = keras.layers.Conv3D(code_units, (t, h, w), strides=(1,) + tuple(grid_stride), padding="valid",
                               activation=activation, kernel_constraint=constraint, name=ENCODER_CONV)
    outputs = keras.layers.Reshape((code_units,), name="code")(conv(inputs))
    if constraint is not None:
        conv.kernel.assign(constraint(conv.kernel))
    return keras.Model(inputs, outputs, name=name)


def build_stcsae_decoder(patch_shape, code_units, name="stcsae_decoder"):
    """Sparse code (code_units,) -> patch (T, H, W, C): fully connected output neurons (linear)."""
    patch_shape = check_patch_shape(patch_shape)
    inputs = keras.Input((code_units,), name="sparse_code")
    x = keras.layers.Dense(int(np.prod(patch_shape)), name="decoder_dense")(inputs)
    outputs = keras.layers.Reshape(patch_shape, name="reconstruction")(x)
    return keras.Model(inputs, outputs, name=name)


def build_stcsae(patch_shape=(5, 8, 8, 1), code_units=400, grid_stride=None, encoder_activation=None, eta=0.02,
                 beta=1.0, shift_range=(1, 1, 1), code_steps=5, code_learning_rate=0.5, prediction_weight=1.0,
                 sparsity_threshold=0.1, overcomplete=True, centre_patches=False, name="stcsae"):
    """The spatio-temporal convolutional sparse auto-encoder (Baccouche et al. 2012, Figure 1), ready to ``fit``.

    The abstract gives none of these numbers; each default is recorded in
    docs/faithfulness.md (ST-CSAE section).

    Args:
        patch_shape: (T, H, W, C) of a space-time patch (5 frames x 8 x 8, grey).
        code_units: encoder kernels = code size (400 > 5 * 8 * 8 = 320: overcomplete).
        grid_stride: (sh, sw) spacing of the patch grid on a whole clip (default: the patch's H, W).
        encoder_activation: the encoder's non-linearity (None: linear, as Ranzato et al.'s ``W_c X``).
        eta, beta: the sparsifying logistic's parameters (Ranzato et al. 2007, section 2.1).
        shift_range: (st, sh, sw), the best-shift search's neighbourhood: shifts -s..s per axis.
        code_steps: gradient steps on the energy over the code per batch (0: the code stays
            at the encoder's output, the simpler reading of the abstract).
        code_learning_rate: step of the inner code optimisation (in units of the prediction term's curvature).
        prediction_weight: weight of the encoder's prediction error against the reconstruction error (1: the sum).
        sparsity_threshold: a sparse-code value below this counts as zero in the ``sparsity`` metric.
        overcomplete: require ``code_units`` > the patch's number of values (the paper's sparse-overcomplete code).
        centre_patches: code and reconstruct each patch minus its mean (its DC), with zero-sum encoder kernels
            (not in Baccouche et al. 2012; ``stvideo compare`` uses it, docs/results/diagnosis_stcsae.md).

    Returns:
        An ``STCSAE`` model: ``fit`` takes (N,) + ``neighbourhood_shape`` arrays (the patches with
        ``shift_range`` voxels of margin); calling it on patches reconstructs them.
    """
    return STCSAE(patch_shape, code_units, grid_stride=grid_stride, encoder_activation=encoder_activation,
                  eta=eta, beta=beta, shift_range=shift_range, code_steps=code_steps,
                  code_learning_rate=code_learning_rate, prediction_weight=prediction_weight,
                  sparsity_threshold=sparsity_threshold, overcomplete=overcomplete, centre_patches=centre_patches,
                  name=name)


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


def build_sequence_head(steps, feature_size, num_classes, lstm_units=50, normalize=True, dropout=0.0,
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


def build_stcsae_lstm(encoder, clip_shape, num_classes=6, lstm_units=50, head=None, logistic=None, pooling=None,
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
