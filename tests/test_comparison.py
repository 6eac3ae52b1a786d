"""``stvideo compare``: every method present trains on the shared generated task; absent ones are listed."""

import json

import pytest

from keras_stvideo import comparison
from keras_stvideo.cli import main


def test_settings_are_validated():
    with pytest.raises(ValueError, match="epochs must be a positive integer, got 0"):
        comparison.CompareSettings(epochs=0)
    with pytest.raises(ValueError, match="method must be one of"):
        comparison.load_recipe("c3d")


def test_markdown_lists_missing_methods():
    rows = [{"method": "tesnet", "status": "not yet there"},
            {"method": "fstcn", "status": "measured", "paper": "Sun et al. 2015", "reduced": "smaller",
             "accuracy": 50.0, "train_accuracy": 75.0, "parameters": 1234, "train_seconds": 3.0,
             "clips_per_second": 10.0}]
    table = comparison.markdown_table(rows, comparison.CompareSettings.smoke())
    assert "| tesnet | | not yet there |" in table
    assert "| fstcn | Sun et al. 2015 | 50.0% | 75.0% | 1,234 | 3 s | 10.0 clips/s | smaller |" in table
    assert table.count("| --- ") == 8  # one separator per column


@pytest.mark.slow
def test_compare_command_trains_every_present_method(tmp_path):
    assert main(["compare", "--smoke", "--out", str(tmp_path)]) == 0
    payload = json.loads((tmp_path / "comparison.json").read_text())
    rows = {row["method"]: row for row in payload["rows"]}
    assert list(rows) == list(comparison.METHODS)
    for method, row in rows.items():
        present = comparison.load_recipe(method) is not None
        assert row["status"] == ("measured" if present else "not yet there")
        if present:
            assert 0 <= row["accuracy"] <= 100 and row["parameters"] > 0 and row["clips_per_second"] > 0
    assert (tmp_path / "comparison.md").read_text().count("\n| ") == 2 + len(rows)  # header, separator, a row per method


def test_stcsae_splits_the_epochs_between_its_stages():
    from keras_stvideo.models.stcsae.comparison import stage_epochs

    assert [stage_epochs(e) for e in (1, 2, 4, 5)] == [(1, 1), (1, 1), (2, 2), (2, 3)]


def test_siamese_pairs_are_mined_without_labels_in_balanced_batches():
    import numpy as np

    from keras_stvideo.models.siamese_c3d.comparison import mine_pairs, volume_shape

    rng = np.random.default_rng(0)
    videos = rng.random((6, 8, 4, 4, 3)).astype("float32")
    assert volume_shape(videos) == (4, 4, 4)
    first, second, y = mine_pairs(videos, 15, 8, rng)  # rounded up to 2 batches of 8
    assert first.shape == second.shape == (16, 4, 4, 4, 3)
    assert set(np.unique(y)) == {-1, 1}
    assert [int((y[i : i + 8] == 1).sum()) for i in (0, 8)] == [2, 2]  # round(0.3 * 8) positives per batch


def test_tesnet_recipe_keeps_the_ts_layer_on_a_small_backbone():
    import numpy as np

    from keras_stvideo.layers import TemporalSqueeze
    from keras_stvideo.models.tesnet.comparison import build_small_backbone, to_pixels
    from keras_stvideo.models.tesnet.tesnet_model import build_tesnet

    pixels = to_pixels(np.full((2, 3, 8, 8, 3), 0.5, "float32"))
    assert pixels.dtype == np.uint8 and np.all(pixels == 128)  # 0.5 * 255 = 127.5 rounds to 128
    backbone = build_small_backbone((32, 32, 3))
    assert tuple(backbone.output.shape[1:]) == (8, 8, 64)
    model = build_tesnet(6, frames=16, setting=1, backbone=backbone)
    squeeze = [layer for layer in model.layers if isinstance(layer, TemporalSqueeze)]
    assert len(squeeze) == 1 and squeeze[0].squeezed_frames == 3  # Table 1, setting 1: K = 16 -> D = 3


def test_reference_model_is_the_motion_clips_test_model():
    from keras_stvideo.comparison_reference import build_reference

    model = build_reference((8, 32, 32, 3), 6)
    # Conv3D 3x3x3 on 6 channels (frames and differences) -> 16, then 16 -> 32, then Dense 32 -> 6
    assert model.count_params() == (27 * 6 * 16 + 16) + (27 * 16 * 32 + 32) + (32 * 6 + 6)
    assert model.get_layer("differences").output.shape[1] == 7  # frames 2..T minus frames 1..T-1


def test_merge_replaces_only_the_rerun_methods(tmp_path):
    settings = comparison.CompareSettings.smoke()
    row = {"status": "measured", "paper": "p", "reduced": "r", "accuracy": 20.0, "train_accuracy": 20.0,
           "parameters": 10, "train_seconds": 1.0, "clips_per_second": 5.0}
    previous = {"settings": comparison.dataclasses.asdict(settings), "seconds": 600.0,
                "rows": [dict(row, method="fstcn"), dict(row, method="tesnet")]}
    merged = comparison.merge_comparison(previous, [dict(row, method="fstcn", accuracy=55.0)], settings, 120.0)
    assert [(r["method"], r["accuracy"]) for r in merged["rows"]] == [("fstcn", 55.0), ("tesnet", 20.0)]
    assert merged["seconds"] == 600.0 and merged["reruns"] == [{"methods": ["fstcn"], "seconds": 120.0}]
    with pytest.raises(ValueError, match="--merge needs a comparison of the same settings"):
        comparison.merge_comparison(previous, [], comparison.CompareSettings.quick(), 0.0)
    comparison.save_comparison(merged["rows"], settings, tmp_path, merged["seconds"], reruns=merged["reruns"])
    text = (tmp_path / "comparison.md").read_text()
    assert "took 10.0 minutes" in text and "(`--merge`): fstcn, in 2.0 minutes" in text
    assert json.loads((tmp_path / "comparison.json").read_text())["reruns"] == merged["reruns"]


def test_compare_merge_needs_an_existing_file(tmp_path, capsys):
    assert main(["compare", "--smoke", "--out", str(tmp_path), "--merge", str(tmp_path / "missing.json")]) == 2
    assert "--merge must be an existing comparison.json" in capsys.readouterr().err


def test_fstcn_pairs_are_in_caffe_pixel_range():
    import numpy as np

    from keras_stvideo.models.fstcn import comparison as fstcn

    clips = np.zeros((1, 13, 32, 32, 3), np.float32)
    clips[0, fstcn.DIFF_OFFSET:] = 1.0  # a jump from black to white: |V(i) - V(i + d)| = 1 at the first index
    v_clip, v_diff = fstcn.clip_pairs(clips, np.zeros(1, int))
    assert v_clip.shape == (1, fstcn.CLIP_LENGTH, fstcn.INPUT_SIZE, fstcn.INPUT_SIZE, 3)
    np.testing.assert_allclose(v_clip[0, 0], 0.0)
    np.testing.assert_allclose(v_clip[0, 1], 255.0)
    np.testing.assert_allclose(v_diff[0, 0], 255.0)
    np.testing.assert_allclose(v_diff[0, 1], 0.0)
