"""ST-CSAE's generated clips (``--quick``, the comparison, the notebook and the tests): ``MotionClips``, grey and small.

The clips come from ``keras_stvideo.data.MotionClips`` (the class is the motion:
translate left / right / up / down, zoom in / out; textured drifting background,
clutter and camera jitter), rendered at ``render_size``, made grey, downsampled (bilinear with antialiasing) to
the auto-encoder's small frames and contrast-stretched per clip.

Example:
    >>> clips, labels = grey_motion_clips(64, frames=12, size=(16, 16), seed=0)  # doctest: +SKIP
    >>> clips.shape, labels.shape  # doctest: +SKIP
    ((64, 12, 16, 16, 1), (64,))
"""

import numpy as np

RENDER_SIZE = 32  # MotionClips' side before downsampling (its nuisances scale with the side)
# ``stvideo reproduce stcsae --quick``: the four translations of large textured shapes (55-65% of the side, 2-3
# pixels a frame at 32 x 32) on a still background (no clutter, drift or camera jitter), so that the motion
# criterion has still patches to drop and the small quick budget learns something (41% against 25% chance;
# with MotionClips' defaults, digits included, it stayed at chance: 22.5%); ``stvideo compare`` uses MotionClips'
# full nuisances instead.
QUICK_OPTIONS = {"num_clutter": 0, "background_speed_range": (0.0, 0.0), "jitter": 0.0,
                 "actor_size_range": (0.55, 0.65), "zoom_range": (1.05, 1.1), "speed_range": (2.0, 3.0),
                 "objects": "shapes"}


def grey_small(clips, size):
    """Clips (N, T, H, W, 3) in [0, 1] (or uint8) -> (N, T, size[0], size[1], 1) float32: grey (channel mean),
    resized with antialiasing.
    """
    import keras

    clips = np.asarray(clips)
    scale = 1.0 / 255.0 if clips.dtype == np.uint8 else 1.0
    grey = clips.astype("float32").mean(axis=-1, keepdims=True) * scale
    n, t, h, w, _ = grey.shape
    frames = keras.ops.image.resize(grey.reshape(n * t, h, w, 1), tuple(size), antialias=True)
    return np.clip(keras.ops.convert_to_numpy(frames), 0, 1).reshape((n, t) + tuple(size) + (1,))


def stretch_contrast(clips):
    """Each clip's values stretched linearly to span [0, 1] (its minimum to 0, its maximum to 1).

    MotionClips' colours differ more in hue than in brightness, so its grey clips are faint (a frame's standard
    deviation is about 0.06); the stretch restores the contrast the grey auto-encoder and motion criterion need.
    """
    clips = np.asarray(clips, np.float32)
    axes = tuple(range(1, clips.ndim))
    low, high = clips.min(axis=axes, keepdims=True), clips.max(axis=axes, keepdims=True)
    return (clips - low) / np.maximum(high - low, 1e-6)


def grey_motion_clips(num_clips, frames=12, size=(16, 16), num_classes=6, seed=0, render_size=RENDER_SIZE,
                      **options):
    """``(clips (N, frames, H, W, 1) float32 in [0, 1], labels (N,))`` of MotionClips' first ``num_classes`` motions.

    ``options`` go to ``MotionClips`` (e.g. ``QUICK_OPTIONS``: no clutter, drift or jitter).
    """
    from keras_stvideo.data.motion_clips import MOTIONS, MotionClips

    if not 2 <= num_classes <= len(MOTIONS):
        raise ValueError(f"num_classes must lie in [2, {len(MOTIONS)}], got {num_classes!r}")
    generator = MotionClips(frame_size=render_size, num_frames=frames, motions=MOTIONS[:num_classes], seed=seed,
                            **options)
    clips, labels = generator.generate(num_clips, seed=seed)
    return stretch_contrast(grey_small(clips, size)), labels
