"""A ``keras.utils.PyDataset`` serving clips of the videos of a ``VideoIndex`` for ``model.fit``."""

import collections
import math

import keras
import numpy as np

from keras_stvideo.data.video import read_video


class VideoClipDataset(keras.utils.PyDataset):
    """Batches of clips sampled from the videos of one split of a ``VideoIndex``.

    Args:
        index: a ``VideoIndex``.
        split, role: which videos, e.g. ("split1", "train").
        sampler: ``sampler(video, rng)`` -> one clip array, or a tuple of arrays
            (e.g. ``functools.partial(sample_fstcn_clip_pair, crop_size=204)``,
            whose third output, the indices, is dropped).
        batch_size: clips per batch (32 for FstCN, section 2.5).
        frame_size: optional (height, width) every video is resized to when read.
        cache_size: decoded videos kept in memory (least recently used first out); 0 disables.
        seed: base seed; batch i of epoch e uses (seed, e, i).
        shuffle: reshuffle the videos every epoch.
        one_hot: one-hot labels instead of integers.

    Example:
        >>> data = VideoClipDataset(index, "split1", "train", partial(sample_fstcn_clip_pair, crop_size=204))  # doctest: +SKIP
        >>> model.fit(data, epochs=10)  # doctest: +SKIP
    """

    def __init__(self, index, split, role, sampler, batch_size=32, frame_size=None, cache_size=0, seed=0,
                 shuffle=True, one_hot=False, **kwargs):
        super().__init__(**kwargs)
        self.index = index
        self.entries = index.entries_for(split, role)
        if not self.entries:
            raise ValueError(f"the index has no '{role}' videos in {split}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.frame_size = frame_size
        self.cache_size = int(cache_size)
        self.seed = int(seed)
        self.shuffle = shuffle
        self.one_hot = one_hot
        self.epoch = 0
        self._cache = collections.OrderedDict()
        self._order = np.arange(len(self.entries))
        if shuffle:
            self._order = np.random.default_rng([self.seed, 0]).permutation(len(self.entries))

    def __len__(self):
        return math.ceil(len(self.entries) / self.batch_size)

    def load(self, entry):
        """Decoded frames of one entry (cached when ``cache_size`` > 0)."""
        key = (entry.path, entry.frame_range)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        video = read_video(self.index.path_of(entry), size=self.frame_size, frame_range=entry.frame_range)
        if self.cache_size > 0:
            self._cache[key] = video
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return video

    def __getitem__(self, position):
        if not 0 <= position < len(self):
            raise IndexError(f"batch index {position} out of range [0, {len(self)})")
        rng = np.random.default_rng([self.seed, self.epoch, position])
        rows = self._order[position * self.batch_size : (position + 1) * self.batch_size]
        samples, labels = [], []
        for row in rows:
            entry = self.entries[row]
            sample = self.sampler(self.load(entry), rng)
            if isinstance(sample, tuple) and len(sample) == 3 and np.ndim(sample[2]) == 1:
                sample = sample[:2]  # (v_clip, v_diff, indices) -> model inputs
            samples.append(sample)
            labels.append(entry.label)
        labels = np.asarray(labels, dtype=np.int64)
        if self.one_hot:
            labels = np.eye(len(self.index.class_names), dtype=np.float32)[labels]
        if isinstance(samples[0], tuple):
            inputs = tuple(np.stack([s[i] for s in samples]).astype(np.float32) for i in range(len(samples[0])))
        else:
            inputs = np.stack(samples).astype(np.float32)
        return inputs, labels

    def on_epoch_end(self):
        self.epoch += 1
        if self.shuffle:
            self._order = np.random.default_rng([self.seed, self.epoch]).permutation(len(self.entries))
