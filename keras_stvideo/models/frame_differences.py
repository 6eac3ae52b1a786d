"""Frame differences inside a functional Keras model: the motion cue several reduced recipes give their networks.

Example:
    >>> clips = keras.Input((16, 32, 32, 3))  # doctest: +SKIP
    >>> frames, differences = frame_differences(clips)  # doctest: +SKIP
    >>> x = keras.layers.Concatenate()([frames, differences])  # (None, 15, 32, 32, 6)  # doctest: +SKIP
"""

import keras


def frame_differences(clips):
    """``(clips[:, 1:], clips[:, 1:] - clips[:, :-1])`` of ``(batch, T, H, W, C)`` clips, one frame fewer each,
    as the layers "frames_after_the_first", "frames_before_the_last" and "differences"."""
    later = keras.layers.Cropping3D(((1, 0), (0, 0), (0, 0)), name="frames_after_the_first")(clips)
    earlier = keras.layers.Cropping3D(((0, 1), (0, 0), (0, 0)), name="frames_before_the_last")(clips)
    return later, keras.layers.Subtract(name="differences")([later, earlier])
