"""Epoch counting for PyDatasets that draw new data every epoch."""

import sys

import numpy as np

# Keras' JAX and PyTorch trainers build an unbuilt model on the first batch: inside ``_symbolic_build`` they run
# a whole on_epoch_begin / first batch / on_epoch_end cycle of the dataset before the first epoch. That is a peek,
# not an epoch: counted, it shifted every epoch's data by one on those backends (and broke resumed runs).
_PEEKING_FUNCTIONS = ("_symbolic_build", "_maybe_symbolic_build")


def _inside_keras_peek():
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name in _PEEKING_FUNCTIONS and "keras" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


class EpochCounter:
    """Mixin for a ``keras.utils.PyDataset`` whose batches depend on the epoch.

    ``model.fit`` calls ``on_epoch_begin()`` before every epoch, without the epoch
    number; this counts those calls into ``self.epoch`` (0 for the first epoch,
    and for anything fetched before it, such as the batches keras peeks at, even
    through an on_epoch_begin call of its own, as the JAX and PyTorch trainers do).
    ``set_epoch(k)`` makes the next epoch k: a fit resumed at epoch k, given
    ``keras_stvideo.training.epoch_backup.DatasetEpochSync(dataset)``, then draws the
    data an uninterrupted fit would have drawn. Subclasses may override
    ``on_new_epoch()`` to redraw per-epoch state (a shuffled order).
    """

    epoch = 0
    _epochs_begun = 0

    def on_epoch_begin(self):
        self.epoch = self._epochs_begun
        if not _inside_keras_peek():
            self._epochs_begun += 1
        self.on_new_epoch()

    def set_epoch(self, epoch):
        """Make the next epoch ``epoch`` (see ``DatasetEpochSync``)."""
        if not isinstance(epoch, (int, np.integer)) or epoch < 0:
            raise ValueError(f"epoch must be a non-negative integer, got {epoch!r}")
        self._epochs_begun = int(epoch)

    def on_new_epoch(self):
        """Called once ``self.epoch`` holds the new epoch; nothing by default."""

    def check_single_worker(self):
        """Raise a ValueError unless the PyDataset runs without a worker pool.

        Worker pools fetch batches before ``on_epoch_begin`` moves the epoch, so a
        dataset whose batches depend on the epoch would mix two epochs' data.
        """
        if self.workers > 1 or self.use_multiprocessing:
            raise ValueError(
                "fresh_each_epoch needs workers=1 and use_multiprocessing=False (worker pools fetch batches "
                f"before the epoch counter moves), got workers={self.workers}, "
                f"use_multiprocessing={self.use_multiprocessing}"
            )
