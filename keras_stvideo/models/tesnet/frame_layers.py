"""Moving frames between the batch axis and a frame axis, and averaging frame scores (TeSNet, TSN).

A 2D backbone sees a clip of K frames as K images: ``FramesToBatch`` folds
``(batch, K, H, W, C)`` into ``(batch * K, H, W, C)``; ``BatchToFrames(K)``
unfolds it again where a Temporal Squeeze layer needs the frame axis;
``FrameConsensus`` averages the per-frame class scores of a clip (TSN's average
consensus, Wang et al. 2016, section 3.1). Height and width may be unknown
(``None``), so one model runs on crops and on whole frames alike.
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_stvideo")
class FramesToBatch(keras.layers.Layer):
    """``(batch, K, ...)`` -> ``(batch * K, ...)``: every frame becomes one image of the batch."""

    def call(self, inputs):
        shape = ops.shape(inputs)
        return ops.reshape(inputs, (-1,) + tuple(shape[2:]))

    def compute_output_shape(self, input_shape):
        batch, frames = input_shape[0], input_shape[1]
        folded = None if batch is None or frames is None else batch * frames
        return (folded,) + tuple(input_shape[2:])


@keras.saving.register_keras_serializable(package="keras_stvideo")
class BatchToFrames(keras.layers.Layer):
    """``(batch * K, ...)`` -> ``(batch, K, ...)``, the inverse of ``FramesToBatch``.

    Args:
        frames: K, the frames each clip holds (a positive integer).
    """

    def __init__(self, frames, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(frames, int) or isinstance(frames, bool) or frames < 1:
            raise ValueError(f"frames must be a positive integer, got {frames!r}")
        self.frames = frames

    def call(self, inputs):
        shape = ops.shape(inputs)
        return ops.reshape(inputs, (-1, self.frames) + tuple(shape[1:]))

    def compute_output_shape(self, input_shape):
        batch = input_shape[0]
        return (None if batch is None else batch // self.frames, self.frames) + tuple(input_shape[1:])

    def get_config(self):
        config = super().get_config()
        config["frames"] = self.frames
        return config


@keras.saving.register_keras_serializable(package="keras_stvideo")
class FrameConsensus(keras.layers.Layer):
    """Average over the frame axis: ``(batch, D, classes)`` -> ``(batch, classes)`` (TSN's average consensus)."""

    def call(self, inputs):
        return ops.mean(inputs, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[2:])


@keras.saving.register_keras_serializable(package="keras_stvideo")
class FramesToChannels(keras.layers.Layer):
    """``(batch, D, H, W, C)`` -> ``(batch, H, W, D * C)``: the frames' maps side by side on the channels, in
    time order (channel ``d * C + c`` is channel c of frame d), so a convolution can combine them per position."""

    def call(self, inputs):
        shape = ops.shape(inputs)
        moved = ops.transpose(inputs, (0, 2, 3, 1, 4))
        return ops.reshape(moved, (-1, shape[2], shape[3], shape[1] * shape[4]))

    def compute_output_shape(self, input_shape):
        batch, frames, height, width, channels = input_shape
        return (batch, height, width, None if frames is None or channels is None else frames * channels)
