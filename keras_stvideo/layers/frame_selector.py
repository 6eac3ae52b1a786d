"""Pick one frame of a clip: a random one in training, the middle one at test (FstCN, section 2.2)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_stvideo")
class FrameSelector(keras.layers.Layer):
    """(batch, T, ...) -> (batch, ...): frame ``T // 2`` at inference, a uniformly random frame per sample in training.

    Sun et al. 2015 feed "a randomly sampled frame of V_clip into the intermediate
    SCL" in training and "the selected middle one" at test (section 2.2).

    Args:
        seed: optional seed of the random choice.

    Example:
        >>> frame = FrameSelector()(numpy.zeros((2, 5, 8, 8, 3), "float32"))  # (2, 8, 8, 3), frame 2
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        if len(input_shape) < 3 or input_shape[1] is None:
            raise ValueError(
                f"FrameSelector expects (batch, frames, ...) with a known number of frames, got {tuple(input_shape)}"
            )
        self.frames = input_shape[1]

    def call(self, inputs, training=False):
        if not training:
            return inputs[:, self.frames // 2]
        batch = ops.shape(inputs)[0]
        picks = keras.random.randint((batch,), 0, self.frames, seed=self.seed_generator)
        one_hot = ops.cast(ops.one_hot(picks, self.frames), inputs.dtype)
        one_hot = ops.reshape(one_hot, (batch, self.frames) + (1,) * (len(inputs.shape) - 2))
        return ops.sum(inputs * one_hot, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[2:])

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed})
        return config
