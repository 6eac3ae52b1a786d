import subprocess
import sys

import numpy as np
import pytest

from keras_stvideo import build_fstcn
from keras_stvideo.data.video_index import VideoEntry, VideoIndex
from keras_stvideo.models.fstcn.fstcn_video_inference import evaluate_fstcn, fstcn_test_pairs
from keras_stvideo.inference.fusion import average_fusion, sci_fusion
from tests.data.video_files import pattern_video, write_video


def test_test_pairs_follow_section_2_2():
    video = np.random.default_rng(0).integers(0, 255, (40, 8, 8, 3)).astype(np.uint8)
    pairs = fstcn_test_pairs(video, num_clips=3)
    assert len(pairs) == 3
    v_clip, v_diff = pairs[-1]
    indices = 10 + 5 * np.arange(5)  # the last start is 40 - 30 = 10
    np.testing.assert_array_equal(v_clip, video[indices].astype(np.float32))
    np.testing.assert_array_equal(v_diff, np.abs(video[indices].astype(np.float32) - video[indices + 9]))


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("videos")
    entries = []
    for i in range(2):
        write_video(root / f"v{i}.mp4", pattern_video(12, 120, 120))
        entries.append(VideoEntry(f"v{i}.mp4", i, {"split1": "test"}))
    return VideoIndex(root, ["a", "b"], entries)


def test_evaluate_fstcn_fuses_both_ways(small_index):
    model = build_fstcn(2, input_size=112, clip_length=2, fc_units=(8, 8), fusion_units=8)
    report = evaluate_fstcn(model, small_index, num_clips=1, stride=3, diff_offset=2, progress=False)
    assert report["average_scores"].shape == (2, 2) and report["sci_scores"].shape == (2, 2)
    np.testing.assert_array_equal(report["labels"], [0, 1])
    for fusion in ("average", "sci"):
        predicted = report[f"{fusion}_scores"].argmax(axis=1)
        assert report[fusion]["top1"] == pytest.approx(np.mean(predicted == [0, 1]))
        assert report[fusion]["mean_class"] == pytest.approx(np.mean(predicted == [0, 1]))  # one video per class
    # With one clip, SCI fusion is the SCI-weighted mean of the 18 views: recompute from the views.
    from keras_stvideo.data.video import read_video
    from keras_stvideo.inference.multiview import predict_video

    video = read_video(small_index.path_of(small_index.entries[0]))
    pairs = fstcn_test_pairs(video, 1, 2, 3, 2)
    views = predict_video(model, pairs, 112, make_inputs=lambda parts: list(parts))["scores"]
    np.testing.assert_allclose(report["sci_scores"][0], sci_fusion(views), rtol=1e-5)
    np.testing.assert_allclose(report["average_scores"][0], average_fusion(views), rtol=1e-5)


def test_evaluate_rejects_small_frames(small_index):
    model = build_fstcn(2, input_size=112, clip_length=2, fc_units=(8, 8), fusion_units=8)
    with pytest.raises(ValueError, match="smaller than the model's 112 x 112 crops"):
        evaluate_fstcn(model, small_index, num_clips=1, stride=3, diff_offset=2, frame_size=(64, 64), progress=False)


def test_evaluate_command(tmp_path, small_index):
    model = build_fstcn(2, input_size=112, clip_length=5, paths="scl", fc_units=(8, 8), fusion_units=8)
    model.save(tmp_path / "fstcn.keras")
    long_videos = []
    for i in range(2):
        write_video(tmp_path / "v" / f"{i}.mp4", pattern_video(30, 120, 120))
        long_videos.append(VideoEntry(f"v/{i}.mp4", i, {"split1": "test"}))
    VideoIndex(tmp_path, ["a", "b"], long_videos).save(tmp_path / "index.json")
    result = subprocess.run([sys.executable, "-m", "keras_stvideo.cli", "evaluate", str(tmp_path / "fstcn.keras"),
                             str(tmp_path / "index.json"), "--num-clips", "1"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2 videos, split1/test" in result.stdout
    assert "average" in result.stdout and "sci" in result.stdout
