"""``stvideo evaluate`` with a single-input clip classifier (C3D, TeSNet, CNN-LSTM, ST-CSAE LSTM): it dispatches to
``evaluate_clip_classifier`` and prints what that returns; FstCN's inputs still go to ``evaluate_fstcn``."""

import re

import numpy as np
import pytest

from keras_stvideo import cli
from keras_stvideo.data.video_index import VideoEntry, VideoIndex
from tests.data.video_files import pattern_video, write_video


@pytest.fixture(scope="module")
def index_path(tmp_path_factory):
    root = tmp_path_factory.mktemp("evaluate_videos")
    entries = []
    for number, (frames, label) in enumerate(((14, 0), (18, 1), (12, 1))):
        video = pattern_video(frames, 48, 64)
        video[..., number] //= 3
        write_video(root / "videos" / f"v{number}.mp4", video)
        entries.append(VideoEntry(f"v{number}.mp4", label, {"split1": "test"}))
    VideoIndex(root / "videos", ["a", "b"], entries).save(root / "index.json")
    return root / "index.json"


def _c3d(num_classes=2):
    import keras_stvideo

    tower = keras_stvideo.build_c3d_small((4, 16, 16, 3), filters=(4,) * 5, fc_units=16)
    return keras_stvideo.build_c3d_classifier(num_classes, tower=tower)


def _printed(out):
    """{fusion: (top-1, top-5, mean class)} from the command's table."""
    rows = {}
    for line in out.splitlines():
        match = re.match(r"(average|sci)\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%", line)
        if match:
            rows[match.group(1)] = tuple(float(v) for v in match.groups()[1:])
    return rows


def test_clip_classifier_is_evaluated_like_the_library(tmp_path, index_path, capsys):
    from keras_stvideo.inference.clip_classifier import evaluate_clip_classifier

    model = _c3d()
    model.save(tmp_path / "c3d.keras")
    assert cli.main(["evaluate", str(tmp_path / "c3d.keras"), str(index_path), "--num-clips", "3"]) == 0
    printed = _printed(capsys.readouterr().out)
    report = evaluate_clip_classifier(model, VideoIndex.load(index_path), num_clips=3, progress=False)
    for fusion in ("average", "sci"):
        expected = [100 * report[fusion][k] for k in ("top1", "top5", "mean_class")]
        np.testing.assert_allclose(printed[fusion], expected, atol=0.006)


def test_fully_convolutional_tesnet_takes_frame_size(tmp_path, index_path, capsys):
    import keras

    import keras_stvideo

    frames = keras.Input((None, None, 3))
    backbone = keras.Model(frames, keras.layers.Conv2D(4, 3, strides=2)(frames))
    keras_stvideo.build_tesnet(2, frames=6, setting=1, input_size=None, backbone=backbone).save(
        tmp_path / "tesnet.keras")
    assert cli.main(["evaluate", str(tmp_path / "tesnet.keras"), str(index_path), "--frame-size", "24", "32",
                     "--num-clips", "2"]) == 0
    assert set(_printed(capsys.readouterr().out)) == {"average", "sci"}


def test_clip_classifier_errors_name_the_problem(tmp_path, index_path, capsys):
    _c3d(num_classes=3).save(tmp_path / "three.keras")
    assert cli.main(["evaluate", str(tmp_path / "three.keras"), str(index_path)]) == 2
    error = capsys.readouterr().err
    assert "predicts 3 classes" in error and "has 2" in error
    _c3d().save(tmp_path / "c3d.keras")
    assert cli.main(["evaluate", str(tmp_path / "c3d.keras"), str(index_path), "--frame-size", "32", "32"]) == 2
    assert "takes frames of 16 x 16" in capsys.readouterr().err


def test_fstcn_inputs_keep_fstcn_protocol():
    import keras

    from keras_stvideo.commands.evaluate import model_kind

    pair = [keras.Input((2, 8, 8, 3), name="v_clip"), keras.Input((2, 8, 8, 3), name="v_diff")]
    added = keras.layers.Flatten()(keras.layers.Add()(pair))
    assert model_kind(keras.Model(pair, keras.layers.Dense(2)(added))) == "fstcn"
    tcl_only = keras.Input((2, 8, 8, 3), name="v_diff")  # FstCN's single-path variant
    assert model_kind(keras.Model(tcl_only, keras.layers.Dense(2)(keras.layers.Flatten()(tcl_only)))) == "fstcn"
    assert model_kind(_c3d()) == "clip"
