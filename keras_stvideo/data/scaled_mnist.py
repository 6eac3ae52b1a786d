"""Scaled MNIST: the stage-1 pre-training data of Shan & Atanasov 2017 (section IV-A).

"MNIST augmented by translation and scaling": each 28 x 28 digit is centred on
a canvas of the Moving MNIST frame size (64 x 64), then shifted and zoomed with
the semantics of Keras's ``ImageDataGenerator(width_shift_range=0.2,
height_shift_range=0.2, zoom_range=[1.0, 2.5])``, which the paper used: output
pixel p reads the input at ``c + t + Z (p - c)`` (c the canvas centre), with
``Z = diag(z_rows, z_cols)``, the two zoom factors drawn independently from
[1.0, 2.5] as Keras draws them, and t uniform in +-0.2 of the canvas side per
axis, in input pixels. A factor z shrinks the digit along its axis to 1 / z,
i.e. to [0.4, 1] -- the range of the Moving MNIST scaling (section III) -- and,
since the axes are drawn independently, changes its aspect ratio too.

``rotation_range`` (not in the paper, off by default) adds Keras' rotation as
``ImageDataGenerator`` composes it: the input is read at ``c + R (t + Z (p - c))``,
R a rotation by an angle drawn from the range (radians). It pre-trains a frame
CNN for the Rotation+Scaling videos, whose canvases turn by up to 2 pi.

Example:
    >>> data = ScaledMNIST(x_train, y_train, batch_size=128)  # doctest: +SKIP
    >>> frame_cnn.fit(data, epochs=1)  # doctest: +SKIP
"""

import math

import keras
import numpy as np

from keras_stvideo.training.epochs import EpochCounter
from keras_stvideo.data.warp import bilinear_sample, warp_canvases


def make_scaled_mnist(digits, rng, canvas_size=64, shift_range=0.2, zoom_range=(1.0, 2.5), rotation_range=None):
    """Centre ``digits`` (N, 28, 28) uint8 on a canvas, then shift and zoom: (N, S, S, 1) float32 in [0, 1].

    ``rotation_range``: optional (min, max) angle in radians, drawn after the shifts and zooms (so a seed gives
    the same shifts and zooms with or without it), turning each digit as Keras' ``ImageDataGenerator`` does.
    """
    digits = np.asarray(digits)
    if digits.ndim != 3 or digits.shape[1:] != (28, 28):
        raise ValueError(f"digits must have shape (N, 28, 28), got {digits.shape}")
    n = len(digits)
    canvas = np.zeros((n, canvas_size, canvas_size), np.float32)
    top = (canvas_size - 28) // 2
    canvas[:, top : top + 28, top : top + 28] = digits / 255.0
    # Keras' ImageDataGenerator: the shift t in input pixels, then the two zoom factors, independently drawn.
    input_shifts = rng.uniform(-shift_range, shift_range, size=(n, 2)) * canvas_size
    zooms = rng.uniform(*zoom_range, size=(n, 2))
    if rotation_range is not None:
        return _rotated(canvas, input_shifts, zooms, rng.uniform(*rotation_range, size=n))
    # warp_canvases shifts the content in output pixels: an input shift t moves it by -t / z.
    warped = warp_canvases(canvas, np.zeros(n), 1.0 / zooms, shifts=-input_shifts / zooms)
    return np.clip(warped, 0.0, 1.0)[..., None]


def _rotated(canvas, input_shifts, zooms, angles):
    """Keras' composition: output pixel p reads the input at c + R (t + Z (p - c)), R turning (row, column)."""
    size = canvas.shape[1]
    centre = (size - 1) / 2.0
    grid = np.arange(size, dtype=np.float32) - centre
    zr = (zooms[:, 0, None, None] * grid[None, :, None]).astype(np.float32)  # Z (p - c), rows
    zc = (zooms[:, 1, None, None] * grid[None, None, :]).astype(np.float32)  # Z (p - c), columns
    r = zr + input_shifts[:, 0, None, None].astype(np.float32)
    c = zc + input_shifts[:, 1, None, None].astype(np.float32)
    cos = np.cos(angles).astype(np.float32)[:, None, None]
    sin = np.sin(angles).astype(np.float32)[:, None, None]
    warped = bilinear_sample(canvas, centre + cos * r - sin * c, centre + sin * r + cos * c)
    return np.clip(warped, 0.0, 1.0)[..., None]


class ScaledMNIST(EpochCounter, keras.utils.PyDataset):
    """Batches of Scaled MNIST generated on the fly (a fresh augmentation every epoch).

    Args:
        digits, labels: MNIST images (N, 28, 28) uint8 and labels (N,).
        batch_size: images per batch.
        canvas_size: side of the output frames (64, the Moving MNIST frame size).
        shift_range: maximum shift as a fraction of width and height (0.2, section IV-A).
        zoom_range: Keras zoom factors (1.0 to 2.5, section IV-A), drawn for rows and columns independently.
        seed: base seed; batch i of epoch e uses the seed (seed, e, i).
        shuffle: reshuffle the digits every epoch.
        rotation_range: optional (min, max) rotation in radians (not in the paper; see ``make_scaled_mnist``).
    """

    def __init__(self, digits, labels, batch_size=128, canvas_size=64, shift_range=0.2, zoom_range=(1.0, 2.5),
                 seed=0, shuffle=True, rotation_range=None, **kwargs):
        super().__init__(**kwargs)
        if len(digits) != len(labels) or len(digits) == 0:
            raise ValueError(
                f"digits and labels must be non-empty and of equal length, got {len(digits)} and {len(labels)}"
            )
        if not 0 <= shift_range < 1:
            raise ValueError(f"shift_range must lie in [0, 1), got {shift_range!r}")
        if not 0 < zoom_range[0] <= zoom_range[1]:
            raise ValueError(f"zoom_range must satisfy 0 < min <= max, got {zoom_range!r}")
        if rotation_range is not None and not (len(rotation_range) == 2 and rotation_range[0] <= rotation_range[1]):
            raise ValueError(
                f"rotation_range must be None or (min, max) radians with min <= max, got {rotation_range!r}")
        self.rotation_range = None if rotation_range is None else tuple(float(a) for a in rotation_range)
        self.digits, self.labels = np.asarray(digits), np.asarray(labels)
        self.batch_size, self.canvas_size = int(batch_size), int(canvas_size)
        self.shift_range, self.zoom_range = float(shift_range), tuple(zoom_range)
        self.seed, self.shuffle = int(seed), shuffle
        self._order = np.arange(len(self.digits))
        self.on_new_epoch()

    def __len__(self):
        return math.ceil(len(self.digits) / self.batch_size)

    def __getitem__(self, index):
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        rng = np.random.default_rng([self.seed, self.epoch, index])
        x = make_scaled_mnist(self.digits[rows], rng, self.canvas_size, self.shift_range, self.zoom_range,
                              self.rotation_range)
        return x, self.labels[rows].astype("int64")

    def on_new_epoch(self):
        if self.shuffle:
            self._order = np.random.default_rng([self.seed, self.epoch]).permutation(len(self.digits))
