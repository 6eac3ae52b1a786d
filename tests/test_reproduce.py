import json
import subprocess
import sys

from keras_stvideo.experiments.shan2017 import PAPER_RESULTS, markdown_table


def test_paper_table_is_complete():
    assert set(PAPER_RESULTS) == {"normal", "rotation", "scaling", "rotation_scaling", "elastic"}
    for row in PAPER_RESULTS.values():
        assert set(row) == {"lenet", "stn", "dcn"}


def test_reproduce_command_writes_tables(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "keras_stvideo.cli", "reproduce", "shan2017", "--quick", "--models", "lenet",
         "--variants", "rotation", "--protocols", "clean", "--epochs", "1", "--pretrain-samples", "256",
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    payload = json.loads((tmp_path / "results.json").read_text())
    (row,) = payload["results"]
    assert row["model"] == "lenet" and row["variant"] == "rotation" and row["protocol"] == "clean"
    assert (row["paper_loss"], row["paper_accuracy"]) == PAPER_RESULTS["rotation"]["lenet"]
    assert 0.0 <= row["test_accuracy"] <= 100.0 and row["test_loss"] > 0
    assert payload["settings"]["lstm_epochs"] == 1
    assert markdown_table(payload["results"]) in (tmp_path / "results.md").read_text()
    assert "| rotation | LeNet-LSTM | clean |" in result.stdout


def test_reproduce_rejects_bad_counts(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "keras_stvideo.cli", "reproduce", "shan2017", "--epochs", "0", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2 and "--epochs must be positive, got 0" in result.stderr
