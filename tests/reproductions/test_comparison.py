"""``stvideo compare``: every method present trains on the shared generated task; absent ones are listed."""

import json

import pytest

from keras_stvideo.reproductions import comparison
from keras_stvideo.cli import main


def test_settings_are_validated():
    with pytest.raises(ValueError, match="epochs must be a positive integer, got 0"):
        comparison.CompareSettings(epochs=0)
    with pytest.raises(ValueError, match="method must be one of"):
        comparison.load_recipe("c3d")


def _row(method, seed, accuracy, **changes):
    row = {"method": method, "seed": seed, "status": "measured", "paper": "Sun et al. 2015", "reduced": "smaller",
           "accuracy": accuracy, "train_accuracy": 75.0, "parameters": 1234, "train_seconds": 3.0,
           "clips_per_second": 10.0}
    return dict(row, **changes)


def test_markdown_lists_missing_methods():
    rows = [{"method": "tesnet", "seed": 0, "status": "not yet there"}, _row("fstcn", 0, 50.0)]
    table = comparison.markdown_table(rows, comparison.CompareSettings.smoke())
    assert "| tesnet | | not yet there |" in table
    assert "| fstcn | Sun et al. 2015 | 50.0 ± 0.0% | 50.0 | 75.0% | 1,234 | 3 s | 10.0 clips/s | smaller |" in table
    assert table.count("| --- ") == 9  # one separator per column


def test_summary_gives_each_methods_mean_spread_and_seeds():
    import numpy as np

    accuracies = [40.0, 52.5, 47.0]
    rows = [_row("reference", seed, a, train_seconds=seed + 1.0) for seed, a in enumerate(accuracies)]
    rows.append(_row("fstcn", 0, 30.0))
    summary = comparison.summarize(rows)
    assert [row["method"] for row in summary] == ["fstcn", "reference"]  # METHODS order
    reference = summary[1]
    assert reference["seeds"] == [0, 1, 2] and reference["accuracies"] == accuracies
    assert reference["accuracy_mean"] == pytest.approx(np.mean(accuracies))
    assert reference["accuracy_std"] == pytest.approx(np.std(accuracies, ddof=1))
    assert reference["accuracy_min"] == 40.0 and reference["train_seconds_mean"] == pytest.approx(2.0)
    assert summary[0]["accuracy_std"] == 0.0  # one seed: no spread
    table = comparison.markdown_table(rows, comparison.CompareSettings.smoke())
    assert f"| {np.mean(accuracies):.1f} ± {np.std(accuracies, ddof=1):.1f}% | 40.0, 52.5, 47.0 |" in table
    assert "seeds 0, 1, 2" in table


def test_validation_split_holds_out_the_last_fifth_of_the_training_clips():
    import dataclasses

    import numpy as np

    settings = dataclasses.replace(comparison.CompareSettings.smoke(), train_clips=10, num_frames=4)
    full = comparison.make_task(settings)
    held_out = comparison.make_task(dataclasses.replace(settings, validation=True))
    assert len(held_out.x_train) == 8 and len(held_out.x_test) == 2
    np.testing.assert_array_equal(held_out.x_test, full.x_train[8:])  # validation clips are training clips
    np.testing.assert_array_equal(held_out.y_train, full.y_train[:8])
    assert not np.array_equal(full.x_test[:2], held_out.x_test)  # never the test clips


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
    # header, separator, a row per method
    assert (tmp_path / "comparison.md").read_text().count("\n| ") == 2 + len(rows)


def test_stcsae_splits_the_epochs_between_its_stages():
    from keras_stvideo.reproductions.stcsae.comparison import stage_epochs

    assert [stage_epochs(e) for e in (1, 2, 4, 5, 10)] == [(1, 1), (1, 1), (1, 3), (1, 4), (3, 7)]


def test_siamese_pairs_are_mined_without_labels_in_balanced_batches():
    import numpy as np

    from keras_stvideo.reproductions.siamese_c3d.comparison import mine_pairs, volume_shape

    rng = np.random.default_rng(0)
    videos = rng.random((6, 8, 4, 4, 3)).astype("float32")
    assert volume_shape(videos) == (4, 4, 4)
    first, second, y = mine_pairs(videos, 15, 8, rng)  # rounded up to 2 batches of 8
    assert first.shape == second.shape == (16, 4, 4, 4, 3)
    assert set(np.unique(y)) == {-1, 1}
    assert [int((y[i : i + 8] == 1).sum()) for i in (0, 8)] == [2, 2]  # round(0.3 * 8) positives per batch


def test_siamese_recipe_mines_with_its_transform_setting(monkeypatch):
    import numpy as np

    from keras_stvideo.data import samplers
    from keras_stvideo.reproductions.siamese_c3d import comparison as recipe

    seen = []
    original = samplers.sample_volume_pairs
    monkeypatch.setattr(samplers, "sample_volume_pairs", lambda *a, **k: seen.append(k) or original(*a, **k))
    recipe.mine_pairs(np.random.default_rng(0).random((4, 8, 4, 4, 3)).astype("float32"), 8, 8,
                      np.random.default_rng(0))
    assert seen and all(k["transform_on"] == recipe.TRANSFORM_ON for k in seen)


def test_tesnet_recipe_keeps_the_ts_layer_on_a_small_backbone():
    import numpy as np

    from keras_stvideo.layers import TemporalSqueeze
    from keras_stvideo.reproductions.tesnet.comparison import build_small_backbone, to_pixels
    from keras_stvideo.models.tesnet.tesnet_classifier import build_tesnet

    pixels = to_pixels(np.full((2, 3, 8, 8, 3), 0.5, "float32"))
    assert pixels.dtype == np.uint8 and np.all(pixels == 128)  # 0.5 * 255 = 127.5 rounds to 128
    backbone = build_small_backbone((32, 32, 3))
    assert tuple(backbone.output.shape[1:]) == (8, 8, 64)
    model = build_tesnet(6, frames=16, setting=1, backbone=backbone)
    squeeze = [layer for layer in model.layers if isinstance(layer, TemporalSqueeze)]
    assert len(squeeze) == 1 and squeeze[0].squeezed_frames == 3  # Table 1, setting 1: K = 16 -> D = 3


def test_reference_model_is_the_motion_clips_test_model():
    from keras_stvideo.reproductions.comparison_reference import build_reference

    model = build_reference((8, 32, 32, 3), 6)
    # Conv3D 3x3x3 on 6 channels (frames and differences) -> 16, then 16 -> 32, then Dense 32 -> 6
    assert model.count_params() == (27 * 6 * 16 + 16) + (27 * 16 * 32 + 32) + (32 * 6 + 6)
    assert model.get_layer("differences").output.shape[1] == 7  # frames 2..T minus frames 1..T-1


def test_merge_replaces_only_the_rerun_methods(tmp_path):
    settings = comparison.CompareSettings.smoke()
    previous = {"settings": comparison.dataclasses.asdict(settings), "seconds": 600.0,
                "rows": [_row(method, seed, 20.0) for seed in (0, 1) for method in ("fstcn", "tesnet")]}
    merged = comparison.merge_comparison(previous, [_row("fstcn", 1, 55.0)], settings, 120.0)
    assert [(r["method"], r["seed"], r["accuracy"]) for r in merged["rows"]] == [
        ("fstcn", 0, 20.0), ("tesnet", 0, 20.0), ("fstcn", 1, 55.0), ("tesnet", 1, 20.0)]
    assert merged["seconds"] == 600.0
    assert merged["reruns"] == [{"methods": ["fstcn"], "seeds": [1], "seconds": 120.0}]
    with pytest.raises(ValueError, match="--merge needs a comparison of the same settings"):
        comparison.merge_comparison(previous, [], comparison.CompareSettings.quick(), 0.0)
    comparison.save_comparison(merged["rows"], settings, tmp_path, merged["seconds"], reruns=merged["reruns"])
    text = (tmp_path / "comparison.md").read_text()
    assert "took 10.0 minutes" in text and "(`--merge`): fstcn, in 2.0 minutes" in text
    payload = json.loads((tmp_path / "comparison.json").read_text())
    assert payload["reruns"] == merged["reruns"] and payload["seeds"] == [0, 1]
    assert [row["accuracies"] for row in payload["summary"]] == [[20.0, 55.0], [20.0, 20.0]]
    assert (tmp_path / "comparison.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_merge_needs_an_existing_file(tmp_path, capsys):
    assert main(["compare", "--smoke", "--out", str(tmp_path), "--merge", str(tmp_path / "missing.json")]) == 2
    assert "--merge comparison.json not found" in capsys.readouterr().err


def test_fstcn_pairs_are_in_caffe_pixel_range():
    import numpy as np

    from keras_stvideo.reproductions.fstcn import comparison as fstcn

    clips = np.zeros((1, 13, 32, 32, 3), np.float32)
    clips[0, fstcn.DIFF_OFFSET:] = 1.0  # a jump from black to white: |V(i) - V(i + d)| = 1 at the first index
    v_clip, v_diff = fstcn.clip_pairs(clips, np.zeros(1, int))
    assert v_clip.shape == (1, fstcn.CLIP_LENGTH, fstcn.INPUT_SIZE, fstcn.INPUT_SIZE, 3)
    np.testing.assert_allclose(v_clip[0, 0], 0.0)
    np.testing.assert_allclose(v_clip[0, 1], 255.0)
    np.testing.assert_allclose(v_diff[0, 0], 255.0)
    np.testing.assert_allclose(v_diff[0, 1], 0.0)
