"""Resume an interrupted ``model.fit`` from its last finished epoch.

Hour-long CPU runs (``stvideo reproduce`` on the full Moving MNIST protocol)
outlive sessions and machines; ``EpochBackup`` keeps, after every epoch, the
model's and the optimizer's variables and every epoch's logs, so that running
the same ``fit`` again continues where it stopped, with the whole per-epoch
history. Keras's own ``keras.callbacks.BackupAndRestore`` does the restoring
part, but it writes its weights and its epoch counter as two files in place (a
crash between them leaves a mismatched pair) and forgets the logs of the epochs
before the interruption; here each epoch's weights go to a new file and one
small state file, replaced in a single rename, names the last complete one.

The resumed ``fit`` starts at the backup's epoch through Keras' public
``initial_epoch`` argument: pass ``initial_epoch=backup.initial_epoch`` (or
``initial_epoch(callbacks)``); a fit that starts elsewhere stops with a
``ValueError`` instead of training the restored weights again from epoch 0.
Datasets that draw new data every epoch need to know the epoch the resumed fit
starts at: pass ``DatasetEpochSync(dataset)`` too.

Example:
    >>> backup = EpochBackup("out/backup/stage2")  # doctest: +SKIP
    >>> model.fit(data, epochs=45, initial_epoch=backup.initial_epoch,
    ...           callbacks=[DatasetEpochSync(data), backup])  # doctest: +SKIP
    >>> backup.history["val_accuracy"]  # all epochs, including those before a restart  # doctest: +SKIP
"""

import json
import pathlib

import keras

from keras_stvideo.utils.atomic import atomic_path

STATE_FILE = "state.json"


class EpochBackup(keras.callbacks.Callback):
    """Save the training state after every epoch; restore it when ``fit`` starts again.

    Args:
        directory: folder of this one ``fit`` call's state (created when needed).

    Attributes:
        history: ``{metric: [value per epoch]}`` over every epoch trained so far,
            those of earlier, interrupted runs included.
        restored_epochs: how many epochs the last ``fit`` restored instead of training.
    """

    def __init__(self, directory):
        super().__init__()
        self.directory = pathlib.Path(directory)
        self.history = {}
        self.restored_epochs = 0
        self._weights_file = None  # the weights file the state file names
        self._first_epoch = None  # the epoch the running fit must start at (checked once)

    @property
    def initial_epoch(self):
        """The epoch a fit resumed from this backup starts at: the finished epochs it holds (0 without one)."""
        state = self._read_state()
        return 0 if state is None else state["epoch"]

    def _read_state(self):
        path = self.directory / STATE_FILE
        if not path.exists():
            return None
        try:
            state = json.loads(path.read_text())
            return {"epoch": int(state["epoch"]), "weights": str(state["weights"]), "history": dict(state["history"])}
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path} is not an EpochBackup state file ({error}); remove {self.directory} "
                             "to start the run afresh") from None

    def on_train_begin(self, logs=None):
        self.restored_epochs = 0
        self.history = {}
        state = self._read_state()
        self._weights_file = None if state is None else state["weights"]
        self._first_epoch = 0 if state is None else state["epoch"]
        if state is None:
            return
        optimizer = self.model.optimizer
        if optimizer is not None and not optimizer.built:
            optimizer.build(self.model.trainable_variables)  # its slots must exist to receive the saved values
        self.model.load_weights(self.directory / state["weights"])
        self.history = {key: list(values) for key, values in state["history"].items()}
        self.restored_epochs = state["epoch"]

    def on_epoch_begin(self, epoch, logs=None):
        if self._first_epoch is not None and epoch != self._first_epoch:
            raise ValueError(
                f"{self.directory} holds {self._first_epoch} finished epochs, so the resumed fit must start at "
                f"epoch {self._first_epoch}: pass initial_epoch=backup.initial_epoch to fit; got a fit starting at "
                f"epoch {epoch}"
            )
        self._first_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        weights = f"epoch-{epoch + 1}.weights.h5"
        with atomic_path(self.directory / weights) as tmp:
            self.model.save_weights(tmp)
        with atomic_path(self.directory / STATE_FILE) as tmp:
            tmp.write_text(json.dumps({"epoch": epoch + 1, "weights": weights, "history": self.history}))
        if self._weights_file not in (None, weights):
            (self.directory / self._weights_file).unlink(missing_ok=True)
        self._weights_file = weights


def initial_epoch(callbacks):
    """The ``initial_epoch`` for a ``fit`` with ``callbacks``: that of its ``EpochBackup``, 0 without one."""
    backups = [c for c in callbacks or () if isinstance(c, EpochBackup)]
    if len(backups) > 1:
        raise ValueError(f"one fit takes at most one EpochBackup, got {len(backups)}")
    return backups[0].initial_epoch if backups else 0


class DatasetEpochSync(keras.callbacks.Callback):
    """Tell a dataset which epoch ``model.fit`` starts, before it draws that epoch's batches.

    ``model.fit`` calls a ``keras.utils.PyDataset``'s ``on_epoch_begin()`` without
    the epoch number, so a dataset that counts epochs itself restarts at 0 when a
    fit resumes at epoch 12. With this callback it draws epoch 12's data instead.
    ``dataset`` needs a ``set_epoch(epoch)`` method (``MovingMNISTSequence``,
    ``ScaledMNIST``).
    """

    def __init__(self, dataset):
        super().__init__()
        if not callable(getattr(dataset, "set_epoch", None)):
            raise TypeError(f"dataset must have a set_epoch(epoch) method, got {type(dataset).__name__}")
        self.dataset = dataset

    def on_epoch_begin(self, epoch, logs=None):
        self.dataset.set_epoch(epoch)
