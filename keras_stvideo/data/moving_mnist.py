"""Augmented Moving MNIST (Shan & Atanasov 2017, section III and IV-D; Srivastava et al. 2015).

Digits bounce on a canvas (Srivastava et al. 2015): each starts at a random
position with a speed drawn from ``speed_range`` pixels per frame in a random
direction, reflects off the borders, and may overlap the others (pixel-wise
maximum). The label of a sequence of digits ``d_1 ... d_n`` is the number they
spell, ``y = 10 * d_m + d_n`` for two digits (100 classes, section III).

The canvas may then be rotated by an angle drawn from ``rotation_range``
([0, 2 pi]), scaled by a factor drawn from ``scale_range`` ([0.4, 1]) and
elastically deformed (section IV-D: Gaussian 7 x 7, sigma 10, alpha 300; read
literally by default, ``elastic_reading="smooth"`` for Simard et al.'s untruncated Gaussian).
Rotation and scale are drawn once per sequence (one "setting", section IV-A),
the elastic field once per frame; see docs/faithfulness.md. Because rotation
and scale are per sequence, each digit is warped once per sequence and placed
on every frame where the canvas transform sends it (``MovingMNIST.render``).

Example:
    >>> generator = MovingMNIST(augmentations=("rotation", "scaling"), seed=0)
    >>> x, y = generator.generate(8)  # doctest: +SKIP
    >>> x.shape, y.shape  # doctest: +SKIP
    ((8, 5, 64, 64, 1), (8,))
"""

import dataclasses
import math
import numbers

import keras
import numpy as np

from keras_stvideo.data import mnist as mnist_module
from keras_stvideo.data.warp import (
    bilinear_sample,
    elastic_displacements,
    paste_max,
    transformed_top_left,
    warp_digits,
    warped_box_margin,
)
from keras_stvideo.training.epochs import EpochCounter

AUGMENTATIONS = ("rotation", "scaling", "elastic")
VARIANTS = {
    "normal": (),
    "rotation": ("rotation",),
    "scaling": ("scaling",),
    "rotation_scaling": ("rotation", "scaling"),
    "elastic": ("rotation", "scaling", "elastic"),
}
SPLITS = ("train", "test")
DIGIT_SOURCES = ("disjoint", "paper")
_RENDER_CHUNK = 500  # sequences rendered at a time by generate()
LABEL_ORDERS = ("drawn", "sorted")
ELASTIC_READINGS = ("literal", "smooth")


MAX_DIGITS = 18  # labels are the digits read as one decimal number: 10**18 - 1 still fits in int64


def _check_number(name, value, expected, condition):
    """Raise a ValueError naming ``name`` unless ``value`` is a finite real number satisfying ``condition``."""
    number = float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else math.nan
    if not math.isfinite(number) or not condition(number):
        raise ValueError(f"{name} must be {expected}, got {value!r}")
    return number


def _check_range(name, value, low=None, high=None):
    try:
        start, stop = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (min, max), got {value!r}") from None
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise ValueError(f"{name} must be two finite numbers, got {value!r}")
    if not start <= stop:
        raise ValueError(f"{name} must satisfy min <= max, got {value!r}")
    if low is not None and start < low:
        raise ValueError(f"{name} must lie in [{low}, {high}], got {value!r}")
    if high is not None and stop > high:
        raise ValueError(f"{name} must lie in [{low}, {high}], got {value!r}")
    return start, stop


@dataclasses.dataclass
class SequenceParameters:
    """Everything drawn for a batch of N sequences of T frames with D digits.

    Attributes:
        digit_indices: (N, D) indices into the digit pool.
        digit_labels: (N, D) digit classes.
        positions: (N, T, D, 2) top-left (row, column) of each digit per frame.
        velocities: (N, D, 2) initial (row, column) velocity in pixels per frame.
        angles: (N,) rotation angle in radians (0 without rotation).
        scales: (N,) scale factor (1 without scaling).
        displacements: (N, T, 2, H, W) elastic fields, or None.
    """

    digit_indices: np.ndarray
    digit_labels: np.ndarray
    positions: np.ndarray
    velocities: np.ndarray
    angles: np.ndarray
    scales: np.ndarray
    displacements: object = None

    def select(self, index):
        """The parameters of the sequences ``index`` (a slice or index array) picks."""
        return dataclasses.replace(
            self, **{f.name: None if getattr(self, f.name) is None else getattr(self, f.name)[index]
                     for f in dataclasses.fields(self)}
        )

    @property
    def labels(self):
        powers = 10 ** np.arange(self.digit_labels.shape[1] - 1, -1, -1)
        return (self.digit_labels.astype(np.int64) * powers).sum(axis=1)


class MovingMNIST:
    """Generator of augmented Moving MNIST sequences (Shan & Atanasov 2017, section III).

    Args:
        num_digits: digits per canvas (2, section III).
        canvas_size: side of the square canvas in pixels (64, section III).
        speed_range: (min, max) speed in pixels per frame (4 to 12, section III).
        sequence_length: frames per sequence (5 frames per setting, section IV-A).
        augmentations: any of "rotation", "scaling", "elastic" (section III, IV-D).
        rotation_range: (min, max) angle in radians ([0, 2 pi], section III).
        scale_range: (min, max) scale factor ([0.4, 1], section III).
        elastic_alpha: scaling of the displacement field (300, section IV-D).
        elastic_sigma: standard deviation of the Gaussian (10, section IV-D).
        elastic_kernel_size: side of the Gaussian filter (7, section IV-D).
        elastic_reading: "literal" (section IV-D's numbers as stated: the Gaussian
            truncated to ``elastic_kernel_size``; at 7 x 7 and sigma 10 it is nearly a
            box filter and the fields have a standard deviation of about 25 px, which
            scatters the digits into dots) or "smooth" (Simard et al. 2003: the
            Gaussian of ``elastic_sigma`` untruncated, ``elastic_kernel_size`` unused;
            fields of about 5 px that bend the strokes). See docs/faithfulness.md.
        split: "train" or "test": which digit pool sequences draw from.
        digit_source: "disjoint" (train and test pools never share a digit image:
            MNIST's official train/test split, or the two halves of the embedded
            test digits) or "paper" (section III literally: both splits draw from
            the MNIST training set, so a digit image can appear in both).
        label_order: "drawn" (section III literally: ``y = d_m d_n`` in the order the
            digits were drawn) or "sorted" (the digits sorted ascending, ``d_m <= d_n``).
            Nothing in a video tells which digit was drawn first -- a video of
            (3, 7) and one of (7, 3) come from the same distribution -- so with
            "drawn" no classifier can beat 55% on unseen videos; "sorted" makes
            the label a function of the video (55 of the 100 classes occur).
        mnist: ``((x_train, y_train), (x_test, y_test))`` arrays; default ``load_mnist(mnist_path)``.
        mnist_path: optional ``.npz`` for ``load_mnist``.
        seed: integer seed; the same seed gives byte-identical data.

    Reference:
        Shan & Atanasov, "A spatiotemporal model with visual attention for video
        classification", 2017, sections III and IV-D; Srivastava et al., ICML 2015.
    """

    def __init__(
        self,
        num_digits=2,
        canvas_size=64,
        speed_range=(4.0, 12.0),
        sequence_length=5,
        augmentations=(),
        rotation_range=(0.0, 2.0 * math.pi),
        scale_range=(0.4, 1.0),
        elastic_alpha=300.0,
        elastic_sigma=10.0,
        elastic_kernel_size=7,
        elastic_reading="literal",
        split="train",
        digit_source="disjoint",
        label_order="drawn",
        mnist=None,
        mnist_path=None,
        seed=None,
    ):
        if isinstance(num_digits, bool) or not isinstance(num_digits, int) or not 1 <= num_digits <= MAX_DIGITS:
            raise ValueError(f"num_digits must be an integer in [1, {MAX_DIGITS}] (the label, the digits read as "
                             f"one decimal number, must fit in int64), got {num_digits!r}")
        if not isinstance(sequence_length, int) or sequence_length < 1:
            raise ValueError(f"sequence_length must be a positive integer, got {sequence_length!r}")
        if not isinstance(canvas_size, int) or canvas_size < 28:
            raise ValueError(
                f"canvas_size must be an integer of at least 28 (the MNIST digit size), got {canvas_size!r}"
            )
        self.speed_range = _check_range("speed_range", speed_range, 0.0, canvas_size - 28)
        self.rotation_range = _check_range("rotation_range", rotation_range)
        self.scale_range = _check_range("scale_range", scale_range, 1e-3, 10.0)
        if isinstance(augmentations, str):
            augmentations = (augmentations,)
        unknown = [a for a in augmentations if a not in AUGMENTATIONS]
        if unknown:
            raise ValueError(f"augmentations must be among {AUGMENTATIONS}, got {unknown!r}")
        if split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
        if digit_source not in DIGIT_SOURCES:
            raise ValueError(f"digit_source must be one of {DIGIT_SOURCES}, got {digit_source!r}")
        if label_order not in LABEL_ORDERS:
            raise ValueError(f"label_order must be one of {LABEL_ORDERS}, got {label_order!r}")
        _check_number("elastic_alpha", elastic_alpha, "a finite number >= 0", lambda v: v >= 0)
        _check_number("elastic_sigma", elastic_sigma, "a finite number > 0", lambda v: v > 0)
        if not isinstance(elastic_kernel_size, int) or elastic_kernel_size < 1 or elastic_kernel_size % 2 == 0:
            raise ValueError(f"elastic_kernel_size must be a positive odd integer, got {elastic_kernel_size!r}")
        self.num_digits = num_digits
        self.canvas_size = canvas_size
        self.sequence_length = sequence_length
        self.augmentations = tuple(augmentations)
        self.elastic_alpha = float(elastic_alpha)
        self.elastic_sigma = float(elastic_sigma)
        self.elastic_kernel_size = elastic_kernel_size
        if elastic_reading not in ELASTIC_READINGS:
            raise ValueError(f"elastic_reading must be one of {ELASTIC_READINGS}, got {elastic_reading!r}")
        self.elastic_reading = elastic_reading
        self.split = split
        self.digit_source = digit_source
        self.label_order = label_order
        self.seed = seed
        if mnist is None:
            mnist = mnist_module.load_mnist(mnist_path)
        (x_train, y_train), (x_test, y_test) = mnist
        if split == "test" and digit_source == "disjoint":
            self.digits, self.digit_classes = x_test, np.asarray(y_test)
        else:
            self.digits, self.digit_classes = x_train, np.asarray(y_train)
        self._digits_float = self.digits.astype(np.float32) / 255.0
        self._by_class = [np.flatnonzero(self.digit_classes == c) for c in range(10)]

    @classmethod
    def from_variant(cls, variant, **kwargs):
        """A generator for one of the paper's variants: normal, rotation, scaling, rotation_scaling, elastic."""
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {tuple(VARIANTS)}, got {variant!r}")
        return cls(augmentations=VARIANTS[variant], **kwargs)

    @property
    def num_classes(self):
        return 10**self.num_digits

    # ----------------------------------------------------------------- drawing
    def sample_parameters(self, num_sequences, rng=None, labels=None):
        """Draw digits, motion and augmentation settings for ``num_sequences`` sequences.

        Args:
            num_sequences: how many sequences.
            rng: a ``numpy.random.Generator`` (default: one seeded with ``seed``).
            labels: optional (num_sequences,) class labels to draw digits for
                (with ``label_order="sorted"`` the returned labels are their sorted form).
        """
        if not isinstance(num_sequences, (int, np.integer)) or num_sequences < 0:
            raise ValueError(f"num_sequences must be a non-negative integer, got {num_sequences!r}")
        rng = np.random.default_rng(self.seed) if rng is None else rng
        n, t, d = int(num_sequences), self.sequence_length, self.num_digits
        if labels is None:
            digit_indices = rng.integers(0, len(self.digits), size=(n, d))
        else:
            labels = np.asarray(labels)
            if labels.shape != (n,) or labels.min(initial=0) < 0 or labels.max(initial=0) >= self.num_classes:
                raise ValueError(
                    f"labels must be {n} integers in [0, {self.num_classes}), got shape {labels.shape}"
                )
            digit_indices = np.empty((n, d), dtype=np.int64)
            for position in range(d):
                wanted = (labels // 10 ** (d - 1 - position)) % 10
                for digit in range(10):
                    rows = np.flatnonzero(wanted == digit)
                    digit_indices[rows, position] = rng.choice(self._by_class[digit], size=len(rows))
        limit = self.canvas_size - 28
        start = rng.uniform(0, limit, size=(n, d, 2))
        speed = rng.uniform(*self.speed_range, size=(n, d))
        direction = rng.uniform(0, 2 * math.pi, size=(n, d))
        velocity = np.stack([speed * np.sin(direction), speed * np.cos(direction)], axis=-1)
        positions = np.empty((n, t, d, 2))
        position, moving = start.copy(), velocity.copy()
        for frame in range(t):
            positions[:, frame] = position
            position = position + moving
            low, high = position < 0, position > limit
            position = np.where(low, -position, np.where(high, 2 * limit - position, position))
            moving = np.where(low | high, -moving, moving)
        angles = (
            rng.uniform(*self.rotation_range, size=n) if "rotation" in self.augmentations else np.zeros(n)
        )
        scales = rng.uniform(*self.scale_range, size=n) if "scaling" in self.augmentations else np.ones(n)
        displacements = None
        if "elastic" in self.augmentations:
            kernel_size = self.elastic_kernel_size if self.elastic_reading == "literal" else None
            fields = elastic_displacements(
                rng, n * t, self.canvas_size, self.elastic_alpha, self.elastic_sigma, kernel_size
            )
            displacements = fields.reshape(2, n, t, self.canvas_size, self.canvas_size).transpose(1, 2, 0, 3, 4)
        if self.label_order == "sorted":
            # Each digit keeps its own path, so the videos are exactly those of "drawn"; only labels change.
            order = np.argsort(self.digit_classes[digit_indices], axis=1, kind="stable")
            digit_indices = np.take_along_axis(digit_indices, order, axis=1)
            positions = np.take_along_axis(positions, order[:, None, :, None], axis=2)
            velocity = np.take_along_axis(velocity, order[:, :, None], axis=1)
        return SequenceParameters(
            digit_indices=digit_indices,
            digit_labels=self.digit_classes[digit_indices].astype(np.int64),
            positions=positions,
            velocities=velocity,
            angles=angles,
            scales=scales,
            displacements=displacements,
        )

    # --------------------------------------------------------------- rendering
    def render(self, params, augment=True, out=None):
        """Render sequences from ``params``: (N, T, H, W, 1) float32 in [0, 1].

        ``out``: optional C-contiguous float32 array of that shape to render into.

        Rotation and scaling transform the whole canvas about its centre (section
        III: "each canvas H is augmented with ... rotation R ... and scaling S").
        A sequence has one angle and one scale, so each digit is warped once per
        sequence (``warp_digits``) and pasted on every frame where the canvas
        transform sends its centre (``transformed_top_left``, rounded to a pixel),
        overlapping digits taking the pixel-wise maximum. This equals warping
        every frame's canvas up to that rounding (at most half a pixel) and to
        bilinear blending where two digits overlap; see docs/faithfulness.md.
        The elastic field then deforms each frame (one bilinear resampling).
        """
        n, t, d, _ = params.positions.shape
        size = self.canvas_size
        if out is None:
            out = np.empty((n, t, size, size, 1), np.float32)
        elif out.shape != (n, t, size, size, 1) or out.dtype != np.float32 or not out.flags.c_contiguous:
            raise ValueError(
                f"out must be a C-contiguous float32 array of shape {(n, t, size, size, 1)}, "
                f"got {out.dtype} {out.shape}"
            )
        frames_out = out.reshape(n * t, size, size)
        frames_out[...] = 0.0
        canvas = frames_out
        frames = np.repeat(np.arange(n * t), d)
        image_index = np.repeat(np.arange(n * d).reshape(n, 1, d), t, axis=1).reshape(-1)
        digits = self._digits_float[params.digit_indices.reshape(-1)]
        geometric = augment and ("rotation" in self.augmentations or "scaling" in self.augmentations)
        if geometric:
            angles, scales = np.repeat(params.angles, d), np.repeat(params.scales, d)
            # Each digit gets the smallest box that holds it warped; digits of one box size are warped together.
            margins = warped_box_margin(angles, scales)
            warped = [None] * len(digits)
            for margin in np.unique(margins).tolist():
                group = np.flatnonzero(margins == margin)
                for k, image in zip(group.tolist(), warp_digits(digits[group], angles[group], scales[group], margin)):
                    warped[k] = image
            digits = warped
            top_left = transformed_top_left(
                params.positions, params.angles, params.scales, size, margin=margins.reshape(n, 1, d)
            )
        else:
            top_left = np.rint(params.positions).astype(np.int64)
        paste_max(canvas, digits, frames, image_index, top_left.reshape(-1, 2), zeroed=True)
        if augment and params.displacements is not None and "elastic" in self.augmentations:
            rows = params.displacements[:, :, 0].reshape(n * t, size, size)
            cols = params.displacements[:, :, 1].reshape(n * t, size, size)
            # In place, each pixel read at its own position plus its displacement, then clipped to [0, 1].
            bilinear_sample(frames_out, rows, cols, out=frames_out, relative=True, clip=(0.0, 1.0), sparse=True)
        else:
            np.clip(frames_out, 0.0, 1.0, out=frames_out)
        return out

    def generate(self, num_sequences, seed=None, labels=None, return_parameters=False):
        """Generate ``num_sequences`` sequences.

        Returns:
            ``(x, y)``: x of shape (N, T, H, W, 1) float32 in [0, 1], y (N,) int64
            labels; with ``return_parameters`` also the ``SequenceParameters``.
        """
        rng = np.random.default_rng(self.seed if seed is None else seed)
        params = self.sample_parameters(num_sequences, rng=rng, labels=labels)
        x = np.empty((len(params.labels), self.sequence_length, self.canvas_size, self.canvas_size, 1), np.float32)
        # Rendering in chunks keeps the warps' temporaries small: 50,000 videos at once need tens of GB.
        for start in range(0, len(x), _RENDER_CHUNK):
            self.render(params.select(slice(start, start + _RENDER_CHUNK)), out=x[start:start + _RENDER_CHUNK])
        if return_parameters:
            return x, params.labels, params
        return x, params.labels

    def paper_protocol(self, settings_per_class=10, seed=None):
        """The dataset of section IV-A: every class, ``settings_per_class`` sequences each.

        100 classes x 10 rotation or scale settings x 5 frames = 5,000 images per
        split. Each setting is one sequence of ``sequence_length`` frames with one
        drawn rotation and scale. Returns ``(x, y)`` sorted by class.
        """
        if not isinstance(settings_per_class, int) or settings_per_class < 1:
            raise ValueError(f"settings_per_class must be a positive integer, got {settings_per_class!r}")
        labels = np.repeat(np.arange(self.num_classes), settings_per_class)
        return self.generate(len(labels), seed=seed, labels=labels)


class MovingMNISTSequence(EpochCounter, keras.utils.PyDataset):
    """Batches of Moving MNIST generated on the fly for ``model.fit``.

    Batch ``i`` is generated from the seed ``(seed, i)``, so every epoch and
    every worker sees the same data for the same index. With
    ``fresh_each_epoch=True`` the seed is ``(seed, epoch, i)`` instead and every
    epoch shows ``num_sequences`` new videos: a training set without repeats,
    for runs that would otherwise over-fit a fixed set. ``model.fit`` sets the
    epoch through ``on_epoch_begin`` (the first epoch is 0); this needs the
    default single worker, since a worker pool starts fetching before that call.
    A fit resumed at epoch k (``EpochBackup``) draws epoch k's videos when it is
    given ``DatasetEpochSync(sequence)``, which calls ``set_epoch`` (``EpochCounter``).

    Args:
        generator: a ``MovingMNIST``.
        num_sequences: sequences per epoch.
        batch_size: sequences per batch (50, section IV-A).
        seed: base seed.
        one_hot: return one-hot labels instead of integers.
        fresh_each_epoch: new videos every epoch instead of the same ones.

    Example:
        >>> data = MovingMNISTSequence(MovingMNIST(), num_sequences=1000)  # doctest: +SKIP
        >>> model.fit(data, epochs=10)  # doctest: +SKIP
    """

    def __init__(self, generator, num_sequences, batch_size=50, seed=0, one_hot=False, fresh_each_epoch=False,
                 **kwargs):
        super().__init__(**kwargs)
        if num_sequences < 1 or batch_size < 1:
            raise ValueError(
                f"num_sequences and batch_size must be positive, got {num_sequences!r} and {batch_size!r}"
            )
        self.generator = generator
        self.num_sequences = int(num_sequences)
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.one_hot = one_hot
        self.fresh_each_epoch = bool(fresh_each_epoch)  # the epoch (EpochCounter) only matters then
        if self.fresh_each_epoch:
            self.check_single_worker()

    def __len__(self):
        return math.ceil(self.num_sequences / self.batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range [0, {len(self)})")
        size = min(self.batch_size, self.num_sequences - index * self.batch_size)
        key = [self.seed, self.epoch, index] if self.fresh_each_epoch else [self.seed, index]
        rng = np.random.default_rng(key)
        params = self.generator.sample_parameters(size, rng=rng)
        x = self.generator.render(params)
        y = params.labels
        if self.one_hot:
            y = np.eye(self.generator.num_classes, dtype=np.float32)[y]
        return x, y
