"""The sparsifying logistic of Ranzato et al. 2007, used by ST-CSAE (Baccouche et al. 2012)."""

import math

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_stvideo")
class SparsifyingLogistic(keras.layers.Layer):
    """``z_bar_i(k) = eta exp(beta z_i(k)) / zeta_i(k)``,
    ``zeta_i(k) = eta exp(beta z_i(k)) + (1 - eta) zeta_i(k - 1)``.

    Each code unit i (every non-batch position of the input) keeps a running
    normaliser ``zeta_i`` as non-trainable state, saved with the model. It is
    computed in log space (``log zeta = logaddexp(log eta + beta z,
    log(1 - eta) + log zeta_prev)``), so large ``beta * z`` never overflows.

    Within a mini-batch the samples are taken as consecutive training steps k, in
    batch order: sample m is normalised by ``zeta(k + m)``, which includes the
    samples before it; after a training call the state holds the ``zeta`` of the
    last sample. ``zeta(k - 1)`` (the state and the contribution of the earlier
    samples) is a constant for gradients (``stop_gradient``): only the sample's
    own ``exp(beta z)`` term is differentiated, as in Ranzato et al.'s online
    algorithm. At inference (``training`` false) the state is frozen and each
    sample is normalised by ``eta exp(beta z) + (1 - eta) zeta``.

    Args:
        eta: weight of the current input in the running normaliser, in (0, 1]
            (0.02; Baccouche et al. 2012 do not state it, Ranzato et al. use small eta).
        beta: gain of the logistic (1.0).
        initial_zeta: starting value of every zeta (1.0).

    Example:
        >>> layer = SparsifyingLogistic(eta=0.02, beta=1.0)
        >>> y = layer(numpy.zeros((8, 100), "float32"), training=True)

    Reference:
        Ranzato, Huang, Boureau, LeCun, "Unsupervised learning of invariant feature
        hierarchies with applications to object recognition", CVPR 2007, section 2;
        Baccouche et al., "Spatio-Temporal Convolutional Sparse Auto-Encoder for
        Sequence Classification", BMVC 2012.
    """

    def __init__(self, eta=0.02, beta=1.0, initial_zeta=1.0, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 < eta <= 1.0:
            raise ValueError(f"eta must lie in (0, 1], got {eta!r}")
        if beta <= 0:
            raise ValueError(f"beta must be positive, got {beta!r}")
        if initial_zeta <= 0:
            raise ValueError(f"initial_zeta must be positive, got {initial_zeta!r}")
        self.eta = float(eta)
        self.beta = float(beta)
        self.initial_zeta = float(initial_zeta)

    def build(self, input_shape):
        if len(input_shape) < 2 or any(d is None for d in input_shape[1:]):
            raise ValueError(
                f"SparsifyingLogistic expects input (batch, units...) with known unit dimensions, "
                f"got {tuple(input_shape)}"
            )
        self.log_zeta = self.add_weight(
            name="log_zeta",
            shape=tuple(input_shape[1:]),
            initializer=keras.initializers.Constant(math.log(self.initial_zeta)),
            trainable=False,
            # Under a TensorFlow strategy every replica assigns the same value (ST-CSAE's step gathers the batch).
            aggregation="only_first_replica",
        )

    def call(self, inputs, training=False):
        log_eta = math.log(self.eta)
        log_keep = math.log1p(-self.eta) if self.eta < 1.0 else -math.inf
        current = log_eta + self.beta * inputs
        previous = ops.stop_gradient(self.log_zeta)
        if not training:
            log_zeta = ops.logaddexp(current, log_keep + previous) if self.eta < 1.0 else current
            return ops.exp(current - log_zeta)
        if self.eta == 1.0:
            return ops.ones_like(inputs)
        # log zeta(m) = logsumexp_j<=m [current_j + (m - j) log_keep], plus (m + 1) log_keep + log zeta_prev.
        batch = ops.shape(inputs)[0]
        steps = ops.arange(batch, dtype=inputs.dtype)
        lag = ops.expand_dims(steps, 1) - ops.expand_dims(steps, 0)  # (m, j) -> m - j
        extra = (1,) * (len(inputs.shape) - 1)
        lag = ops.reshape(lag, ops.shape(lag) + extra)
        constant_current = ops.stop_gradient(current)
        terms = ops.where(lag > 0, ops.expand_dims(constant_current, 0), ops.expand_dims(current, 0))
        terms = ops.where(lag >= 0, terms + lag * log_keep, -math.inf)
        prior = ops.expand_dims((ops.reshape(steps, (-1,) + extra) + 1.0) * log_keep + previous, 1)
        log_zeta = ops.logsumexp(ops.concatenate([terms, prior], axis=1), axis=1)
        self.log_zeta.assign(ops.stop_gradient(log_zeta[-1]))
        return ops.exp(current - log_zeta)

    @property
    def zeta(self):
        """The running normaliser as a numpy array."""
        return ops.convert_to_numpy(ops.exp(self.log_zeta))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"eta": self.eta, "beta": self.beta, "initial_zeta": self.initial_zeta})
        return config
