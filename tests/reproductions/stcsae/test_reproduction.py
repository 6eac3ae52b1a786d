"""``stvideo reproduce stcsae``: options, errors, and the --quick run on generated clips."""

import argparse
import json

import pytest

from keras_stvideo.reproductions.stcsae import reproduction
from keras_stvideo.reproductions.stcsae.settings import STCSAESettings
from keras_stvideo.reproductions import load_reproduction


def _args(*argv):
    parser = argparse.ArgumentParser()
    reproduction.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_registered_and_cheap_to_import():
    assert load_reproduction("stcsae") is reproduction
    assert "KTH1" in reproduction.DESCRIPTION and "GEMEP-FERA" in reproduction.DESCRIPTION


def test_settings_from_options():
    settings = reproduction.settings_from_args(_args("--root", "x", "--ae-epochs", "3", "--code-steps", "0",
                                                     "--motion-threshold", "0.05"))
    assert (settings.ae_epochs, settings.code_steps, settings.motion_threshold) == (3, 0, 0.05)
    assert settings.code_units == STCSAESettings().code_units
    assert reproduction.settings_from_args(_args("--quick")).synthetic


@pytest.mark.parametrize("argv, words", [
    ((), ["--root", "--quick"]),
    (("--quick", "--ae-epochs", "0"), ["--ae-epochs must be positive, got 0"]),
    (("--quick", "--motion-threshold", "-1"), ["--motion-threshold"]),
    (("--quick", "--sequence-length", "2"), ["sequence_length", "3 frames"]),
])
def test_bad_options(argv, words):
    with pytest.raises(ValueError) as error:
        reproduction.settings_from_args(_args(*argv))
    for word in words:
        assert word in str(error.value)


def test_missing_kth_index(tmp_path):
    from keras_stvideo.reproductions.stcsae import experiment

    with pytest.raises(FileNotFoundError, match="data_scripts/kth.py"):
        experiment.run_kth(tmp_path, STCSAESettings(), out=tmp_path / "out")


@pytest.mark.slow
def test_quick_run_beats_chance(tmp_path, capsys):
    """The whole pipeline on generated MotionClips (four translations): the LSTM beats chance (25%) clearly."""
    assert reproduction.run(_args("--quick", "--out", str(tmp_path))) == 0
    results = json.loads((tmp_path / "results.json").read_text())["results"]["synthetic"]
    assert results["accuracy"] > 35.0, results  # 41.0% when written (chance 25%: 200 test clips, 5 sd above)
    assert results["energy"][-1] < results["energy"][0]
    table = (tmp_path / "results.md").read_text()
    assert "95.83%" in table and "93.74%" in table and "not public" in table
    assert "stage 1 epoch 8/8" in capsys.readouterr().out


def test_tiny_run_records_the_history_and_writes_training_curves(tmp_path):
    """At the smallest size: results.json holds the LSTM's per-epoch logs and training_curves.png is written."""
    import dataclasses

    from keras_stvideo.reproductions.stcsae import experiment

    settings = dataclasses.replace(STCSAESettings.quick(), synthetic_train_clips=12, synthetic_test_clips=4,
                                   ae_epochs=1, lstm_epochs=2)
    results = experiment.run_synthetic(settings, seed=0)
    experiment.save_results(results, tmp_path, settings, seed=0)
    history = json.loads((tmp_path / "results.json").read_text())["results"]["synthetic"]["history"]
    assert set(history) >= {"loss", "accuracy"} and len(history["loss"]) == 2
    assert (tmp_path / "training_curves.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_stage_two_takes_a_validation_set():
    """``validation=`` adds the per-epoch validation logs to the history."""
    import dataclasses

    from keras_stvideo.reproductions.stcsae import experiment
    from keras_stvideo.reproductions.stcsae.quick_data import QUICK_OPTIONS, grey_motion_clips

    settings = dataclasses.replace(STCSAESettings.quick(), ae_epochs=1, lstm_epochs=2)
    clips = grey_motion_clips(12, settings.sequence_length, settings.frame_size, settings.synthetic_classes, seed=0,
                              **QUICK_OPTIONS)
    autoencoder, _ = experiment.train_autoencoder(clips[0], settings)
    result, _ = experiment.train_and_test_classifier(autoencoder, (clips[0][:8], clips[1][:8]),
                                                     (clips[0][8:], clips[1][8:]), settings,
                                                     settings.synthetic_classes,
                                                     validation=(clips[0][8:], clips[1][8:]))
    assert len(result["history"]["val_accuracy"]) == 2 and len(result["history"]["accuracy"]) == 2
