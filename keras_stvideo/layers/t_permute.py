"""The transformation and permutation (T-P) operator of FstCN (Sun et al. 2015, section 2.1)."""

import math

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_stvideo")
class TPermute(keras.layers.Layer):
    """Vectorise each spatial map, rearrange for temporal convolution, permute feature channels.

    Input ``(batch, time, height, width, f)``: the spatial-convolution features of
    every frame of a clip. Each ``height x width`` map is vectorised into
    ``height * width`` positions, the feature channels are recombined by a
    learnable matrix ``P`` of size ``f x f'`` (``x_perm = x @ P``, Gaussian
    initialised, learned by back-propagation), and the result is laid out as
    ``(batch, time, f', height * width)``: a channels-last 2-D "image" whose rows
    are time, whose columns are the permuted feature channels and whose channels
    are the vectorised spatial positions. A ``keras.layers.Conv2D`` on this
    output therefore learns 2-D kernels over the temporal and feature-channel
    axes, as section 2.1 describes, with each output "pixel" seeing every spatial
    position (the larger receptive field the section mentions).

    Args:
        permuted_channels: f', the columns of P (128, section 2.5).
        kernel_initializer: initialiser of P. The paper says "Gaussian"; the default
            normal has stddev 1 / sqrt(f) so the permuted features keep the scale
            of the input (the paper gives no standard deviation).
        kernel_regularizer: optional regulariser of P (e.g. the weight decay).

    Example:
        >>> tp = TPermute(128)
        >>> y = tp(numpy.zeros((2, 5, 13, 13, 128), "float32"))  # shape (2, 5, 128, 169)

    Reference:
        Sun et al., "Human Action Recognition using Factorized Spatio-Temporal
        Convolutional Networks", ICCV 2015, section 2.1 and 2.5, Fig. 1.
    """

    def __init__(self, permuted_channels=128, kernel_initializer=None, kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(permuted_channels, int) or permuted_channels < 1:
            raise ValueError(f"permuted_channels must be a positive integer, got {permuted_channels!r}")
        self.permuted_channels = permuted_channels
        self.kernel_initializer = (
            keras.initializers.get(kernel_initializer) if kernel_initializer is not None else None
        )
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def build(self, input_shape):
        if len(input_shape) != 5:
            raise ValueError(
                f"TPermute expects input of rank 5 (batch, time, height, width, features), got {tuple(input_shape)}"
            )
        features = input_shape[-1]
        if features is None:
            raise ValueError("TPermute needs a known number of feature channels, got None")
        initializer = self.kernel_initializer or keras.initializers.RandomNormal(stddev=1.0 / math.sqrt(features))
        self.permutation = self.add_weight(
            name="permutation",
            shape=(features, self.permuted_channels),
            initializer=initializer,
            regularizer=self.kernel_regularizer,
        )

    def call(self, inputs):
        shape = ops.shape(inputs)
        permuted = ops.matmul(inputs, self.permutation)  # (B, T, H, W, f')
        vectorised = ops.reshape(permuted, (shape[0], shape[1], shape[2] * shape[3], self.permuted_channels))
        return ops.transpose(vectorised, (0, 1, 3, 2))  # (B, T, f', H * W)

    def compute_output_shape(self, input_shape):
        batch, time, height, width, _ = input_shape
        positions = None if height is None or width is None else height * width
        return (batch, time, self.permuted_channels, positions)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "permuted_channels": self.permuted_channels,
                "kernel_initializer": (
                    keras.initializers.serialize(self.kernel_initializer) if self.kernel_initializer else None
                ),
                "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            }
        )
        return config
