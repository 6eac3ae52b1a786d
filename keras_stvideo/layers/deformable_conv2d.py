"""Deformable convolution (Dai et al. 2017), Shan & Atanasov 2017 Eq. (1b)."""

import keras
from keras import ops

from keras_stvideo.layers._bilinear import bilinear_sample


def _pair(name, value):
    if isinstance(value, int):
        value = (value, value)
    value = tuple(value)
    if len(value) != 2 or not all(isinstance(v, int) and v >= 1 for v in value):
        raise ValueError(f"{name} must be a positive integer or a pair of them, got {value!r}")
    return value


def _output_length(size, kernel, stride, dilation, padding):
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        return (size - span) // stride + 1
    return -(-size // stride)


def _pad_before(size, kernel, stride, dilation):
    """TensorFlow's 'same' padding: the smaller half before."""
    span = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    return max((out - 1) * stride + span - size, 0) // 2


@keras.saving.register_keras_serializable(package="keras_stvideo")
class DeformableConv2D(keras.layers.Layer):
    """2-D convolution whose sampling grid is shifted by learned offsets.

    ``y(p0) = sum_n w(p_n) x(p0 + p_n + dp_n)`` (Shan & Atanasov 2017 Eq. 1b): a convolution
    over the same input, with the same kernel size, strides, padding and
    dilation, predicts ``2N`` offset channels for the ``N = kh * kw`` kernel taps
    (``offsets[..., 2n]`` is the row offset dy of tap n, ``offsets[..., 2n + 1]``
    the column offset dx; taps in row-major order), shared by all input channels
    (Dai et al. 2017, section 2.1). Samples are bilinear with zeros outside the
    image. The offset convolution starts at zero (kernel and bias), so a new layer
    equals ``keras.layers.Conv2D`` with the same kernel.

    Args:
        filters, kernel_size, strides, padding ("valid" or "same"), dilation_rate,
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer: as ``keras.layers.Conv2D``.
        offset_initializer: initialiser of the offset convolution's kernel and bias ("zeros").

    Example:
        >>> layer = DeformableConv2D(50, 5, padding="same")
        >>> y = layer(numpy.zeros((2, 64, 64, 20), "float32"))  # shape (2, 64, 64, 50)

    Reference:
        Dai et al., "Deformable Convolutional Networks", ICCV 2017, Eq. (2);
        Shan & Atanasov 2017, section II-A, Eq. (1b).
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        dilation_rate=(1, 1),
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        offset_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(filters, int) or filters < 1:
            raise ValueError(f"filters must be a positive integer, got {filters!r}")
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
        self.filters = filters
        self.kernel_size = _pair("kernel_size", kernel_size)
        self.strides = _pair("strides", strides)
        self.dilation_rate = _pair("dilation_rate", dilation_rate)
        self.padding = padding
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.offset_initializer = keras.initializers.get(offset_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(
                f"DeformableConv2D expects input of rank 4 (batch, height, width, channels), "
                f"got shape {tuple(input_shape)}"
            )
        channels = input_shape[-1]
        if channels is None:
            raise ValueError("DeformableConv2D needs a known number of input channels, got None")
        kh, kw = self.kernel_size
        self.kernel = self.add_weight(
            name="kernel",
            shape=(kh, kw, channels, self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
        )
        self.bias = (
            self.add_weight(
                name="bias", shape=(self.filters,), initializer=self.bias_initializer, regularizer=self.bias_regularizer
            )
            if self.use_bias
            else None
        )
        self.offset_conv = keras.layers.Conv2D(
            2 * kh * kw,
            self.kernel_size,
            strides=self.strides,
            padding=self.padding,
            dilation_rate=self.dilation_rate,
            kernel_initializer=self.offset_initializer,
            bias_initializer=self.offset_initializer,
            name="offset_conv",
        )
        self.offset_conv.build(input_shape)

    def call(self, inputs):
        offsets = self.offset_conv(inputs)  # (B, Ho, Wo, 2N)
        shape = ops.shape(inputs)
        batch, height, width, channels = shape[0], shape[1], shape[2], shape[3]
        (kh, kw), (sh, sw), (dh, dw) = self.kernel_size, self.strides, self.dilation_rate
        out_h = _output_length(height, kh, sh, dh, self.padding)
        out_w = _output_length(width, kw, sw, dw, self.padding)
        top = 0 if self.padding == "valid" else _pad_before(height, kh, sh, dh)
        left = 0 if self.padding == "valid" else _pad_before(width, kw, sw, dw)
        dtype = "float32"  # sampling coordinates in float32 under any compute dtype (see _bilinear)
        taps_r = ops.repeat(ops.arange(kh, dtype=dtype) * dh, kw)  # (N,) row-major taps
        taps_c = ops.tile(ops.arange(kw, dtype=dtype) * dw, kh)
        base_r = ops.arange(out_h, dtype=dtype) * sh - top
        base_c = ops.arange(out_w, dtype=dtype) * sw - left
        offsets = ops.cast(ops.reshape(offsets, (batch, out_h, out_w, kh * kw, 2)), dtype)
        # unstack, not offsets[..., 0]: TensorFlow's gradient of a strided slice scatters into a zero
        # tensor of the whole offsets' shape, once per slice (slower than the sampler on CPU).
        offset_r, offset_c = ops.unstack(offsets, 2, axis=-1)
        rows = base_r[None, :, None, None] + taps_r[None, None, None, :] + offset_r
        cols = base_c[None, None, :, None] + taps_c[None, None, None, :] + offset_c
        n_taps = kh * kw
        sampled = bilinear_sample(
            inputs, ops.reshape(rows, (batch, out_h, out_w * n_taps)), ops.reshape(cols, (batch, out_h, out_w * n_taps))
        )  # (B, Ho, Wo * N, C)
        # One 2-D (B Ho Wo, N C) x (N C, F) product: a batched product broadcasting the kernel over (B, Ho)
        # would make TensorFlow's gradient form one (N C, F) kernel gradient per (b, row) and then sum them.
        sampled = ops.reshape(sampled, (-1, n_taps * channels))
        outputs = ops.matmul(sampled, ops.reshape(self.kernel, (n_taps * channels, self.filters)))
        outputs = ops.reshape(outputs, (batch, out_h, out_w, self.filters))
        if self.use_bias:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        (kh, kw), (sh, sw), (dh, dw) = self.kernel_size, self.strides, self.dilation_rate
        height, width = input_shape[1], input_shape[2]
        out_h = None if height is None else _output_length(height, kh, sh, dh, self.padding)
        out_w = None if width is None else _output_length(width, kw, sw, dw, self.padding)
        return (input_shape[0], out_h, out_w, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "dilation_rate": self.dilation_rate,
                "activation": keras.activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "offset_initializer": keras.initializers.serialize(self.offset_initializer),
                "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer),
            }
        )
        return config
