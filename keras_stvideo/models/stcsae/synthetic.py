"""Small generated clips whose class is the motion, not the appearance (ST-CSAE's quick runs and tests).

A textured square moves over a static textured background in one of
``num_classes`` directions (right, left, down, up, then the four diagonals),
``speed`` pixels a frame, wrapping around the frame. The square's texture, the
background's texture, the square's size and start are drawn anew for every
clip, so only the motion tells the classes apart; and the background is
static, so the motion criterion has patches to drop.

Example:
    >>> clips, labels = moving_pattern_clips(64, frames=12, size=(24, 24), seed=0)
    >>> clips.shape, labels.shape
    ((64, 12, 24, 24, 1), (64,))
"""

import numpy as np

DIRECTIONS = ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, -1), (1, -1), (-1, 1))
DIRECTION_NAMES = ("right", "left", "down", "up", "down-right", "up-left", "down-left", "up-right")


def smooth_texture(rng, height, width, sigma=1.5):
    """A periodic texture in [0, 1]: white noise low-passed by a Gaussian of ``sigma`` pixels (via the FFT)."""
    noise = rng.standard_normal((height, width))
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.fftfreq(width)[None, :]
    gain = np.exp(-2 * (np.pi * sigma) ** 2 * (fy ** 2 + fx ** 2))
    texture = np.real(np.fft.ifft2(np.fft.fft2(noise) * gain))
    texture -= texture.min()
    return texture / max(texture.max(), 1e-8)


def moving_pattern_clips(num_clips, frames=12, size=(24, 24), num_classes=4, speed=1, background_contrast=0.5,
                         square=(0.5, 0.75), seed=None, labels=None):
    """``(clips (N, frames, H, W, 1) float32 in [0, 1], labels (N,) int)``; see the module docstring.

    Args:
        num_clips: clips to draw.
        frames: frames per clip.
        size: (H, W) of a frame.
        num_classes: motion directions, 2 to 8.
        speed: pixels per frame.
        background_contrast: contrast of the static background texture (the square's is 1).
        square: (smallest, largest) side of the square as a fraction of the frame's smaller side.
        seed: random seed.
        labels: optional (N,) classes to draw the clips for (default: uniform).
    """
    if not 2 <= num_classes <= len(DIRECTIONS):
        raise ValueError(f"num_classes must lie in [2, {len(DIRECTIONS)}], got {num_classes!r}")
    if not 0 < square[0] <= square[1] <= 1:
        raise ValueError(f"square must be fractions 0 < smallest <= largest <= 1, got {square!r}")
    if frames < 1 or speed < 1:
        raise ValueError(f"frames and speed must be positive, got frames={frames!r}, speed={speed!r}")
    height, width = size
    if height < 8 or width < 8:
        raise ValueError(f"size must be at least (8, 8), got {size!r}")
    rng = np.random.default_rng(seed)
    labels = rng.integers(num_classes, size=num_clips) if labels is None else np.asarray(labels, dtype="int64")
    if labels.shape != (num_clips,) or labels.min(initial=0) < 0 or labels.max(initial=0) >= num_classes:
        raise ValueError(f"labels must be {num_clips} integers in [0, {num_classes}), got {labels!r}")
    clips = np.empty((num_clips, frames, height, width, 1), "float32")
    rows, cols = np.arange(height)[:, None], np.arange(width)[None, :]
    for n in range(num_clips):
        dy, dx = DIRECTIONS[labels[n]]
        background = 0.5 + background_contrast * (smooth_texture(rng, height, width) - 0.5)
        texture = smooth_texture(rng, height, width)
        side = rng.integers(max(1, int(square[0] * min(height, width))), int(square[1] * min(height, width)) + 1)
        y0, x0 = rng.integers(height), rng.integers(width)
        for t in range(frames):
            oy, ox = dy * speed * t, dx * speed * t
            inside = (((rows - y0 - oy) % height) < side) & (((cols - x0 - ox) % width) < side)
            moved = np.roll(texture, (oy, ox), axis=(0, 1))
            clips[n, t, :, :, 0] = np.where(inside, moved, background)
    return clips, labels
