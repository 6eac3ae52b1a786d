"""Per-channel offset layer ("offset2D") of Shan & Atanasov 2017's DCN-LeNet (their reference [11])."""

import keras
from keras import ops

from keras_stvideo.layers._bilinear import bilinear_sample


@keras.saving.register_keras_serializable(package="keras_stvideo")
class ConvOffset2D(keras.layers.Layer):
    """Resample every channel at positions shifted by offsets learned by a convolution.

    A convolution (``kernel_size`` x ``kernel_size``, 'same' padding, no bias)
    over the input predicts ``2 * filters`` offset maps; channel ``c`` of the
    output is channel ``c`` of the input bilinearly sampled at
    ``(row + dy_c, col + dx_c)``, where ``dy_c = offsets[..., 2c]`` and
    ``dx_c = offsets[..., 2c + 1]``, with zeros outside the image. The output has
    the shape of the input. This is the ``ConvOffset2D`` of felixlaumon/deform-conv
    (Shan & Atanasov 2017's reference [11]) on which the paper's DCN-LeNet was built: its
    trainable parameters are the ``k * k * C * 2C`` offset kernel only, which is
    what reproduces the paper's 102,483,280 parameters (section IV-A).

    Args:
        filters: number of input channels C (the layer keeps them; must match the input).
        kernel_size: side of the offset convolution (3 in reference [11]).
        kernel_initializer: initialiser of the offset kernel. Default "zeros": the
            layer starts as the identity (reference [11] uses a normal of stddev 0.01).
        kernel_regularizer: optional regulariser of the offset kernel.

    Example:
        >>> layer = ConvOffset2D(20)
        >>> y = layer(numpy.zeros((2, 64, 64, 20), "float32"))  # shape (2, 64, 64, 20)

    Reference:
        Shan & Atanasov 2017, Eq. (1b), Fig. 1 ("offset2D") and section IV-A;
        Dai et al., "Deformable Convolutional Networks", ICCV 2017, section 2.
    """

    def __init__(self, filters, kernel_size=3, kernel_initializer="zeros", kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(filters, int) or filters < 1:
            raise ValueError(f"filters must be a positive integer, got {filters!r}")
        if not isinstance(kernel_size, int) or kernel_size < 1:
            raise ValueError(f"kernel_size must be a positive integer, got {kernel_size!r}")
        self.filters = filters
        self.kernel_size = kernel_size
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(
                f"ConvOffset2D expects input of rank 4 (batch, height, width, channels), got shape {tuple(input_shape)}"
            )
        if input_shape[-1] != self.filters:
            raise ValueError(
                f"ConvOffset2D(filters={self.filters}) expects {self.filters} input channels, got {input_shape[-1]}"
            )
        self.offset_conv = keras.layers.Conv2D(
            2 * self.filters,
            self.kernel_size,
            padding="same",
            use_bias=False,
            kernel_initializer=self.kernel_initializer,
            kernel_regularizer=self.kernel_regularizer,
            name="offset_conv",
        )
        self.offset_conv.build(input_shape)

    def call(self, inputs):
        offsets = self.offset_conv(inputs)
        shape = ops.shape(inputs)
        batch, height, width, channels = shape[0], shape[1], shape[2], shape[3]
        # Sampling coordinates in float32 under any compute dtype (see _bilinear).
        offsets = ops.cast(ops.reshape(offsets, (batch, height, width, channels, 2)), "float32")
        rows = ops.reshape(ops.arange(height, dtype="float32"), (1, -1, 1, 1))
        cols = ops.reshape(ops.arange(width, dtype="float32"), (1, 1, -1, 1))
        # Each channel becomes its own one-channel image: (B * C, H, W, 1).
        # unstack, not offsets[..., 0]: TensorFlow's gradient of a strided slice scatters into a zero
        # tensor of the whole offsets' shape, once per slice.
        offset_r, offset_c = ops.unstack(offsets, 2, axis=-1)
        sample_rows = ops.reshape(ops.transpose(rows + offset_r, (0, 3, 1, 2)), (-1, height, width))
        sample_cols = ops.reshape(ops.transpose(cols + offset_c, (0, 3, 1, 2)), (-1, height, width))
        images = ops.reshape(ops.transpose(inputs, (0, 3, 1, 2)), (-1, height, width, 1))
        sampled = ops.reshape(bilinear_sample(images, sample_rows, sample_cols), (batch, channels, height, width))
        return ops.transpose(sampled, (0, 2, 3, 1))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            }
        )
        return config
