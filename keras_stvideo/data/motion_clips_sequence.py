"""``MotionClipsSequence``: motion clips generated on the fly as a ``keras.utils.PyDataset`` for ``model.fit``."""

import math

import keras
import numpy as np

from keras_stvideo.data.motion_clips import MotionClips
from keras_stvideo.training.epochs import EpochCounter


class MotionClipsSequence(EpochCounter, keras.utils.PyDataset):
    """Batches of motion clips generated on the fly for ``model.fit``, new clips every epoch.

    Batch ``i`` of epoch ``e`` is generated from the seed ``(seed, e, i)``
    (``(seed, i)`` with ``fresh_each_epoch=False``), so it does not depend on the
    order batches are fetched in. ``model.fit`` moves the epoch through
    ``on_epoch_begin`` (``EpochCounter``); a fit resumed at epoch k draws epoch
    k's clips when given ``DatasetEpochSync(sequence)``. Fresh clips need the
    default single worker (a worker pool fetches before the epoch moves).

    Args:
        generator: a ``MotionClips``.
        num_clips: clips per epoch.
        batch_size: clips per batch.
        seed: base seed.
        dtype: "float32" (in [0, 1]) or "uint8".
        one_hot: one-hot labels instead of integers.
        fresh_each_epoch: new clips every epoch (default) instead of the same ones.

    Example:
        >>> data = MotionClipsSequence(MotionClips(), num_clips=512, batch_size=32)  # doctest: +SKIP
        >>> model.fit(data, epochs=5)  # doctest: +SKIP
    """

    def __init__(self, generator, num_clips, batch_size=32, seed=0, dtype="float32", one_hot=False,
                 fresh_each_epoch=True, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(generator, MotionClips):
            raise ValueError(f"generator must be a MotionClips, got {type(generator).__name__}")
        for name, value in (("num_clips", num_clips), ("batch_size", batch_size)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if dtype not in ("uint8", "float32"):
            raise ValueError(f"dtype must be 'uint8' or 'float32', got {dtype!r}")
        self.generator = generator
        self.num_clips = int(num_clips)
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.dtype = dtype
        self.one_hot = bool(one_hot)
        self.fresh_each_epoch = bool(fresh_each_epoch)
        if self.fresh_each_epoch:
            self.check_single_worker()

    def __len__(self):
        return math.ceil(self.num_clips / self.batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range [0, {len(self)})")
        size = min(self.batch_size, self.num_clips - index * self.batch_size)
        key = [self.seed, self.epoch, index] if self.fresh_each_epoch else [self.seed, index]
        x, y = self.generator.generate(size, seed=key, dtype=self.dtype)
        if self.one_hot:
            y = np.eye(self.generator.num_classes, dtype=np.float32)[y]
        return x, y
