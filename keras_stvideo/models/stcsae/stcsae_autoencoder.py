"""ST-CSAE's energy-based training (Baccouche et al. 2012, after Ranzato et al. 2007) in a ``keras.Model``.

For one training sample (a patch's spatio-temporal neighbourhood ``X``), with
encoder ``P`` (the 2D+t convolution), sparsifying logistic ``S`` and decoder ``D``:

    E(X, Z) = w_p * mean_k (Z_k - P(X)_k)^2 + mean_d (X_d - D(S(Z))_d)^2

the sum of the encoder's prediction error and the decoder's reconstruction error
(Baccouche et al. 2012: "the sum of two terms, representing respectively the encoder
prediction and the decoder reconstruction mean square errors").

``train_step`` (so that ``model.fit(neighbourhoods)`` trains it):

1. best-shift search: every shift ``s`` of the patch inside the neighbourhood
   (``shift_range`` = (st, sh, sw): shifts -st..st, -sh..sh, -sw..sw) is scored by
   ``E(X_s, P(X_s))``, the energy with the code at the encoder's output, all
   shifts in one batched forward pass; the minimising shifted patch is kept;
2. the code starts at the encoder's output and ``code_steps`` gradient steps
   lower the energy over the code (Ranzato et al. 2007, section 2.2, step 2);
3. with the optimal code ``Z*`` fixed, encoder and decoder take one optimizer
   step on ``E(X*, Z*)`` (step 3); the logistic's running normaliser is
   updated with ``Z*``.

Metrics: ``energy`` and its two terms ``prediction_error`` and
``reconstruction_error``, and ``sparsity``: the fraction of sparse-code units
below ``sparsity_threshold``. The step is written for TensorFlow, JAX and
PyTorch (Keras' "customizing what happens in fit" guides); the inner code
steps use the energy's closed-form gradient in ``keras.ops``, so they are the
same on every backend.

Example:
    >>> model = build_stcsae((5, 8, 8, 1), code_units=400, shift_range=(1, 1, 1))
    >>> model.compile(optimizer="adam")
    >>> model.fit(neighbourhoods, epochs=10)  # (N, 7, 10, 10, 1): patches with a 1-voxel margin

Reference:
    Baccouche, Mamalet, Wolf, Garcia, Baskurt, "Spatio-Temporal Convolutional
    Sparse Auto-Encoder for Sequence Classification", BMVC 2012;
    Ranzato, Huang, Boureau, LeCun, "Unsupervised learning of invariant feature
    hierarchies with applications to object recognition", CVPR 2007.
"""

import math

import keras
import numpy as np
from keras import ops

from keras_stvideo.layers.sparsifying_logistic import SparsifyingLogistic
from keras_stvideo.models.stcsae.stcsae_presets import STCSAE_PAPER
from keras_stvideo.training.distribution import gather_replica_batches, replicas_in_sync

SUPPORTED_BACKENDS = ("tensorflow", "jax", "torch")
ENCODER_CONV = "encoder_conv"


def _positive_int_tuple(name, value, length):
    try:
        value = tuple(int(v) for v in value)
    except TypeError:
        raise ValueError(f"{name} must be a tuple of {length} integers, got {value!r}") from None
    if len(value) != length:
        raise ValueError(f"{name} must have {length} entries, got {value!r}")
    return value


def check_patch_shape(patch_shape):
    patch_shape = _positive_int_tuple("patch_shape", patch_shape, 4)
    if any(v < 1 for v in patch_shape):
        raise ValueError(f"patch_shape (T, H, W, C) must be positive, got {patch_shape}")
    return patch_shape


def check_shift_range(shift_range, patch_shape):
    shift_range = _positive_int_tuple("shift_range", shift_range, 3)
    if any(v < 0 for v in shift_range):
        raise ValueError(f"shift_range (st, sh, sw) must be non-negative, got {shift_range}")
    for axis, shift, size in zip("THW", shift_range, patch_shape[:3]):
        if shift > size:
            raise ValueError(
                f"shift_range {shift_range} is larger than the patch {patch_shape[:3]} along {axis}: "
                f"expected a shift of at most {size}, got {shift}"
            )
    return shift_range


def neighbourhood_shape(patch_shape, shift_range):
    """The training sample's shape: the patch with ``shift_range`` voxels of margin on each side."""
    t, h, w, c = patch_shape
    st, sh, sw = shift_range
    return (t + 2 * st, h + 2 * sh, w + 2 * sw, c)


def shift_offsets(shift_range):
    """(S, 3) integer shifts (dt, dh, dw) in the order the search enumerates them (t slowest)."""
    st, sh, sw = shift_range
    grid = np.stack(np.meshgrid(np.arange(-st, st + 1), np.arange(-sh, sh + 1), np.arange(-sw, sw + 1),
                                indexing="ij"), axis=-1)
    return grid.reshape(-1, 3)


def shifted_patches(neighbourhoods, patch_shape, shift_range):
    """Every shifted patch of each neighbourhood: (B, S, T, H, W, C), S = prod(2 * shift_range + 1).

    Shift ``(dt, dh, dw)`` is the patch whose first voxel is at ``(st + dt, sh + dh, sw + dw)``
    of the neighbourhood (so shift (0, 0, 0) is the centred patch); shifts are in ``shift_offsets`` order.
    Three gathers, no Python loop over the shifts.
    """
    t, h, w, c = patch_shape
    st, sh, sw = shift_range
    x = neighbourhoods
    batch = ops.shape(x)[0]

    def windows(count, size):
        return np.arange(count)[:, None] + np.arange(size)[None, :]

    x = ops.take(x, windows(2 * st + 1, t), axis=1)  # (B, St, T, H', W', C)
    x = ops.take(x, windows(2 * sh + 1, h), axis=3)  # (B, St, T, Sh, H, W', C)
    x = ops.take(x, windows(2 * sw + 1, w), axis=5)  # (B, St, T, Sh, H, Sw, W, C)
    x = ops.transpose(x, (0, 1, 3, 5, 2, 4, 6, 7))  # (B, St, Sh, Sw, T, H, W, C)
    count = (2 * st + 1) * (2 * sh + 1) * (2 * sw + 1)
    return ops.reshape(x, (batch, count, t, h, w, c))


@keras.saving.register_keras_serializable(package="keras_stvideo")
class STCSAE(keras.Model):
    """The spatio-temporal convolutional sparse auto-encoder with its own training step (Baccouche et al. 2012).

    Built by ``build_stcsae``; see that function for the arguments. Attributes:
    ``encoder`` (patch -> code, the 2D+t convolution), ``logistic`` (the
    ``SparsifyingLogistic``), ``decoder`` (code -> patch, fully connected).
    Calling the model on patches (B, T, H, W, C) returns their reconstruction
    ``D(S(P(x)))`` with the logistic's state frozen.
    """

    def __init__(self, patch_shape, code_units, grid_stride=None, encoder_activation=None, eta=0.02, beta=1.0,
                 shift_range=(1, 1, 1), code_steps=5, code_learning_rate=0.5, prediction_weight=1.0,
                 sparsity_threshold=0.1, overcomplete=True, centre_patches=False, name="stcsae", **kwargs):
        super().__init__(name=name, **kwargs)
        patch_shape = check_patch_shape(patch_shape)
        size = int(np.prod(patch_shape))
        if not isinstance(code_units, (int, np.integer)) or code_units < 1:
            raise ValueError(f"code_units must be a positive integer, got {code_units!r}")
        if overcomplete and code_units <= size:
            raise ValueError(
                f"an overcomplete code needs more units than the patch {patch_shape} has values: expected "
                f"code_units > {size}, got {code_units} (pass overcomplete=False for a smaller code)"
            )
        t, h, w, c = patch_shape
        grid_stride = (h, w) if grid_stride is None else _positive_int_tuple("grid_stride", grid_stride, 2)
        if any(v < 1 for v in grid_stride):
            raise ValueError(f"grid_stride must be positive, got {grid_stride}")
        if int(code_steps) < 0:
            raise ValueError(f"code_steps must be >= 0, got {code_steps!r}")
        if not code_learning_rate > 0:
            raise ValueError(f"code_learning_rate must be positive, got {code_learning_rate!r}")
        if not prediction_weight > 0:
            raise ValueError(f"prediction_weight must be positive, got {prediction_weight!r}")
        self.patch_shape = patch_shape
        self.code_units = int(code_units)
        self.grid_stride = tuple(grid_stride)
        self.encoder_activation = encoder_activation
        self.shift_range = check_shift_range(shift_range, patch_shape)
        self.code_steps = int(code_steps)
        self.code_learning_rate = float(code_learning_rate)
        self.prediction_weight = float(prediction_weight)
        self.sparsity_threshold = float(sparsity_threshold)
        self.overcomplete = bool(overcomplete)
        self.centre_patches = bool(centre_patches)

        self.encoder = build_stcsae_encoder(patch_shape, self.code_units, self.grid_stride, encoder_activation,
                                            zero_sum_kernels=self.centre_patches)
        self.logistic = SparsifyingLogistic(eta=eta, beta=beta, name="sparsifying_logistic")
        self.logistic.build((None, self.code_units))
        self.decoder = build_stcsae_decoder(patch_shape, self.code_units)
        self.energy_tracker = keras.metrics.Mean(name="energy")
        self.prediction_tracker = keras.metrics.Mean(name="prediction_error")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_error")
        self.sparsity_tracker = keras.metrics.Mean(name="sparsity")
        self.built = True

    # ------------------------------------------------------------------ config
    def get_config(self):
        config = super().get_config()
        config.update({
            "patch_shape": self.patch_shape, "code_units": self.code_units, "grid_stride": self.grid_stride,
            "encoder_activation": self.encoder_activation, "eta": self.logistic.eta, "beta": self.logistic.beta,
            "shift_range": self.shift_range, "code_steps": self.code_steps,
            "code_learning_rate": self.code_learning_rate, "prediction_weight": self.prediction_weight,
            "sparsity_threshold": self.sparsity_threshold, "overcomplete": self.overcomplete,
            "centre_patches": self.centre_patches,
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("trainable", None)
        config.pop("dtype", None)
        return cls(**config)

    @property
    def metrics(self):
        return [self.energy_tracker, self.prediction_tracker, self.reconstruction_tracker, self.sparsity_tracker]

    @property
    def neighbourhood_shape(self):
        return neighbourhood_shape(self.patch_shape, self.shift_range)

    # ------------------------------------------------------------------ forward pieces
    def call(self, patches, training=False):
        """The reconstruction of ``patches`` (of the centred patches with ``centre_patches``)."""
        return self.decoder(self.logistic(self.encoder(self.centre(patches)), training=False))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def _flat(self, patches):
        return ops.reshape(patches, (ops.shape(patches)[0], -1))

    def centre(self, patches):
        """With ``centre_patches``, each patch minus its own mean (its DC); otherwise the patches unchanged.

        The encoder's kernels are then kept zero-sum (``ZeroSumKernel``), so that the encoder gives the same code
        for a patch and for its centred copy, and slid over a whole clip it codes every centred patch.
        """
        if not self.centre_patches:
            return patches
        return patches - ops.mean(patches, axis=tuple(range(1, len(patches.shape))), keepdims=True)

    def _logistic_frozen(self, code):
        """``S(Z)`` with the running normaliser frozen: sigmoid(beta z + log eta - log(1 - eta) - log zeta)."""
        layer = self.logistic
        code = ops.convert_to_tensor(code, dtype=self.compute_dtype)
        if layer.eta == 1.0:
            return ops.ones_like(code)
        shift = math.log(layer.eta) - math.log1p(-layer.eta)
        return ops.sigmoid(layer.beta * code + shift - ops.convert_to_tensor(layer.log_zeta))

    def energy(self, patches, code=None):
        """Per-sample energy and its two terms ``(E, prediction_error, reconstruction_error)``, each (B,).

        ``code`` defaults to the encoder's output (then the prediction error is 0).
        The logistic's state is frozen (no update).
        """
        patches = self.centre(ops.convert_to_tensor(patches, dtype=self.compute_dtype))
        prediction = self.encoder(patches)
        code = prediction if code is None else ops.convert_to_tensor(code, dtype=self.compute_dtype)
        reconstruction = self.decoder(self._logistic_frozen(code))
        predict = ops.mean(ops.square(code - prediction), axis=-1)
        rebuild = ops.mean(ops.square(self._flat(patches) - self._flat(reconstruction)), axis=-1)
        return self.prediction_weight * predict + rebuild, predict, rebuild

    def best_shift(self, neighbourhoods):
        """Best-shift search: ``(patches (B, T, H, W, C), shift index (B,), energy (B,))``.

        Every shift within ``shift_range`` is scored by the energy with the code at the
        encoder's output, in one forward pass over the B x S shifted patches.
        """
        candidates = shifted_patches(neighbourhoods, self.patch_shape, self.shift_range)
        batch, count = ops.shape(candidates)[0], ops.shape(candidates)[1]
        flat = ops.reshape(candidates, (-1,) + self.patch_shape)
        scores, _, _ = self.energy(flat)
        scores = ops.reshape(scores, (batch, count))
        index = ops.argmin(scores, axis=1)
        rows = ops.arange(batch, dtype=index.dtype) * ops.cast(count, index.dtype) + index
        best = ops.take(flat, rows, axis=0)
        return best, index, ops.min(scores, axis=1)

    def shift_vectors(self, index):
        """(B, 3) shifts (dt, dh, dw) from ``best_shift``'s indices."""
        return shift_offsets(self.shift_range)[np.asarray(ops.convert_to_numpy(index))]

    def optimal_code(self, patches):
        """``Z*``: start at the encoder's output, ``code_steps`` gradient steps on E over the code.

        The gradient is the energy's closed form (``dE/dZ = 2 w_p (Z - P) / K + beta s (1 - s)
        dE/ds`` with ``dE/ds = -2 (X - D(s)) W_d^T / D``); each step is
        ``Z <- Z - code_learning_rate * (K / 2) * dE/dZ``, so that a rate of 1 would return the
        code to the encoder's prediction in one step when the reconstruction term is flat.
        """
        prediction = ops.stop_gradient(self.encoder(patches))
        target = ops.stop_gradient(self._flat(patches))
        dense = self.decoder.get_layer("decoder_dense")
        kernel = ops.stop_gradient(ops.convert_to_tensor(dense.kernel))
        bias = ops.stop_gradient(ops.convert_to_tensor(dense.bias))
        k, d = self.code_units, int(np.prod(self.patch_shape))
        beta = self.logistic.beta
        step = self.code_learning_rate * k / 2.0
        code = prediction
        for _ in range(self.code_steps):
            sparse = self._logistic_frozen(code)
            residual = target - (ops.matmul(sparse, kernel) + bias)
            d_sparse = -2.0 / d * ops.matmul(residual, ops.transpose(kernel))
            gradient = 2.0 * self.prediction_weight / k * (code - prediction) + d_sparse * beta * sparse * (1 - sparse)
            code = code - step * gradient
        return ops.stop_gradient(code)

    def _search_and_code(self, data):
        x = data[0] if isinstance(data, (tuple, list)) else data
        x = ops.convert_to_tensor(x, dtype=self.compute_dtype)
        if any(self.shift_range):
            patches, _, _ = self.best_shift(x)
        else:
            patches = x
        patches = ops.stop_gradient(self.centre(patches))
        return patches, self.optimal_code(patches)

    def _terms(self, patches, code, training):
        """Energy terms for the parameter update (differentiable in encoder and decoder), and the sparsity."""
        prediction = self.encoder(patches)
        # The logistic's running normaliser runs through the batch in order: under a TensorFlow strategy it runs
        # through the whole batch (gathered from the replicas), so that every replica sees the one-device codes.
        whole, start = gather_replica_batches(code) if training else (code, 0)
        sparse = self.logistic(whole, training=training)
        if whole is not code:
            sparse = ops.slice(sparse, (start, 0), ops.shape(code))
        sparse = ops.stop_gradient(sparse)
        reconstruction = self.decoder(sparse)
        predict = ops.mean(ops.square(code - prediction))
        rebuild = ops.mean(ops.square(self._flat(patches) - self._flat(reconstruction)))
        energy = self.prediction_weight * predict + rebuild
        sparsity = ops.mean(ops.cast(sparse < self.sparsity_threshold, "float32"))
        return energy, predict, rebuild, sparsity

    def _update_metrics(self, energy, predict, rebuild, sparsity):
        for tracker, value in zip(self.metrics, (energy, predict, rebuild, sparsity)):
            tracker.update_state(value)
        return {m.name: m.result() for m in self.metrics}

    # ------------------------------------------------------------------ training steps, one per backend
    def train_step(self, *args):
        backend = keras.backend.backend()
        if backend == "tensorflow":
            return self._train_step_tensorflow(*args)
        if backend == "jax":
            return self._train_step_jax(*args)
        if backend == "torch":
            return self._train_step_torch(*args)
        raise NotImplementedError(
            f"STCSAE's training step runs on the {', '.join(SUPPORTED_BACKENDS)} backends; the {backend!r} "
            "backend cannot run it (set KERAS_BACKEND to one of those)"
        )

    def _train_step_tensorflow(self, data):
        import tensorflow as tf

        patches, code = self._search_and_code(data)
        with tf.GradientTape() as tape:
            energy, predict, rebuild, sparsity = self._terms(patches, code, training=True)
            # Under a strategy each replica holds a share of the batch and the optimizer sums their gradients.
            share = energy / replicas_in_sync()
        gradients = tape.gradient(share, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        return self._update_metrics(energy, predict, rebuild, sparsity)

    def _train_step_torch(self, data):
        import torch

        with torch.no_grad():
            patches, code = self._search_and_code(data)
        self.zero_grad()
        energy, predict, rebuild, sparsity = self._terms(patches, code, training=True)
        energy.backward()
        gradients = [v.value.grad for v in self.trainable_variables]
        with torch.no_grad():
            self.optimizer.apply(gradients, self.trainable_variables)
        return self._update_metrics(energy, predict, rebuild, sparsity)

    def _train_step_jax(self, state, data):
        import jax

        trainable, non_trainable, optimizer_variables, metrics_variables = state

        def loss_fn(trainable_values, non_trainable_values):
            mapping = list(zip(self.trainable_variables, trainable_values))
            mapping += list(zip(self.non_trainable_variables, non_trainable_values))
            with keras.StatelessScope(state_mapping=mapping) as scope:
                patches, code = self._search_and_code(data)
                energy, predict, rebuild, sparsity = self._terms(patches, code, training=True)
            updated = []
            for variable, value in zip(self.non_trainable_variables, non_trainable_values):
                new = scope.get_current_value(variable)
                updated.append(value if new is None else new)
            return energy, (predict, rebuild, sparsity, updated)

        (energy, (predict, rebuild, sparsity, non_trainable)), gradients = jax.value_and_grad(
            loss_fn, has_aux=True)(trainable, non_trainable)
        trainable, optimizer_variables = self.optimizer.stateless_apply(optimizer_variables, gradients, trainable)
        logs, new_metrics_variables = {}, []
        for metric, value in zip(self.metrics, (energy, predict, rebuild, sparsity)):
            count = len(metric.variables)
            variables = metrics_variables[len(new_metrics_variables):len(new_metrics_variables) + count]
            variables = metric.stateless_update_state(variables, value)
            logs[metric.name] = metric.stateless_result(variables)
            new_metrics_variables += list(variables)
        return logs, (trainable, non_trainable, optimizer_variables, new_metrics_variables)

    def test_step(self, *args):
        backend = keras.backend.backend()
        if backend == "jax":
            state, data = args
            trainable, non_trainable, metrics_variables = state
            mapping = list(zip(self.trainable_variables, trainable)) + list(zip(self.non_trainable_variables,
                                                                                non_trainable))
            with keras.StatelessScope(state_mapping=mapping):
                patches, code = self._search_and_code(data)
                values = self._terms(patches, code, training=False)
            logs, new_metrics_variables = {}, []
            for metric, value in zip(self.metrics, values):
                count = len(metric.variables)
                variables = metrics_variables[len(new_metrics_variables):len(new_metrics_variables) + count]
                variables = metric.stateless_update_state(variables, value)
                logs[metric.name] = metric.stateless_result(variables)
                new_metrics_variables += list(variables)
            return logs, (trainable, non_trainable, new_metrics_variables)
        if backend not in SUPPORTED_BACKENDS:
            self.train_step(*args)  # raises the backend error
        (data,) = args
        patches, code = self._search_and_code(data)
        return self._update_metrics(*self._terms(patches, code, training=False))




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


# The KTH run's numbers, written once in the "stcsae_paper" preset (stcsae_presets.py): the defaults below read them.
_PAPER = STCSAE_PAPER.config


def build_stcsae(patch_shape=_PAPER["patch_shape"], code_units=_PAPER["code_units"], grid_stride=_PAPER["grid_stride"],
                 encoder_activation=None, eta=_PAPER["eta"], beta=_PAPER["beta"], shift_range=_PAPER["shift_range"],
                 code_steps=_PAPER["code_steps"], code_learning_rate=_PAPER["code_learning_rate"],
                 prediction_weight=1.0, sparsity_threshold=0.1, overcomplete=True,
                 centre_patches=_PAPER["centre_patches"], name="stcsae"):
    """The spatio-temporal convolutional sparse auto-encoder (Baccouche et al. 2012, Figure 1), ready to ``fit``.

    The abstract gives none of these numbers; each default is recorded in
    docs/faithfulness.md (ST-CSAE section) and is the "stcsae_paper" preset's.

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
