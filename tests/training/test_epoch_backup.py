import json

import keras
import numpy as np
import pytest

from keras_stvideo.data.mnist import load_embedded_digits
from keras_stvideo.data.moving_mnist import MovingMNIST, MovingMNISTSequence
from keras_stvideo.data.scaled_mnist import ScaledMNIST
from keras_stvideo.training.epoch_backup import DatasetEpochSync, EpochBackup, initial_epoch
from keras_stvideo.models.attention_lstm.frame_encoders import build_lenet
from keras_stvideo.models.attention_lstm.training import TwoStageTrainer

EPOCHS = 3


class Interrupted(Exception):
    pass


class InterruptAfter(keras.callbacks.Callback):
    """Stands for a killed process: raises at the end of one epoch, after the backup saved it."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise Interrupted(f"stopped after epoch {epoch}")


def fresh_videos():
    generator = MovingMNIST(num_digits=1, canvas_size=32, speed_range=(1, 2), sequence_length=3,
                            mnist=load_embedded_digits(), seed=0)
    return MovingMNISTSequence(generator, num_sequences=60, batch_size=20, seed=3, fresh_each_epoch=True)


def trainer(initial_weights=None):
    result = TwoStageTrainer(build_lenet(input_shape=(32, 32, 1)), sequence_length=3, num_classes=10, lstm_units=16)
    if initial_weights is not None:
        result.model.set_weights(initial_weights)
    return result


def fit(trainer_, backup_dir, *extra_callbacks, sync=True):
    data = fresh_videos()
    backup = EpochBackup(backup_dir)
    callbacks = ([DatasetEpochSync(data)] if sync else []) + [backup, *extra_callbacks]
    trainer_.fit(data, epochs=EPOCHS, fine_tune=True, lr_schedule="cosine", shuffle=False, verbose=0,
                 callbacks=callbacks)
    return backup


def test_an_interrupted_fit_resumes_to_the_uninterrupted_result(tmp_path):
    keras.utils.set_random_seed(0)
    whole = trainer()
    start = [w.copy() for w in whole.model.get_weights()]
    reference = fit(whole, tmp_path / "whole")
    assert reference.restored_epochs == 0 and len(reference.history["loss"]) == EPOCHS

    first = trainer(start)
    with pytest.raises(Interrupted):
        fit(first, tmp_path / "cut", InterruptAfter(1))
    state = json.loads((tmp_path / "cut" / "state.json").read_text())
    assert state["epoch"] == 2 and len(state["history"]["loss"]) == 2
    assert sorted(p.name for p in (tmp_path / "cut").iterdir()) == ["epoch-2.weights.h5", "state.json"]

    resumed = trainer()  # a new process: other initial weights, a new optimizer
    backup = fit(resumed, tmp_path / "cut")
    assert backup.restored_epochs == 2
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(backup.history[key], reference.history[key], rtol=1e-4, atol=1e-6)
    assert int(resumed.model.optimizer.iterations) == int(whole.model.optimizer.iterations) == EPOCHS * 3
    for got, want in zip(resumed.model.get_weights(), whole.model.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
    assert backup.initial_epoch == EPOCHS


def test_a_resumed_fit_that_starts_at_epoch_zero_is_refused(tmp_path):
    keras.utils.set_random_seed(0)
    with pytest.raises(Interrupted):
        fit(trainer(), tmp_path / "cut", InterruptAfter(0))
    model = trainer().model
    model.compile("sgd", "sparse_categorical_crossentropy")
    backup = EpochBackup(tmp_path / "cut")
    assert backup.initial_epoch == 1 and initial_epoch([backup]) == 1 and initial_epoch([]) == 0
    data = fresh_videos()
    with pytest.raises(ValueError, match=r"holds 1 finished epochs.*initial_epoch=backup.initial_epoch.*epoch 0"):
        model.fit(data, epochs=EPOCHS, callbacks=[backup], verbose=0)  # no initial_epoch
    model.fit(data, epochs=2, initial_epoch=backup.initial_epoch, callbacks=[backup], verbose=0)
    assert backup.restored_epochs == 1 and len(backup.history["loss"]) == 2


def test_without_the_epoch_sync_a_resumed_fit_repeats_old_videos(tmp_path):
    keras.utils.set_random_seed(0)
    whole = trainer()
    start = [w.copy() for w in whole.model.get_weights()]
    reference = fit(whole, tmp_path / "whole")
    with pytest.raises(Interrupted):
        fit(trainer(start), tmp_path / "cut", InterruptAfter(1))
    backup = fit(trainer(), tmp_path / "cut", sync=False)  # draws epoch 0's videos for epoch 2
    assert backup.history["loss"][:2] == reference.history["loss"][:2]
    assert backup.history["loss"][2] != pytest.approx(reference.history["loss"][2], rel=1e-4)


def test_a_finished_fit_is_restored_not_trained_again(tmp_path):
    keras.utils.set_random_seed(0)
    done = trainer()
    fit(done, tmp_path / "run")
    again = trainer()
    backup = fit(again, tmp_path / "run")
    assert backup.restored_epochs == EPOCHS and len(backup.history["loss"]) == EPOCHS
    for got, want in zip(again.model.get_weights(), done.model.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_a_damaged_state_file_is_named(tmp_path):
    (tmp_path / "state.json").write_text("{not json")
    with pytest.raises(ValueError, match=r"state\.json is not an EpochBackup state file.*remove"):
        fit(trainer(), tmp_path)


def scaled_digits():
    digits, labels = load_embedded_digits()[0]
    return ScaledMNIST(digits[:64], labels[:64], batch_size=16, seed=2)


@pytest.mark.parametrize("make", [fresh_videos, scaled_digits])
@pytest.mark.parametrize("epoch", [0, 1, 3])
def test_set_epoch_draws_what_a_fit_from_epoch_zero_draws(make, epoch):
    walked, jumped = make(), make()
    for _ in range(epoch + 1):
        walked.on_epoch_begin()  # what model.fit calls before each epoch
    jumped.set_epoch(epoch)
    jumped.on_epoch_begin()
    assert walked.epoch == jumped.epoch == epoch
    for got, want in zip(jumped[1], walked[1]):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="epoch must be a non-negative integer, got -1"):
        jumped.set_epoch(-1)


def test_scaled_mnist_visits_its_digits_in_a_new_order_every_epoch():
    data = scaled_digits()
    first_batches = []
    for _ in range(3):
        data.on_epoch_begin()
        first_batches.append(data[0][1])
    assert not np.array_equal(first_batches[0], first_batches[1])
    assert not np.array_equal(first_batches[1], first_batches[2])


def test_epoch_sync_needs_a_dataset_that_can_set_its_epoch():
    with pytest.raises(TypeError, match="set_epoch.*got list"):
        DatasetEpochSync([1, 2, 3])
