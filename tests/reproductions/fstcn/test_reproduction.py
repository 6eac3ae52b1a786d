"""``stvideo reproduce fstcn``: the quick pipeline end to end at a tiny size, the paper's setting at a tiny size on
a generated index, the resume, and the option checks that run before Keras loads."""

import argparse
import json

import pytest

from keras_stvideo import cli


def _parse(*argv):
    from keras_stvideo.reproductions.fstcn import reproduction

    parser = argparse.ArgumentParser()
    reproduction.add_arguments(parser)
    return reproduction.settings_from_args(parser.parse_args(list(argv)))


def test_quick_run_end_to_end_at_a_tiny_size(tmp_path, capsys):
    """24 generated videos, one epoch, one clip pair x 18 views per test video: every output is written."""
    out = tmp_path / "run"
    status = cli.main(["reproduce", "fstcn", "--quick", "--videos-per-class", "4", "--epochs", "1",
                       "--test-clips", "1", "--lower-filters", "8", "16", "16", "16", "--fc-units", "16", "16",
                       "--fusion-units", "16", "--out", str(out)])
    printed = capsys.readouterr()
    assert status == 0, printed.err[-3000:]
    results = json.loads((out / "results.json").read_text())
    measured = results["measured"]
    assert set(measured) == {"average", "sci", "chance"} and measured["chance"] == pytest.approx(100 / 6)
    for fusion in ("average", "sci"):
        assert set(measured[fusion]) == {"top1", "top5", "mean_class"}
        assert 0.0 <= measured[fusion]["top1"] <= measured[fusion]["top5"] <= 100.0
    assert results["results"]["test"]["videos"] == 6  # split 1 tests a quarter of 6 x 4
    assert results["paper_table2"]["FstCN (SCI fusion)"] == {"ucf101": 88.1, "hmdb51": 59.1}
    markdown = (out / "results.md").read_text()
    assert "SCI (Eqs. 5-7)" in markdown and "| Table 2 | FstCN (averaging fusion) | 87.9 | 58.6 |" in markdown
    assert "chance 16.7%" in markdown
    assert (out / "training_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "fstcn.keras").is_file() and (out / "data" / "index.json").is_file()
    assert "[train] epoch 1/1" in printed.out and "[result] sci" in printed.out


@pytest.mark.slow
def test_paper_setting_at_a_tiny_size_and_resume(tmp_path, capsys):
    """The paper's preset (its SGD, pixels scaled to [0, 1] inside, l_t 5, s_t 5, d_t 9: 30-frame pairs) on a
    generated index, shrunk by the options; the same command again reuses the trained model and the scores."""
    from keras_stvideo.data.motion_clips import MotionClips
    from keras_stvideo.saving import load_model
    from keras_stvideo.training.optimizers import CaffeSGD

    MotionClips(frame_size=32, num_frames=32, motions=("left", "right", "up"), seed=0).write(
        tmp_path / "videos", clips_per_class=4, clips_per_group=1, num_splits=3)
    out = tmp_path / "run"
    argv = ["reproduce", "fstcn", "--index", str(tmp_path / "videos" / "index.json"), "--input-size", "75",
            "--frame-size", "80", "80", "--epochs", "1", "--batch-size", "4", "--max-videos", "4",
            "--test-clips", "1", "--lower-filters", "8", "16", "16", "16", "--fc-units", "16", "16",
            "--fusion-units", "16", "--out", str(out)]
    assert cli.main(argv) == 0, capsys.readouterr().err[-3000:]
    first = capsys.readouterr().out
    assert "4 training and 3 test videos" in first and "[train] epoch 1/1" in first
    results = json.loads((out / "results.json").read_text())
    settings = results["settings"]
    assert (settings["preset"], settings["optimizer"], settings["clip_length"], settings["stride"],
            settings["diff_offset"]) == ("fstcn_paper", "caffe_sgd", 5, 5, 9)
    model = load_model(out / "fstcn.keras")
    assert isinstance(model.optimizer, CaffeSGD)
    lower = model.get_layer("lower_scls_per_frame").layer
    assert lower.get_layer("scale_pixels").scale == pytest.approx(1 / 255)  # the preset's [0, 1] clips
    assert results["measured"]["chance"] == pytest.approx(100 / 3)

    assert cli.main(argv) == 0
    second = capsys.readouterr().out
    assert "[train] done before" in second and "[train] epoch" not in second and "[test] 3 videos" not in second
    assert json.loads((out / "results.json").read_text())["measured"] == results["measured"]


@pytest.mark.parametrize("argv, message", [
    ([], "give --index"),
    (["--quick", "--index", "x.json"], "give one of them"),
    (["--quick", "--epochs", "0"], "--epochs must be positive"),
    (["--quick", "--input-size", "60"], "--input-size must be at least 75"),
    (["--quick", "--frame-size", "70", "90"], "--frame-size must be at least the 80-pixel crops"),
    (["--quick", "--learning-rate", "0"], "--learning-rate must be positive"),
    (["--quick", "--videos-per-class", "3"], "--videos-per-class must be at least 4"),
    (["--index", "x.json", "--videos-per-class", "8"], "--videos-per-class is for --quick"),
    (["--quick", "--fc-units", "0", "8"], "--fc-units must be positive"),
    (["--quick", "--max-videos", "0"], "--max-videos must be positive"),
])
def test_bad_options_name_the_option(argv, message):
    with pytest.raises(ValueError, match=message):
        _parse(*argv)


def test_settings_follow_the_presets():
    from keras_stvideo import get_preset

    quick = _parse("--quick")
    compare = get_preset("fstcn_compare")
    assert (quick.input_size, quick.clip_length, quick.lower_filters, quick.fc_units, quick.learning_rate,
            quick.input_scale) == (compare.config["input_size"], compare.config["clip_length"],
                                   tuple(compare.config["lower_filters"]), tuple(compare.config["fc_units"]),
                                   compare.training["learning_rate"], compare.training["input_scale"])
    assert quick.flip is False and quick.frame_size == (88, 88) and quick.chance == pytest.approx(100 / 6)
    paper = _parse("--index", "x.json")
    assert (paper.input_size, paper.batch_size, paper.optimizer, paper.span) == (204, 32, "caffe_sgd", 30)
    assert _parse("--quick", "--input-size", "96").frame_size == (104, 104)  # generated frames read a bit larger


def test_missing_index_and_split_fail_before_keras(tmp_path, capsys):
    assert cli.main(["reproduce", "fstcn", "--index", str(tmp_path / "none.json"), "--out", str(tmp_path)]) == 2
    assert "--index" in capsys.readouterr().err
