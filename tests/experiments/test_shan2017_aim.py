"""experiments/shan2017/aim.py: stage 1 on turned digits, then new videos every epoch, each epoch recorded."""

import json
import math

import pytest

from tests.experiments.scripts import load_experiment


@pytest.mark.slow  # a small stage 1 and two small epochs of fine-tuning
def test_the_aim_records_its_stage_one_and_every_epoch_of_new_videos(tmp_path):
    load_experiment("shan2017", "aim").main([
        "--out", str(tmp_path), "--encoder", "lenet", "--pretrain-digits", "256", "--pretrain-epochs", "2",
        "--pretrain-test-digits", "100", "--pretrain-rotation", "--videos-per-epoch", "100", "--test-per-class", "1",
        "--max-epochs", "2", "--workers", "2"])
    record = json.loads((tmp_path / "shan2017_aim_lenet.json").read_text())
    assert len(record["stage1"]["digit_accuracy_per_epoch"]) == 2
    assert record["stage1"]["rotation_range"] == pytest.approx([0.0, 2 * math.pi])
    stage2 = record["stage2"]
    assert stage2["epochs"] == stage2["full_epochs"] == 2 and stage2["videos_in_full_epochs"] == 200
    assert not stage2["last_epoch_cut_by_the_budget"]
    for curve in ("test_accuracy_per_epoch", "test_loss_per_epoch", "train_accuracy_per_epoch"):
        assert len(stage2[curve]) == 2
    assert record["test_videos"] == 100  # the comparison's clean Rotation+Scaling test set, one per class
    assert 0 <= stage2["test_accuracy"] <= 100 and stage2["test_loss"] > 0



@pytest.mark.slow  # a small stage 1 and two small epochs, the second in a resumed run
def test_a_run_with_a_state_folder_resumes_after_its_last_epoch_and_refuses_other_settings(tmp_path):
    script = load_experiment("shan2017", "aim")
    common = ["--out", str(tmp_path / "out"), "--state-dir", str(tmp_path / "state"), "--encoder", "lenet",
              "--pretrain-digits", "256", "--pretrain-epochs", "1", "--pretrain-test-digits", "100",
              "--videos-per-epoch", "100", "--test-per-class", "1", "--workers", "1"]
    script.main(common + ["--max-epochs", "1", "--seconds", "0.001"])  # the budget cuts the first epoch short
    first = json.loads((tmp_path / "out" / "shan2017_aim_lenet.json").read_text())
    assert first["stage2"]["epochs_cut_by_the_budget"] == [1] and first["stage2"]["full_epochs"] == 0
    assert (tmp_path / "state" / "stage1.weights.h5").exists()
    assert (tmp_path / "state" / "stage2" / "epoch-1.weights.h5").exists()

    script.main(common + ["--max-epochs", "2"])
    second = json.loads((tmp_path / "out" / "shan2017_aim_lenet.json").read_text())
    assert second["stage1"] == first["stage1"]  # restored, not trained again
    assert second["stage2"]["epochs"] == 2 and len(second["stage2"]["test_accuracy_per_epoch"]) == 2
    assert second["stage2"]["epochs_cut_by_the_budget"] == [1] and second["stage2"]["full_epochs"] == 1
    assert not second["stage2"]["last_epoch_cut_by_the_budget"]
    for curve in ("test_accuracy_per_epoch", "test_loss_per_epoch", "train_accuracy_per_epoch"):
        assert second["stage2"][curve][0] == first["stage2"][curve][0]
    assert second["stage2"]["seconds"] > first["stage2"]["seconds"]  # the earlier run's time counts
    assert sorted(p.name for p in (tmp_path / "state" / "stage2").glob("*.h5")) == ["epoch-2.weights.h5"]

    with pytest.raises(ValueError, match="other settings.*learning_rate"):
        script.main(common + ["--max-epochs", "3", "--learning-rate", "0.01"])
