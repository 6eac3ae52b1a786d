"""ST-CSAE's generated clips (``--quick``, the comparison, the notebook and the tests): ``MotionClips``, grey and small.

The clips come from ``keras_stvideo.data.MotionClips`` (the class is the motion:
translate left / right / up / down, zoom in / out; textured drifting background,
clutter and camera jitter), rendered at ``render_size`` and then made grey and
downsampled (bilinear with antialiasing) to the auto-encoder's small frames.

Example:
    >>> clips, labels = grey_motion_clips(64, frames=12, size=(16, 16), seed=0)  # doctest: +SKIP
    >>> clips.shape, labels.shape  # doctest: +SKIP
    ((64, 12, 16, 16, 1), (64,))
"""

import numpy as np

RENDER_SIZE = 32  # MotionClips' side before downsampling (its nuisances scale with the side)


def grey_small(clips, size):
    """Clips (N, T, H, W, 3) in [0, 1] (or uint8) -> (N, T, size[0], size[1], 1) float32: grey (channel mean), resized with antialiasing."""
    import keras

    clips = np.asarray(clips)
    scale = 1.0 / 255.0 if clips.dtype == np.uint8 else 1.0
    grey = clips.astype("float32").mean(axis=-1, keepdims=True) * scale
    n, t, h, w, _ = grey.shape
    frames = keras.ops.image.resize(grey.reshape(n * t, h, w, 1), tuple(size), antialias=True)
    return np.clip(keras.ops.convert_to_numpy(frames), 0, 1).reshape((n, t) + tuple(size) + (1,))


def grey_motion_clips(num_clips, frames=12, size=(16, 16), num_classes=6, seed=0, render_size=RENDER_SIZE):
    """``(clips (N, frames, H, W, 1) float32 in [0, 1], labels (N,))`` of MotionClips' first ``num_classes`` motions."""
    from keras_stvideo.data.motion_clips import MOTIONS, MotionClips

    if not 2 <= num_classes <= len(MOTIONS):
        raise ValueError(f"num_classes must lie in [2, {len(MOTIONS)}], got {num_classes!r}")
    generator = MotionClips(frame_size=render_size, num_frames=frames, motions=MOTIONS[:num_classes], seed=seed)
    clips, labels = generator.generate(num_clips, seed=seed)
    return grey_small(clips, size), labels
