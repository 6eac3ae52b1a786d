"""``stvideo reproduce tesnet --quick``: the whole pipeline on generated videos, its outputs and its resume."""

import json
import os
import subprocess
import sys

import pytest


def _run(out, *extra):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    command = [sys.executable, "-m", "keras_stvideo.cli", "reproduce", "tesnet", "--quick", "--out", str(out),
               "--epochs", "1", "--test-clips", "2", "--videos-per-class", "8", *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=3000, env=env)


@pytest.mark.slow
def test_quick_two_stream_run_and_rerun(tmp_path):
    """A few minutes on the shared 2-core machine: 48 MotionClips videos, their TV-L1 flow, two small-backbone
    streams trained for an epoch and tested."""
    first = _run(tmp_path, "--stream", "both")
    assert first.returncode == 0, first.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    row = results["results"]["splits"]["1"]
    assert set(row) == {"rgb", "flow", "both"}
    assert all(0.0 <= row[s]["top1"] <= 100.0 for s in row)
    assert "Table 4" in (tmp_path / "results.md").read_text() and "[flow] TV-L1" in first.stdout
    for stream in ("rgb", "flow"):  # each stream's per-epoch Keras logs (no validation split in --quick)
        assert {"loss", "accuracy"} <= set(row[stream]["history"]) and len(row[stream]["history"]["loss"]) == 1
    assert (tmp_path / "training_curves.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    second = _run(tmp_path, "--stream", "both")  # every stream finished: scores and flow are reused
    assert second.returncode == 0, second.stderr[-3000:]
    assert "scores from" in second.stdout and "[train]" not in second.stdout


def test_bad_options_fail_fast(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    result = subprocess.run([sys.executable, "-m", "keras_stvideo.cli", "reproduce", "tesnet", "--epochs", "0",
                             "--out", str(tmp_path)], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode != 0 and "--epochs must be positive" in (result.stderr + result.stdout)
    missing = subprocess.run([sys.executable, "-m", "keras_stvideo.cli", "reproduce", "tesnet", "--root",
                              str(tmp_path / "nowhere"), "--out", str(tmp_path)], capture_output=True, text=True,
                             timeout=300, env=env)
    assert missing.returncode != 0 and "index.json not found" in (missing.stderr + missing.stdout)


def test_save_results_writes_the_training_curves_beside_the_tables(tmp_path):
    from keras_stvideo.reproductions.tesnet.experiment import save_results
    from keras_stvideo.reproductions.tesnet.settings import TesnetSettings

    history = {"loss": [1.8, 1.5], "accuracy": [0.2, 0.4], "val_loss": [1.7, 1.6], "val_accuracy": [0.25, 0.3]}
    results = {"splits": {"1": {"rgb": {"top1": 30.0, "history": history}}}, "mean": {"rgb": 30.0}}
    save_results(results, tmp_path, TesnetSettings(), seed=0)
    assert json.loads((tmp_path / "results.json").read_text())["results"]["splits"]["1"]["rgb"]["history"] == history
    assert (tmp_path / "training_curves.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json", "results.md", "training_curves.png"]


def test_the_64_frame_pyramid_trains_at_the_papers_batch_of_8():
    """Huang & Bors 2020, section 3.3: "a rather small batch size of 8" for 64 frames (the pyramid preset)."""
    from keras_stvideo.models.tesnet.tesnet_presets import TESNET_PYRAMID_PAPER
    from keras_stvideo.reproductions.tesnet.settings import TesnetSettings

    pyramid = TesnetSettings(frames=64, setting=5, squeezed_frames=(16, 4))
    assert pyramid.batch_size == TESNET_PYRAMID_PAPER.training["batch_size"] == 8
    assert TesnetSettings().batch_size == 32
    assert TesnetSettings(frames=64, setting=5, squeezed_frames=(16, 4), batch_size=4).batch_size == 4


def test_an_input_too_small_for_inception_resnet_is_named_before_keras_loads():
    from keras_stvideo.reproductions.tesnet.settings import TesnetSettings

    with pytest.raises(ValueError, match=r"--input-size\) must be at least 75 for Inception-ResNet-V2 .*, got 40"):
        TesnetSettings(input_size=40)
