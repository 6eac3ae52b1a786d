import argparse
import dataclasses
import functools
import itertools
import json
import math
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_stvideo.data.mnist import load_mnist
from keras_stvideo.data.moving_mnist import MovingMNIST
from keras_stvideo.reproductions.attention_lstm.experiment import (
    PAPER_RESULTS, ReproductionSettings, label_ceiling, markdown_table, run_reproduction,
)
from keras_stvideo.reproductions.attention_lstm.reproduction import (add_arguments, experiments_from_args,
                                                                    settings_from_args)
from keras_stvideo.reproductions.attention_lstm.settings import (PAPER_STAGE2, QUICK_MODELS, QUICK_PROTOCOLS,
                                                                QUICK_VARIANTS)
from keras_stvideo.training.precision import cpu_has_bfloat16


@pytest.mark.parametrize("num_digits", [1, 2, 3])
def test_label_ceiling_counts_the_orderings_a_video_cannot_show(num_digits):
    tuples = list(itertools.product(range(10), repeat=num_digits))
    orderings = [len(set(itertools.permutations(t))) for t in tuples]
    accuracy, cross_entropy = label_ceiling(num_digits)
    assert accuracy == pytest.approx(len({tuple(sorted(t)) for t in tuples}) / len(tuples))
    assert cross_entropy == pytest.approx(sum(map(math.log, orderings)) / len(tuples))
    if num_digits == 2:
        assert (accuracy, cross_entropy) == pytest.approx((0.55, 0.9 * math.log(2)))


def reproduce(tmp_path, *options):
    return subprocess.run(
        [sys.executable, "-m", "keras_stvideo.cli", "reproduce", "shan2017", "--models", "lenet",
         "--pretrain-samples", "256", "--epochs", "1", "--videos-per-class", "2", "--out", str(tmp_path), *options],
        capture_output=True, text=True, timeout=600,
    )


# Table I and section IV-D of Shan & Atanasov 2017, as printed (cross-entropy, accuracy) for LeNet, STN and DCN.
PRINTED_TABLE = """
normal 1.44,97.96% 1.98, 87.26% 1.27,99.62%
rotation 1.42,98.43% 1.97, 90.47% 1.29,99.70%
scaling 1.52,96.28% 1.99, 86.90% 1.28,99.41%
rotation_scaling 1.51, 96.82% 1.99, 89.10% 1.25, 99.46%
elastic 1.48,97.19% 1.48,97.19% 1.28,99.30%
"""


def test_paper_table_holds_the_printed_values():
    expected = {}
    for line in PRINTED_TABLE.strip().splitlines():
        variant, cells = line.split(" ", 1)
        numbers = [float(v) for v in cells.replace("%", "").replace(",", " ").split()]
        expected[variant] = {m: (numbers[2 * k], numbers[2 * k + 1]) for k, m in enumerate(("lenet", "stn", "dcn"))}
    assert PAPER_RESULTS == expected


def test_quick_settings_learn_within_the_budget_and_the_defaults_stay_the_papers():
    quick = ReproductionSettings.quick(mixed_precision=False)
    # Stage 1: 20,000 Scaled MNIST digits x 2 epochs at batch 32 (1,250 Adadelta updates); stage 2: LSTM(128)
    # on the frozen CNN's features of 20,000 videos with sorted labels, 8 epochs; the paper's stage 2 beside it.
    assert (quick.pretrain_samples, quick.pretrain_epochs, quick.pretrain_batch_size) == (20000, 2, 32)
    assert (quick.train_videos, quick.settings_per_class, quick.fine_tune, quick.fresh_videos) == (20000, 10, False,
                                                                                                  False)
    assert (quick.label_order, quick.lstm_units, quick.lstm_epochs) == ("sorted", 128, 8)
    assert (quick.lstm_batch_size, quick.lstm_learning_rate, quick.lr_schedule) == (50, 1e-3, "constant")
    assert (quick.paper_baseline, quick.quick_run, quick.mixed_precision) == (True, True, False)
    assert ReproductionSettings.quick().mixed_precision == (cpu_has_bfloat16() is True)
    assert (QUICK_MODELS, QUICK_VARIANTS, QUICK_PROTOCOLS) == (("lenet",), ("normal",), ("clean",))
    paper = ReproductionSettings()  # section IV-A
    assert (paper.settings_per_class, paper.lstm_units, paper.lstm_epochs, paper.lstm_batch_size) == (10, 8, 10, 50)
    assert (paper.lstm_learning_rate, paper.label_order, paper.train_videos, paper.fine_tune) == (1e-3, "drawn", 0,
                                                                                                  False)
    assert (paper.paper_baseline, paper.quick_run, paper.mixed_precision) == (False, False, False)
    literal = dataclasses.replace(quick, **PAPER_STAGE2)
    assert (literal.label_order, literal.lstm_units, literal.lstm_epochs, literal.train_videos) == ("drawn", 8, 10, 0)
    assert (literal.lstm_learning_rate, literal.lstm_batch_size, literal.fine_tune) == (1e-3, 50, False)


def test_quick_command_line_defaults():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    quick = parser.parse_args(["--quick", "--no-mixed-precision"])
    assert experiments_from_args(quick) == (("lenet",), ("normal",), ("clean",))
    assert settings_from_args(quick) == ReproductionSettings.quick(mixed_precision=False)
    full = parser.parse_args([])
    assert experiments_from_args(full) == (("lenet", "dcn"), tuple(PAPER_RESULTS), ("paper", "clean"))
    assert settings_from_args(full) == ReproductionSettings()
    chosen = parser.parse_args(["--quick", "--models", "dcn", "--variants", "elastic", "--no-paper-baseline",
                                "--videos-per-class", "3"])
    assert experiments_from_args(chosen) == (("dcn",), ("elastic",), ("clean",))
    assert (settings_from_args(chosen).paper_baseline, settings_from_args(chosen).settings_per_class) == (False, 3)
    with pytest.raises(ValueError, match="--videos-per-class must be positive, got 0"):
        settings_from_args(parser.parse_args(["--videos-per-class", "0"]))


@pytest.mark.backend_costly  # an end-to-end run: CI repeats it on TensorFlow only
def test_quick_command_prints_one_line_per_step_and_keeps_both_configurations(tmp_path, shared_mnist_path):
    env = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}  # a user's shell
    result = subprocess.run(
        [sys.executable, "-m", "keras_stvideo.cli", "reproduce", "shan2017", "--quick", "--pretrain-samples", "256",
         "--pretrain-epochs", "1", "--train-videos", "60", "--epochs", "2", "--videos-per-class", "1",
         "--no-mixed-precision", "--mnist", str(shared_mnist_path), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600, env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    steps = [line for line in result.stdout.splitlines() if line.startswith("[LeNet-LSTM]")]
    assert len(steps) == 3, result.stdout  # stage 1, this run's row, the paper's literal row
    assert "stage 1: pre-trained on 256 Scaled MNIST digits" in steps[0] and "held-out digits" in steps[0]
    assert "clean protocol, normal (sorted labels, LSTM(128), frozen CNN, 2 epochs" in steps[1]
    assert "60 training and 100 test videos" in steps[1]
    assert ("the paper's literal stage 2, paper protocol, normal (drawn labels, LSTM(8), frozen CNN, 10 epochs"
            in steps[2])
    assert "100 training and 100 test videos" in steps[2]
    assert "Epoch 1/" not in result.stdout  # no Keras progress bars without --verbose
    for noise in ("I0000", "E0000", "oneDNN", "cuInit", "absl", "retracing", "Downloading data from"):
        assert noise not in result.stderr, result.stderr
    payload = json.loads((tmp_path / "results.json").read_text())
    assert payload["settings"]["quick_run"] is True and payload["settings"]["paper_baseline"] is True
    run_row, literal = payload["results"]
    assert (run_row["configuration"], run_row["protocol"], run_row["variant"]) == ("run", "clean", "normal")
    assert (literal["configuration"], literal["protocol"], literal["variant"]) == ("paper_literal", "paper", "normal")
    assert literal["stage2_settings"]["lstm_units"] == 8 and literal["stage2_settings"]["label_order"] == "drawn"
    assert len(run_row["test_accuracy_per_epoch"]) == 2 and len(literal["test_accuracy_per_epoch"]) == 10
    assert len(run_row["test_loss_per_epoch"]) == 2
    assert run_row["pretrain_test_accuracy"] == literal["pretrain_test_accuracy"]
    assert 0 <= run_row["pretrain_test_accuracy"] <= 100
    report = (tmp_path / "results.md").read_text()
    assert markdown_table(payload["results"]) in report
    assert "| normal | LeNet-LSTM | paper | paper's literal stage 2 |" in report
    assert "A quick run (`--quick`)" in report and "float32" in report
    assert "Chance: 1% accuracy, cross-entropy ln 100 = 4.61" in report
    assert f"Stage 1 (LeNet): {run_row['pretrain_test_accuracy']:.1f}% digit accuracy" in report
    assert "near chance as expected" in report and "Reproducing Shan & Atanasov 2017, Table I" in report


def test_paper_table_is_complete():
    assert set(PAPER_RESULTS) == {"normal", "rotation", "scaling", "rotation_scaling", "elastic"}
    for row in PAPER_RESULTS.values():
        assert set(row) == {"lenet", "stn", "dcn"}


@pytest.mark.backend_costly  # an end-to-end run: CI repeats it on TensorFlow only
def test_reproduce_command_writes_tables(tmp_path):
    result = reproduce(tmp_path, "--variants", "rotation", "--protocols", "clean")
    assert result.returncode == 0, result.stderr[-3000:]
    payload = json.loads((tmp_path / "results.json").read_text())
    (row,) = payload["results"]
    assert row["model"] == "lenet" and row["variant"] == "rotation" and row["protocol"] == "clean"
    assert (row["paper_loss"], row["paper_accuracy"]) == PAPER_RESULTS["rotation"]["lenet"]
    assert 0.0 <= row["test_accuracy"] <= 100.0 and row["test_loss"] > 0
    assert payload["settings"]["lstm_epochs"] == 1 and len(row["test_accuracy_per_epoch"]) == 1
    assert markdown_table(payload["results"]) in (tmp_path / "results.md").read_text()
    assert "| rotation | LeNet-LSTM | clean |" in result.stdout
    assert "no classifier can exceed 55% accuracy" in (tmp_path / "results.md").read_text()
    # the per-epoch Keras logs, training and test ("val_"), and their figure beside results.md
    assert set(row["history"]) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert row["history"]["val_accuracy"] == pytest.approx([a / 100 for a in row["test_accuracy_per_epoch"]])
    assert (tmp_path / "training_curves.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.backend_costly  # an end-to-end run: CI repeats it on TensorFlow only
def test_reproduce_best_configuration_options(tmp_path):
    result = reproduce(tmp_path, "--variants", "rotation_scaling", "--protocols", "clean", "--label-order", "sorted",
                       "--fine-tune", "--train-videos", "60", "--lstm-units", "16", "--learning-rate", "1e-4",
                       "--pretrain-batch-size", "64", "--lr-schedule", "cosine", "--mixed-precision")
    assert result.returncode == 0, result.stderr[-3000:]
    payload = json.loads((tmp_path / "results.json").read_text())
    settings = payload["settings"]
    assert (settings["label_order"], settings["fine_tune"], settings["train_videos"]) == ("sorted", True, 60)
    assert (settings["lstm_units"], settings["lstm_learning_rate"], settings["pretrain_batch_size"]) == (16, 1e-4, 64)
    assert (settings["lr_schedule"], settings["mixed_precision"]) == ("cosine", True)
    assert "60 training and 200 test videos" in result.stdout
    assert "Labels sorted" in (tmp_path / "results.md").read_text()


@pytest.mark.backend_costly  # an end-to-end run: CI repeats it on TensorFlow only
def test_reproduce_fresh_videos_every_epoch_and_save_the_model(tmp_path):
    result = reproduce(tmp_path, "--variants", "normal", "--protocols", "paper", "--label-order", "sorted",
                       "--fine-tune", "--train-videos", "40", "--fresh-videos", "--epochs", "2", "--save-models",
                       "--backup-dir", str(tmp_path / "backup"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"removed the finished run's backup {tmp_path / 'backup'}" in result.stdout
    payload = json.loads((tmp_path / "results.json").read_text())
    assert payload["settings"]["fresh_videos"] is True
    (row,) = payload["results"]
    assert len(row["test_accuracy_per_epoch"]) == 2
    assert row["test_accuracy"] == pytest.approx(row["test_accuracy_per_epoch"][-1], abs=1e-4)
    assert "40 new training videos every epoch, 200 test videos" in result.stdout

    # The saved model, loaded here, scores what the run reported on the same test videos
    # (the quick run's: 2 per class, the first variant's test seed 0 + 1).
    assert row["model_file"] == "lenet_lstm_paper_normal.keras"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lenet_lstm_paper_normal.keras", "results.json", "results.md",
                                                          "training_curves.png"]
    model = keras.saving.load_model(tmp_path / row["model_file"])
    videos, labels = MovingMNIST.from_variant("normal", sequence_length=5, split="test", digit_source="paper",
                                              label_order="sorted", mnist=load_mnist()).paper_protocol(2, seed=1)
    probabilities = model.predict(videos, verbose=0)
    cross_entropy = -np.mean(np.log(np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1.0)))
    assert cross_entropy == pytest.approx(row["test_loss"], rel=1e-4)
    accuracy = 100 * np.mean(np.argmax(probabilities, axis=1) == labels)
    assert accuracy == pytest.approx(row["test_accuracy"], abs=100 / len(labels))


@pytest.mark.backend_costly  # an end-to-end run: CI repeats it on TensorFlow only
def test_mixed_precision_run_keeps_softmax_float32_and_restores_the_policy(tmp_path):
    settings = ReproductionSettings(settings_per_class=1, pretrain_samples=128, lstm_epochs=2, lstm_units=8,
                                    label_order="sorted", lr_schedule="cosine", mixed_precision=True)
    (row,) = run_reproduction(models=("lenet",), variants=("normal",), protocols=("clean",), settings=settings,
                              verbose=0, log=lambda *_: None, save_dir=tmp_path)
    assert keras.mixed_precision.global_policy().name == "float32"
    model = keras.saving.load_model(tmp_path / row["model_file"])
    assert model.get_layer("frame_encoder").dtype_policy.name == "mixed_bfloat16"  # the per-frame CNN
    head = model.get_layer("lstm_head")
    assert head.get_layer("lstm").dtype_policy.name == "mixed_bfloat16"
    assert head.get_layer("sequence_classifier").dtype_policy.name == "float32"
    videos, labels = MovingMNIST.from_variant("normal", sequence_length=5, split="test", digit_source="disjoint",
                                              label_order="sorted", mnist=load_mnist()).paper_protocol(1, seed=1)
    probabilities = model.predict(videos, verbose=0)
    assert probabilities.dtype == np.float32
    cross_entropy = -np.mean(np.log(np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1.0)))
    assert cross_entropy == pytest.approx(row["test_loss"], rel=1e-4)
    with pytest.raises(ValueError, match="lr_schedule must be one of"):
        ReproductionSettings(lr_schedule="step")


class Interrupted(Exception):
    pass


@pytest.mark.backend_costly  # an end-to-end run: CI repeats it on TensorFlow only
def test_an_interrupted_reproduction_resumes_from_its_backup(tmp_path):
    settings = ReproductionSettings(settings_per_class=1, pretrain_samples=128, pretrain_epochs=2, lstm_epochs=2,
                                    lstm_units=8, label_order="sorted", fine_tune=True, train_videos=20,
                                    fresh_videos=True)
    run = functools.partial(run_reproduction, models=("lenet",), variants=("normal", "rotation"),
                            protocols=("clean",), verbose=0)
    whole = run(settings=settings, log=lambda *_: None)

    def stop_before_rotation(message):  # the progress line of the finished Normal row, before Rotation starts
        if "clean protocol, normal" in message:
            raise Interrupted(message)

    backup = tmp_path / "backup"
    with pytest.raises(Interrupted):
        run(settings=settings, log=stop_before_rotation, backup_dir=backup)
    assert sorted(p.name for p in (backup / "lenet").iterdir()) == ["clean_normal", "pretrain"]
    resumed = run(settings=settings, log=lambda *_: None, backup_dir=backup)
    assert [r["resumed_epochs"] for r in resumed] == [2, 0]  # the finished experiment is restored, not retrained
    for got, want in zip(resumed, whole):
        assert (got["variant"], got["pretrain_accuracy"]) == (want["variant"], pytest.approx(want["pretrain_accuracy"]))
        for key in ("test_loss", "test_accuracy", "train_loss", "train_accuracy"):
            assert got[key] == pytest.approx(want[key], rel=1e-4, abs=1e-4), key
        assert got["test_accuracy_per_epoch"] == pytest.approx(want["test_accuracy_per_epoch"], abs=1e-4)

    with pytest.raises(ValueError, match=r"other settings \(lstm_epochs: 2 there, 3 now\)"):
        run(settings=dataclasses.replace(settings, lstm_epochs=3), backup_dir=backup)
    with pytest.raises(ValueError, match=r"other settings \(seed: 0 there, 1 now\)"):
        run(settings=settings, seed=1, backup_dir=backup)


@pytest.mark.backend_costly  # an end-to-end run: CI repeats it on TensorFlow only
def test_a_saved_run_continues_with_init_model(tmp_path):
    settings = ReproductionSettings(settings_per_class=1, pretrain_samples=128, lstm_epochs=1, lstm_units=8,
                                    label_order="sorted", fine_tune=True)
    run = functools.partial(run_reproduction, models=("lenet",), variants=("normal",), protocols=("clean",),
                            verbose=0, log=lambda *_: None)
    (first,) = run(settings=settings, save_dir=tmp_path)
    saved = str(tmp_path / first["model_file"])
    # A learning rate too small to move the weights: the continued run scores what the saved model scored.
    still = dataclasses.replace(settings, init_model=saved, lstm_learning_rate=1e-12)
    (continued,) = run(settings=still)
    assert continued["pretrain_accuracy"] is None and first["pretrain_accuracy"] > 0
    assert continued["test_loss"] == pytest.approx(first["test_loss"], rel=1e-5)
    assert continued["test_accuracy"] == pytest.approx(first["test_accuracy"])
    (moved,) = run(settings=dataclasses.replace(still, lstm_learning_rate=1e-3))
    assert moved["test_loss"] != pytest.approx(first["test_loss"], rel=1e-3)

    with pytest.raises(ValueError, match="LSTM of 8 units on 5 frames; the settings ask for 16 units"):
        run(settings=dataclasses.replace(still, lstm_units=16))
    with pytest.raises(ValueError, match=r"models must name one frame CNN, got \('lenet', 'dcn'\)"):
        run(settings=still, models=("lenet", "dcn"))
    with pytest.raises(FileNotFoundError, match="missing.keras' is not a file"):
        run(settings=dataclasses.replace(still, init_model=str(tmp_path / "missing.keras")))


def test_reproduce_rejects_bad_counts(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "keras_stvideo.cli", "reproduce", "shan2017", "--epochs", "0", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2 and "--epochs must be positive, got 0" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "keras_stvideo.cli", "reproduce", "shan2017", "--fresh-videos", "--train-videos", "10",
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2 and "fresh_videos needs fine_tune=True" in result.stderr


@pytest.mark.backend_costly  # end-to-end runs: CI repeats them on TensorFlow only
def test_a_pretrained_cnn_replaces_stage_one(tmp_path):
    from keras_stvideo.data.scaled_mnist import make_scaled_mnist
    from keras_stvideo.reproductions.attention_lstm.experiment import PRETRAIN_TEST_DIGITS
    from keras_stvideo.models.attention_lstm.frame_encoders import build_lenet, build_stn_lenet

    keras.utils.set_random_seed(3)
    cnn = build_lenet()
    cnn.save_weights(tmp_path / "lenet.weights.h5")
    cnn.save(tmp_path / "lenet.keras")
    settings = ReproductionSettings(settings_per_class=1, lstm_epochs=1, label_order="sorted")
    run = functools.partial(run_reproduction, models=("lenet",), variants=("normal",), protocols=("clean",),
                            verbose=0, log=lambda *_: None)
    (from_weights,) = run(settings=dataclasses.replace(settings, pretrained_cnn=str(tmp_path / "lenet.weights.h5")))
    (from_model,) = run(settings=dataclasses.replace(settings, pretrained_cnn=str(tmp_path / "lenet.keras")))
    # Stage 1 is skipped, and the held-out digits are scored with this very CNN.
    (_, _), (x_test, y_test) = load_mnist()
    held_out = make_scaled_mnist(x_test[:PRETRAIN_TEST_DIGITS], np.random.default_rng([0, 2017]))
    expected = 100 * np.mean(np.argmax(cnn.predict(held_out, verbose=0), axis=1) == y_test[:PRETRAIN_TEST_DIGITS])
    for result in (from_weights, from_model):
        assert result["pretrain_accuracy"] is None
        assert result["pretrain_test_accuracy"] == pytest.approx(expected)
    assert from_model["test_loss"] == pytest.approx(from_weights["test_loss"], rel=1e-6)

    with pytest.raises(ValueError, match=r"must name its architecture alone, got \('lenet', 'stn'\)"):
        run(settings=dataclasses.replace(settings, pretrained_cnn=str(tmp_path / "lenet.keras")),
            models=("lenet", "stn"))
    with pytest.raises(ValueError, match=r"must be a \.weights\.h5 or \.keras file, got '.*lenet\.h5'"):
        run(settings=dataclasses.replace(settings, pretrained_cnn=str(tmp_path / "lenet.h5")))
    with pytest.raises(FileNotFoundError, match=r"missing\.keras' is not a file"):
        run(settings=dataclasses.replace(settings, pretrained_cnn=str(tmp_path / "missing.keras")))
    build_stn_lenet().save_weights(tmp_path / "stn.weights.h5")
    with pytest.raises(ValueError, match=r"stn\.weights\.h5' does not hold a 'lenet' frame CNN \(6,431,080 param"):
        run(settings=dataclasses.replace(settings, pretrained_cnn=str(tmp_path / "stn.weights.h5")))
    with pytest.raises(ValueError, match="give one"):
        dataclasses.replace(settings, pretrained_cnn="a.keras", init_model="b.keras")
