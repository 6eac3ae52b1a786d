"""Temporal Squeeze pooling (Huang & Bors 2020, sections 2.1 to 2.3 and 3.1)."""

from math import comb

import keras
import numpy as np
from keras import ops


def _block_bounds(frames, squeezed_frames):
    """The first frame of each of the D blocks of consecutive frames, and K at the end: D + 1 integers."""
    return np.linspace(0, frames, squeezed_frames + 1).round().astype(int)


def block_indicator_basis(frames, squeezed_frames):
    """A column-independent K x D start for A: column d is 1 on the d-th block of consecutive frames, 0 elsewhere.

    With this A, ``A^T A`` is diagonal with the block lengths and ``A^T x`` holds the
    block sums, so the projection ``Y = (A^T A)^-1 A^T x`` is the block means and
    ``A Y`` repeats each block's mean over its frames.
    """
    basis = np.zeros((frames, squeezed_frames), dtype="float32")
    bounds = _block_bounds(frames, squeezed_frames)
    for d in range(squeezed_frames):
        basis[bounds[d] : bounds[d + 1], d] = 1.0
    return basis


def bernstein_basis(frames, squeezed_frames):
    """A column-independent, overlapping K x D start for A: column d is the degree-(D-1) Bernstein polynomial
    ``C(D-1, d) t^d (1-t)^(D-1-d)`` at the frame times ``t_k = (k + 1/2) / K``.

    Every entry is positive (away from the kink of the LeakyReLU delta_2), the columns span the polynomials
    of degree < D in time, and, unlike the block indicators, the rows of ``(A^T A)^-1 A^T`` are signed and
    asymmetric in time: each squeezed frame weighs early and late frames differently (with opposite signs),
    so a single squeezed frame carries the direction of a motion, not only a motion-blurred still.
    """
    t = (np.arange(frames, dtype="float64") + 0.5) / frames
    d = squeezed_frames - 1
    columns = [comb(d, i) * t**i * (1.0 - t) ** (d - i) for i in range(squeezed_frames)]
    return np.stack(columns, axis=1).astype("float32")


def ramp_basis(frames, squeezed_frames):
    """A column-independent, non-negative, time-asymmetric K x D start for A: column d is a rising ramp
    ``1, 2, ..., n`` over the d-th block of consecutive frames (the blocks of ``block_indicator_basis``), 0
    elsewhere, scaled by ``sum(w) / sum(w^2)``.

    ``A^T A`` is then diagonal and the projection ``Y = (A^T A)^-1 A^T x`` is, per squeezed frame, the
    ramp-weighted mean ``sum_k w_k x_k / sum_k w_k`` of its block: a motion-history-like "comet" whose
    contrast to the background is strongest at the block's latest frame, whatever the object's polarity (a
    signed mix, such as a temporal derivative, is ambiguous by contrast polarity). Unlike the block means it
    is not closed under time reversal: a reversed clip gives differently weighted frames, so even averaging
    per-frame scores can tell a motion from its reversal.
    """
    basis = np.zeros((frames, squeezed_frames), dtype="float64")
    bounds = _block_bounds(frames, squeezed_frames)
    for d in range(squeezed_frames):
        ramp = np.arange(1, bounds[d + 1] - bounds[d] + 1, dtype="float64")
        basis[bounds[d] : bounds[d + 1], d] = ramp * ramp.sum() / np.square(ramp).sum()
    return basis.astype("float32")


BASES = {"block": block_indicator_basis, "bernstein": bernstein_basis, "ramp": ramp_basis}


@keras.saving.register_keras_serializable(package="keras_stvideo")
class TemporalSqueeze(keras.layers.Layer):
    """Squeeze K frames into D frames by projecting every pixel's K-vector onto a learned hyperplane.

    * Squeeze (Eq. 1): ``z_k`` = mean of frame k over height, width and channels.
    * Excitation (Eq. 2): ``A' = delta_2(W_2 delta_1(W_1 z))`` with ``W_1`` K x K,
      ``W_2`` KD x K, ``delta_1`` = sigmoid and ``delta_2`` = LeakyReLU (section 3.1:
      "these choices are crucial"), reshaped to K x D.
    * ``A = Phi(A') = A'`` (Phi = identity, section 3.1) "properly initialised" to
      be column independent (the paper does not say how): ``W_2`` starts at zero
      and its bias at ``basis``: "block", the block indicator basis (column d is
      1 on the d-th block of K / D consecutive frames), so at the start each
      squeezed frame is the mean of its block (up to the ``ridge`` term); or
      "bernstein" (``bernstein_basis``), overlapping positive columns whose
      squeezed frames are signed, time-asymmetric mixes of the K frames; or
      "ramp" (``ramp_basis``), rising ramps over the blocks, so each squeezed
      frame is a ramp-weighted (latest frames heaviest) mean of its block, a
      motion-history-like image.
    * Projection (Eq. 4): ``Y = (A^T A + ridge I)^-1 A^T X``; the output is Y
      reshaped to D frames of the input's height, width and channels.
    * Projection loss (Eq. 5): ``l_proj`` = mean over the H*W*C pixels of the L2
      norm (over K) of ``x - A Y``, averaged over the batch and added through
      ``add_loss`` with weight ``beta`` (10, section 3.1), so ``model.fit``
      minimises Eq. 6's ``l_classif + beta * sum l_proj``.

    ``ridge`` keeps the solve finite when ``A^T A`` is ill-conditioned (for
    example when two columns of A become equal); it is far below the scale of a
    well-conditioned ``A^T A``. The projection and its loss are computed in
    float32 whatever the layer's compute dtype (``ops.solve`` has no bfloat16
    kernel, and a bfloat16 solve would be too coarse), and the output is cast
    back to the compute dtype, so the layer runs under ``mixed_bfloat16``.

    Args:
        squeezed_frames: D (3 at the input in the best setting of Table 1).
        beta: weight of the projection loss (10, section 3.1).
        negative_slope: slope of the LeakyReLU delta_2 (not stated; 0.01).
        ridge: Tikhonov term added to ``A^T A`` (1e-4).
        basis: the start of A, "block" (block means), "bernstein" or "ramp" (see above).

    Input ``(batch, K, height, width, channels)``; output ``(batch, D, height, width, channels)``.

    Example:
        >>> ts = TemporalSqueeze(squeezed_frames=2)
        >>> y = ts(numpy.random.rand(4, 10, 32, 32, 3).astype("float32"))  # (4, 2, 32, 32, 3)

    Reference:
        Huang & Bors, "Learning Spatio-Temporal Representations with Temporal
        Squeeze Pooling", ICASSP 2020, Eqs. (1)-(6), section 3.1.
    """

    def __init__(self, squeezed_frames, beta=10.0, negative_slope=0.01, ridge=1e-4, basis="block", **kwargs):
        super().__init__(**kwargs)
        if not isinstance(squeezed_frames, int) or squeezed_frames < 1:
            raise ValueError(f"squeezed_frames must be a positive integer, got {squeezed_frames!r}")
        if beta < 0 or ridge < 0 or negative_slope < 0:
            raise ValueError(
                f"beta, ridge and negative_slope must be >= 0, got {beta!r}, {ridge!r}, {negative_slope!r}"
            )
        if basis not in BASES:
            raise ValueError(f"basis must be one of {sorted(BASES)}, got {basis!r}")
        self.squeezed_frames = squeezed_frames
        self.basis = basis
        self.beta = float(beta)
        self.negative_slope = float(negative_slope)
        self.ridge = float(ridge)

    def build(self, input_shape):
        if len(input_shape) != 5:
            raise ValueError(
                f"TemporalSqueeze expects input of rank 5 (batch, frames, height, width, channels), "
                f"got {tuple(input_shape)}"
            )
        frames = input_shape[1]
        if frames is None or frames < self.squeezed_frames:
            raise ValueError(
                f"TemporalSqueeze(squeezed_frames={self.squeezed_frames}) needs a known number of frames K >= "
                f"{self.squeezed_frames}, got K={frames}"
            )
        self.frames = frames
        k, d = frames, self.squeezed_frames
        self.w1 = self.add_weight(name="w1", shape=(k, k), initializer="glorot_uniform")
        self.b1 = self.add_weight(name="b1", shape=(k,), initializer="zeros")
        self.w2 = self.add_weight(name="w2", shape=(k, k * d), initializer="zeros")
        self.b2 = self.add_weight(
            name="b2",
            shape=(k * d,),
            initializer=keras.initializers.Constant(BASES[self.basis](k, d).reshape(-1)),
        )

    def hyperplane(self, inputs):
        """A, shape (batch, K, D), for ``inputs``."""
        z = ops.mean(inputs, axis=(2, 3, 4))  # Eq. (1)
        hidden = ops.sigmoid(ops.matmul(z, self.w1) + self.b1)
        a = ops.leaky_relu(ops.matmul(hidden, self.w2) + self.b2, negative_slope=self.negative_slope)
        return ops.reshape(a, (-1, self.frames, self.squeezed_frames))

    def call(self, inputs):
        shape = ops.shape(inputs)
        batch, height, width, channels = shape[0], shape[2], shape[3], shape[4]
        a = ops.cast(self.hyperplane(inputs), "float32")
        # columns are the pixel vectors x_i in R^K
        x = ops.cast(ops.reshape(inputs, (batch, self.frames, -1)), "float32")
        a_t = ops.transpose(a, (0, 2, 1))
        gram = ops.matmul(a_t, a) + self.ridge * ops.eye(self.squeezed_frames, dtype="float32")
        y = ops.solve(gram, ops.matmul(a_t, x))  # Eq. (4), (batch, D, HWC)
        residual = x - ops.matmul(a, y)
        l_proj = ops.mean(ops.sqrt(ops.sum(ops.square(residual), axis=1) + 1e-12))  # Eq. (5)
        if self.beta > 0:
            self.add_loss(self.beta * l_proj)
        y = ops.cast(y, self.compute_dtype)
        return ops.reshape(y, (batch, self.squeezed_frames, height, width, channels))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.squeezed_frames) + tuple(input_shape[2:])

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "squeezed_frames": self.squeezed_frames,
                "beta": self.beta,
                "negative_slope": self.negative_slope,
                "ridge": self.ridge,
                "basis": self.basis,
            }
        )
        return config
