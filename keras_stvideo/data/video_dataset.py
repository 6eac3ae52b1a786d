"""A ``keras.utils.PyDataset`` serving clips of the videos of a ``VideoIndex`` for ``model.fit``, and the same
batches as a ``tf.data.Dataset`` (``as_tf_dataset``) loaded by tf.data's parallel map.

Parallel loading: PyAV releases the GIL while it decodes, so worker threads decode in parallel. Keras' worker
pool (``workers=2``) is restarted every epoch and its ``stop()`` polls its queue with a 0.1 s timeout, a fixed
cost per epoch (a tenth of a second of a 2-batch epoch, nothing in a 300-batch one), and it fetches batches
before ``on_epoch_begin`` moves the epoch counter; ``as_tf_dataset`` names the epoch of every batch and
runs one pipeline across epochs.
"""

import collections
import math
import threading

import keras
import numpy as np

from keras_stvideo.data.video import read_video
from keras_stvideo.training.epochs import EpochCounter


def _field(sample, name):
    if isinstance(sample, dict):
        return sample[name]
    if hasattr(sample, "_fields"):
        return getattr(sample, name)
    raise ValueError(f"inputs names the sampler's outputs, so the sampler must return a named tuple or a dict; "
                     f"got {type(sample).__name__}")


class VideoClipDataset(EpochCounter, keras.utils.PyDataset):
    """Batches of clips sampled from the videos of one split of a ``VideoIndex``.

    Epoch e's batches depend only on ``seed`` and e (``EpochCounter``): a fit
    resumed at epoch k with ``DatasetEpochSync(dataset)`` draws epoch k's clips
    and video order, as the uninterrupted fit would have.

    Args:
        index: a ``VideoIndex``.
        split, role: which videos, e.g. ("split1", "train").
        sampler: ``sampler(video, rng)`` -> one clip array, or a named tuple (or dict)
            of arrays, e.g. ``functools.partial(sample_fstcn_clip_pair, crop_size=204)``,
            which returns ``FstcnClipPair(v_clip, v_diff, indices)``.
        inputs: None when the sampler returns one array (the model's one input);
            otherwise the names of the sampler's outputs that are the model's inputs,
            in the model's order: ``("v_clip", "v_diff")`` for FstCN, ``("v_diff",)``
            for its TCL path alone.
        batch_size: clips per batch (32 for FstCN, section 2.5).
        frame_size: optional (height, width) every video is resized to when read.
        cache_size: decoded videos kept in memory (least recently used first out); 0 disables.
        seed: base seed; batch i of epoch e uses (seed, e, i).
        shuffle: reshuffle the videos every epoch.
        one_hot: one-hot labels instead of integers.
        reads_files: the sampler reads the file itself, decoding only the frames it needs
            (``read_fstcn_clip_pair``, ``read_consecutive_clip``): it is called as
            ``sampler(path, rng, size=frame_size, frame_range=entry.frame_range)``, memory holds
            a clip, not a video, and ``cache_size`` is not used.
        **kwargs: ``keras.utils.PyDataset``'s ``workers``, ``use_multiprocessing`` and
            ``max_queue_size``: batches are loaded by that many threads (or processes) while the
            model trains; batch i is the same whichever worker makes it.

    Example:
        >>> data = VideoClipDataset(index, "split1", "train", partial(sample_fstcn_clip_pair, crop_size=204),
        ...                         inputs=("v_clip", "v_diff"))  # doctest: +SKIP
        >>> model.fit(data, epochs=10)  # doctest: +SKIP
        >>> fast = VideoClipDataset(index, "split1", "train", partial(read_consecutive_clip, num_frames=16),
        ...                         frame_size=(112, 112), reads_files=True, workers=2)  # doctest: +SKIP
    """

    def __init__(self, index, split, role, sampler, inputs=None, batch_size=32, frame_size=None, cache_size=0,
                 seed=0, shuffle=True, one_hot=False, reads_files=False, **kwargs):
        super().__init__(**kwargs)
        self.index = index
        self.entries = index.entries_for(split, role)
        if not self.entries:
            raise ValueError(f"the index has no '{role}' videos in {split}")
        self.sampler = sampler
        if inputs is not None:
            if isinstance(inputs, str) or not inputs or not all(isinstance(n, str) for n in inputs):
                raise ValueError(f"inputs must be None or a non-empty tuple of output names, got {inputs!r}")
            inputs = tuple(inputs)
        self.inputs = inputs
        self.batch_size = int(batch_size)
        self.frame_size = frame_size
        self.cache_size = int(cache_size)
        self.seed = int(seed)
        self.shuffle = shuffle
        self.one_hot = one_hot
        self.reads_files = bool(reads_files)
        self._cache = collections.OrderedDict()
        self._cache_lock = threading.Lock()  # worker threads and tf.data's map share the cache
        self._order = np.arange(len(self.entries))
        self.on_new_epoch()

    def __len__(self):
        return math.ceil(len(self.entries) / self.batch_size)

    def read_entry(self, entry):
        """Decoded frames of one entry, uncached (subclasses serving other files override this)."""
        return read_video(self.index.path_of(entry), size=self.frame_size, frame_range=entry.frame_range)

    def load(self, entry):
        """Decoded frames of one entry (cached when ``cache_size`` > 0; thread safe)."""
        key = (entry.path, entry.frame_range)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        video = self.read_entry(entry)
        if self.cache_size > 0:
            with self._cache_lock:
                self._cache[key] = video
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return video

    def order_of(self, epoch):
        """The order of the entries in epoch ``epoch`` (a permutation drawn from (seed, epoch) when shuffling)."""
        if self.shuffle:
            return np.random.default_rng([self.seed, int(epoch)]).permutation(len(self.entries))
        return np.arange(len(self.entries))

    def __getitem__(self, position):
        return self.batch_at(self.epoch, position, self._order)

    def batch_at(self, epoch, position, order=None):
        """Batch ``position`` of epoch ``epoch``, whatever the dataset's own epoch counter says (thread safe).

        ``dataset[i]`` is ``dataset.batch_at(dataset.epoch, i)``.
        """
        if not 0 <= position < len(self):
            raise IndexError(f"batch index {position} out of range [0, {len(self)})")
        order = self.order_of(epoch) if order is None else order
        rng = np.random.default_rng([self.seed, int(epoch), int(position)])
        rows = order[position * self.batch_size : (position + 1) * self.batch_size]
        samples, labels = [], []
        for row in rows:
            entry = self.entries[row]
            if self.reads_files:
                sample = self.sampler(self.index.path_of(entry), rng, size=self.frame_size,
                                      frame_range=entry.frame_range)
            else:
                sample = self.sampler(self.load(entry), rng)
            if self.inputs is not None:
                sample = tuple(_field(sample, name) for name in self.inputs)
            elif not isinstance(sample, np.ndarray):
                raise ValueError(f"the sampler returned a {type(sample).__name__}, not one array: pass inputs=(names "
                                 f"of its outputs that the model takes), e.g. inputs=('v_clip', 'v_diff')")
            samples.append(sample)
            labels.append(entry.label)
        labels = np.asarray(labels, dtype=np.int64)
        if self.one_hot:
            labels = np.eye(len(self.index.class_names), dtype=np.float32)[labels]
        if self.inputs is None:
            return np.stack(samples).astype(np.float32), labels
        stacked = tuple(np.stack([s[i] for s in samples]).astype(np.float32) for i in range(len(self.inputs)))
        return (stacked[0] if len(stacked) == 1 else stacked), labels

    def on_new_epoch(self):
        self._order = self.order_of(self.epoch)



def _flatten(batch):
    """(inputs, labels) -> (list of arrays, inputs were a tuple)."""
    inputs, labels = batch
    if isinstance(inputs, tuple):
        return [*inputs, labels], True
    return [inputs, labels], False


def as_tf_dataset(dataset, epochs=1, first_epoch=0, num_parallel_calls=None, deterministic=True, prefetch=2):
    """The batches of a ``VideoClipDataset`` as a ``tf.data.Dataset``, made by tf.data's parallel map.

    Element k is ``dataset.batch_at(first_epoch + k // n, k % n)`` with ``n = len(dataset)``: the batches the
    PyDataset serves in those epochs for the same seed, in the same order (``deterministic=True``), with the
    epoch of every batch fixed up front (no counter to keep in step). Up to ``num_parallel_calls`` batches
    (default: tf.data's autotuning) are made at once by tf.data's threads, each in ``tf.numpy_function``;
    PyAV releases the GIL while it decodes, so they decode in parallel. The map's threads replace the
    PyDataset's ``workers``; TensorFlow is imported here only.

    For ``model.fit(as_tf_dataset(data, epochs=E), epochs=E, steps_per_epoch=len(data))``.

    Raises:
        ValueError: ``epochs`` or ``first_epoch`` is not a non-negative integer (``epochs`` positive).

    Example:
        >>> data = VideoClipDataset(index, "split1", "train", partial(read_consecutive_clip, num_frames=16),
        ...                         frame_size=(112, 112), reads_files=True)  # doctest: +SKIP
        >>> model.fit(as_tf_dataset(data, epochs=10), epochs=10, steps_per_epoch=len(data))  # doctest: +SKIP
    """
    import tensorflow as tf

    for name, value, low in (("epochs", epochs, 1), ("first_epoch", first_epoch, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    n = len(dataset)
    arrays, nested = _flatten(dataset.batch_at(first_epoch, 0))  # the signature: dtypes and per-item shapes
    dtypes = [tf.as_dtype(a.dtype) for a in arrays]
    shapes = [(None,) + a.shape[1:] for a in arrays]

    def make(k):
        return _flatten(dataset.batch_at(first_epoch + int(k) // n, int(k) % n))[0]

    def load(k):
        tensors = tf.numpy_function(make, [k], dtypes, stateful=False)
        for tensor, shape in zip(tensors, shapes):
            tensor.set_shape(shape)
        return (tuple(tensors[:-1]), tensors[-1]) if nested else (tensors[0], tensors[1])

    calls = tf.data.AUTOTUNE if num_parallel_calls is None else int(num_parallel_calls)
    data = tf.data.Dataset.range(int(epochs) * n).map(load, num_parallel_calls=calls, deterministic=deterministic)
    return data.prefetch(prefetch) if prefetch else data
