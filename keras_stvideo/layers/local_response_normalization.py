"""Local response normalisation across channels (Krizhevsky et al. 2012), as used by FstCN."""

import keras
from keras import ops

ALPHA_CONVENTIONS = ("caffe", "plain")


@keras.saving.register_keras_serializable(package="keras_stvideo")
class LocalResponseNormalization(keras.layers.Layer):
    """``b_c = a_c / (k + (alpha / n) * sum_{c' = c - n//2}^{c + n//2} a_{c'}^2) ** beta`` over the last axis.

    Channels outside ``[0, C)`` count as zero. Sun et al. 2015 (section 2.5) give
    "the same settings as [13]" (Krizhevsky et al. 2012), "k = 2, n = 5,
    alpha = 5e-4, beta = 0.75". Krizhevsky et al. (section 3.3) use alpha = 1e-4
    on the plain sum of squares; 5e-4 equals that only under Caffe's convention
    (the framework of Sun et al.'s reference [9]), whose LRN layer divides alpha
    by n: 5e-4 / 5 = 1e-4. So the default, ``alpha_convention="caffe"``, divides
    alpha by ``size``. ``alpha_convention="plain"`` uses alpha as is, the formula
    of Krizhevsky et al. and of ``tf.nn.local_response_normalization``; with the
    paper's 5e-4 that normalises 5 times more strongly than [13].

    Args:
        size: n, the number of channels summed over, odd (5, section 2.5).
        bias: k (2, section 2.5).
        alpha: (5e-4, section 2.5).
        beta: (0.75, section 2.5).
        alpha_convention: "caffe" (alpha / n multiplies the sum; default) or
            "plain" (alpha multiplies the sum).

    Example:
        >>> lrn = LocalResponseNormalization()
        >>> y = lrn(numpy.ones((1, 8, 8, 96), "float32"))

    Reference:
        Sun et al., "Human Action Recognition using Factorized Spatio-Temporal
        Convolutional Networks", ICCV 2015, section 2.5; Krizhevsky et al.,
        NIPS 2012, section 3.3.
    """

    def __init__(self, size=5, bias=2.0, alpha=5e-4, beta=0.75, alpha_convention="caffe", **kwargs):
        super().__init__(**kwargs)
        if alpha_convention not in ALPHA_CONVENTIONS:
            raise ValueError(f"alpha_convention must be one of {ALPHA_CONVENTIONS}, got {alpha_convention!r}")
        if not isinstance(size, int) or size < 1 or size % 2 == 0:
            raise ValueError(f"size must be a positive odd integer, got {size!r}")
        if bias <= 0 or alpha < 0 or beta < 0:
            raise ValueError(
                f"bias must be > 0 and alpha, beta >= 0, got bias={bias!r}, alpha={alpha!r}, beta={beta!r}"
            )
        self.size = size
        self.bias = float(bias)
        self.alpha = float(alpha)
        self.beta = float(beta)
        self.alpha_convention = alpha_convention

    def build(self, input_shape):
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError(
                f"LocalResponseNormalization expects input of rank >= 2 with known channels, got {tuple(input_shape)}"
            )

    def call(self, inputs):
        half = self.size // 2
        squares = ops.square(inputs)
        rank = len(inputs.shape)
        padded = ops.pad(squares, [(0, 0)] * (rank - 1) + [(half, half)])
        channels = inputs.shape[-1]
        window = padded[..., 0:channels]
        for offset in range(1, self.size):
            window = window + padded[..., offset : offset + channels]
        scale = self.alpha / self.size if self.alpha_convention == "caffe" else self.alpha
        return inputs / ops.power(self.bias + scale * window, self.beta)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "bias": self.bias, "alpha": self.alpha, "beta": self.beta,
                       "alpha_convention": self.alpha_convention})
        return config
