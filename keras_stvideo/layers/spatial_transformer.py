"""Spatial transformer (Jaderberg et al. 2015), as used by Shan & Atanasov 2017, section II-A."""

import keras
from keras import ops

from keras_stvideo.layers._bilinear import bilinear_sample


# pool 2 -> conv 5 -> pool 2 -> conv 5 (valid) needs (floor(H / 2) - 4) // 2 - 4 >= 1.
MIN_DEFAULT_INPUT_SIZE = 28


def default_localization_network():
    """The localisation features of Shan & Atanasov 2017's reference [1] (oarriaga/spatial_transformer_networks).

    MaxPooling2D(2) -> Conv2D(20, 5) -> MaxPooling2D(2) -> Conv2D(20, 5) -> Flatten
    -> Dense(50) -> ReLU. The SpatialTransformer adds the second fully connected
    layer (6 outputs, initialised to the identity), giving the "2 max-pooling,
    2 convolution, 2 fully-connected layers" of section II-A.
    """
    return keras.Sequential(
        [
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(20, 5),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(20, 5),
            keras.layers.Flatten(),
            keras.layers.Dense(50),
            keras.layers.Activation("relu"),
        ],
        name="localization_network",
    )


@keras.saving.register_keras_serializable(package="keras_stvideo")
class SpatialTransformer(keras.layers.Layer):
    """Spatial transformer: localisation network -> affine theta -> grid generator -> bilinear sampler.

    theta (2 x 3) maps output grid coordinates to input coordinates, both in
    normalised [-1, 1] with -1 and 1 at the centres of the first and last
    pixels (the align-corners convention). With the identity theta and
    ``output_size`` equal to the input size the layer returns its input exactly;
    samples outside the input are zero. theta starts at the identity: the last
    fully connected layer has a zero kernel and the bias [1, 0, 0, 0, 1, 0]
    (divided by ``theta_scale``), and ``theta = theta_scale * Dense(6)(features)``.

    Args:
        output_size: (height, width) of the output (32 x 32, Shan & Atanasov 2017 section II-A).
            None keeps the input size.
        localization_network: a Keras layer or model mapping the input image to a
            feature vector; a Dense(6) head is added on top. Default: the network
            of Shan & Atanasov 2017's reference [1] (2 max-pooling, 2 convolution, 2 fully
            connected layers with the head), see ``default_localization_network``.
        return_theta: also return theta, shape (batch, 2, 3).
        theta_scale: theta is the theta head's output times this factor (1: Jaderberg et al.). With the
            optimisers whose steps do not depend on the gradient's scale (Adadelta, Adam, RMSProp), a factor
            k < 1 makes theta move k times as fast as the head's own weights: a learning-rate multiplier
            k on the theta head. STN-LeNet uses 0.1 (docs/faithfulness.md: with Adadelta 1.0 and k = 1 the
            per-frame transforms spread until they sample outside the frame, where no gradient flows).

    Input: (batch, height, width, channels). Output: (batch, out_h, out_w, channels).

    Example:
        >>> stn = SpatialTransformer(output_size=(32, 32))
        >>> y = stn(numpy.zeros((2, 64, 64, 1), "float32"))  # shape (2, 32, 32, 1)

    Reference:
        Jaderberg et al., "Spatial Transformer Networks", NIPS 2015, Eq. (1)-(5);
        Shan & Atanasov 2017, section II-A and Fig. 2.
    """

    def __init__(self, output_size=(32, 32), localization_network=None, return_theta=False, theta_scale=1.0,
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(theta_scale, (int, float)) or isinstance(theta_scale, bool) or not theta_scale > 0:
            raise ValueError(f"theta_scale must be a positive number, got {theta_scale!r}")
        self.theta_scale = float(theta_scale)
        if output_size is not None:
            if len(tuple(output_size)) != 2 or any(int(s) < 1 for s in output_size):
                raise ValueError(f"output_size must be None or two positive integers, got {output_size!r}")
            output_size = tuple(int(s) for s in output_size)
        self.output_size = output_size
        self.return_theta = bool(return_theta)
        self._custom_localization = localization_network is not None
        self.localization_network = localization_network

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(
                f"SpatialTransformer expects input of rank 4 (batch, height, width, channels), "
                f"got shape {tuple(input_shape)}"
            )
        if self.localization_network is None:
            too_small = [d for d in input_shape[1:3] if d is not None and d < MIN_DEFAULT_INPUT_SIZE]
            if too_small:
                raise ValueError(
                    f"The default localisation network needs inputs of at least {MIN_DEFAULT_INPUT_SIZE} x "
                    f"{MIN_DEFAULT_INPUT_SIZE} pixels, got shape {tuple(input_shape)}; pass localization_network="
                )
            self.localization_network = default_localization_network()
        self.localization_network.build(input_shape)
        feature_shape = self.localization_network.compute_output_shape(input_shape)
        self.theta_head = keras.layers.Dense(
            6,
            kernel_initializer="zeros",
            bias_initializer=keras.initializers.Constant([1.0 / self.theta_scale, 0.0, 0.0, 0.0,
                                                          1.0 / self.theta_scale, 0.0]),
            name="theta",
        )
        self.theta_head.build(feature_shape)

    def _output_hw(self, input_shape):
        return self.output_size if self.output_size is not None else (input_shape[1], input_shape[2])

    def compute_theta(self, inputs, training=None):
        """theta of shape (batch, 2, 3) for ``inputs``."""
        features = self.localization_network(inputs, training=training)
        theta = self.theta_head(features)
        if self.theta_scale != 1.0:
            theta = theta * self.theta_scale
        return ops.reshape(theta, (-1, 2, 3))

    def call(self, inputs, training=None):
        theta = self.compute_theta(inputs, training=training)
        coefficients_theta = ops.cast(theta, "float32")  # the grid in float32 under any compute dtype
        shape = ops.shape(inputs)
        out_h, out_w = self._output_hw(shape)
        height, width = shape[1], shape[2]
        # Output pixel j has normalised coordinate x_t = u_x * j + v_x (u_x = 2 / (out_w - 1), v_x = -1).
        # Expanding x_s = a x_t + b y_t + c and col = (width - 1) / 2 * (x_s + 1) term by term keeps the
        # identity exact in floating point: col = 1.0 * j + 0.0 when out_w == width.
        u_x, v_x = (2.0 / (out_w - 1), -1.0) if out_w > 1 else (0.0, 0.0)
        u_y, v_y = (2.0 / (out_h - 1), -1.0) if out_h > 1 else (0.0, 0.0)
        half_w = ops.cast(width - 1, "float32") / 2.0
        half_h = ops.cast(height - 1, "float32") / 2.0
        j = ops.reshape(ops.arange(out_w, dtype="float32"), (1, 1, -1))
        i = ops.reshape(ops.arange(out_h, dtype="float32"), (1, -1, 1))

        def source(coefficients, half):
            a, b, c = (ops.reshape(coefficients[:, k], (-1, 1, 1)) for k in range(3))
            return (a * (half * u_x)) * j + (b * (half * u_y)) * i + half * (a * v_x + b * v_y + c + 1.0)

        cols = source(coefficients_theta[:, 0], half_w)
        rows = source(coefficients_theta[:, 1], half_h)
        output = bilinear_sample(inputs, rows, cols)
        if self.return_theta:
            return output, theta
        return output

    def compute_output_shape(self, input_shape):
        out_h, out_w = self._output_hw(input_shape)
        output_shape = (input_shape[0], out_h, out_w, input_shape[3])
        if self.return_theta:
            return output_shape, (input_shape[0], 2, 3)
        return output_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "output_size": self.output_size,
                "return_theta": self.return_theta,
                "theta_scale": self.theta_scale,
                "localization_network": (
                    keras.saving.serialize_keras_object(self.localization_network)
                    if self._custom_localization
                    else None
                ),
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("localization_network") is not None:
            config["localization_network"] = keras.saving.deserialize_keras_object(config["localization_network"])
        return cls(**config)
