"""The figures written beside results: confusion counts against a loop, PNG files written whole, bad input named."""

import numpy as np
import pytest

from keras_stvideo.plots import (claim_arms_figure, clip_grid_figure, confusion_matrix, confusion_matrix_figure,
                                 training_curves)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_confusion_matrix_counts_pairs():
    rng = np.random.default_rng(0)
    labels, predictions = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    expected = np.zeros((4, 4), int)
    for true, predicted in zip(labels, predictions):
        expected[true, predicted] += 1
    np.testing.assert_array_equal(confusion_matrix(labels, predictions, 4), expected)


def test_confusion_matrix_names_values_outside_the_classes():
    with pytest.raises(ValueError, match=r"predictions must lie in \[0, 3\)"):
        confusion_matrix([0, 1], [0, 3], 3)
    with pytest.raises(ValueError, match="same shape"):
        confusion_matrix([0, 1], [0], 3)


def test_figures_are_written_as_png(tmp_path):
    history = {"loss": [1.0, 0.5], "accuracy": [0.4, 0.8], "val_loss": [1.1, 0.7], "val_accuracy": [0.3, 0.6]}
    record = {"paper": "Sun et al. 2015", "method": "SCI", "control": "average", "verdict": "inconclusive",
              "method_accuracy": [50.0, 55.0, 52.0], "control_accuracy": [49.0, 56.0, 50.0]}
    for name, draw in (("curves", lambda p: training_curves({"FstCN": history}, path=p)),
                       ("confusion", lambda p: confusion_matrix_figure([0, 1, 1], [0, 1, 0], ["a", "b"], path=p)),
                       ("claim", lambda p: claim_arms_figure(record, path=p, chance=100 / 6)),
                       ("clips", lambda p: clip_grid_figure(np.zeros((4, 5, 8, 8)), [1, 0, 1, 1], ["a", "b"],
                                                            path=p))):
        path = tmp_path / "sub" / f"{name}.png"
        figure = draw(path)
        assert path.read_bytes()[:8] == PNG_SIGNATURE
        assert figure.axes
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["claim.png", "clips.png", "confusion.png",
                                                                    "curves.png"]


def test_clip_grid_shows_the_first_clips_of_each_class_at_evenly_spaced_frames():
    clips = np.arange(6)[:, None, None, None] * 10 + np.arange(11)[None, :, None, None] + np.zeros((6, 11, 4, 4))
    labels = [1, 0, 1, 0, 1, 0]
    figure = clip_grid_figure(clips, labels, ["zero", "one"], per_class=2, num_frames=3, title="t")
    axes = np.asarray(figure.axes).reshape(4, 3)
    shown = [[axis.images[0].get_array()[0, 0] for axis in row] for row in axes]
    # rows: clips 1, 3 (class 0), then 0, 2 (class 1); columns: frames 0, 5, 10
    assert shown == [[10, 15, 20], [30, 35, 40], [0, 5, 10], [20, 25, 30]]
    assert [axis.get_title() for axis in axes[0]] == ["frame 0", "frame 5", "frame 10"]
    assert [row[0].get_ylabel() for row in axes] == ["zero", "zero", "one", "one"]


def test_training_curves_need_a_known_metric():
    with pytest.raises(ValueError, match="no history holds any of"):
        training_curves({"run": {"mae": [1.0]}})
