"""experiments/shan2017/compare.py: an interrupted stage 1 resumes at its next epoch and ends where a straight run
does.
"""

import json

import pytest

from tests.experiments.scripts import load_experiment


def compare(tmp_path, name, epochs, capsys):
    options = ["--out", str(tmp_path / name), "--state-dir", str(tmp_path / f"{name}_state"), "--encoders", "lenet",
               "--variants", "normal", "--modes", "frozen", "--train-videos", "100", "--test-per-class", "1",
               "--epochs", "1", "--pretrain-digits", "256", "--pretrain-test-digits", "100", "--workers", "1",
               "--min-gain", "-100", "--pretrain-max-epochs", str(epochs)]
    load_experiment("shan2017", "compare").main(options)
    payload = json.loads((tmp_path / name / "shan2017_compare.json").read_text())
    return payload, capsys.readouterr().out


@pytest.mark.slow  # four small runs of the script
def test_an_interrupted_stage_one_resumes_at_its_next_epoch(tmp_path, capsys):
    straight, _ = compare(tmp_path, "straight", 2, capsys)
    first, _ = compare(tmp_path, "resumed", 1, capsys)
    # The run stopped after epoch 1 (before its weights and record were written): the same command resumes it.
    state = tmp_path / "resumed_state"
    for stage_one_output in state.glob("lenet_pretrained.*"):
        stage_one_output.unlink()
    (tmp_path / "resumed" / "shan2017_compare.json").unlink()
    resumed, log = compare(tmp_path, "resumed", 2, capsys)
    assert "[lenet] stage 1 resumed after epoch 1" in log
    curve = resumed["pretraining"]["lenet"]["digit_accuracy_per_epoch"]
    assert curve[:1] == first["pretraining"]["lenet"]["digit_accuracy_per_epoch"]
    assert curve == straight["pretraining"]["lenet"]["digit_accuracy_per_epoch"]
    assert resumed["rows"][0]["test_loss"] == pytest.approx(straight["rows"][0]["test_loss"], rel=1e-5)
    # A finished stage 1 is restored whole: its record and its weights give the same row again.
    (tmp_path / "resumed" / "shan2017_compare.json").unlink()
    again, log = compare(tmp_path, "resumed", 2, capsys)
    assert "stage 1 restored from" in log
    assert again["rows"][0]["test_loss"] == pytest.approx(straight["rows"][0]["test_loss"], rel=1e-5)


@pytest.mark.parametrize("curve, patience, converged", [
    ([90.0, 95.0], 1, False),
    ([90.0, 95.0, 95.1], 1, True),  # 0.1 point over the best earlier epoch
    ([91.5, 91.3], 1, True),  # a noisy epoch stops a run with patience 1 (STN-LeNet on the H100)
    ([91.5, 91.3], 2, False),  # ... and not with patience 2
    ([91.5, 91.3, 94.0], 2, False),
    ([91.5, 91.3, 94.0, 93.0, 94.1], 2, True),  # two epochs in a row at most 0.1 over 94.0
    ([91.5, 91.3, 94.0, 93.0, 94.3], 2, False),
])
def test_stage_one_converges_after_patience_epochs_in_a_row_without_the_minimum_gain(curve, patience, converged):
    assert load_experiment("shan2017", "compare")._converged(curve, 0.2, patience) is converged
