"""ASLAN same/not-same (Paul et al. 2018, Table 3, Fig. 5): ROC and AUC against brute force, the 10-fold protocol,
and the data script plus evaluation on a generated copy in the split-file format."""

import subprocess
import sys
import pathlib

import numpy as np
import pytest

from keras_stvideo.models.siamese_c3d import build_c3d_small
from keras_stvideo.models.siamese_c3d.aslan import (
    best_threshold,
    evaluate_aslan,
    load_pairs,
    roc_auc,
    roc_curve,
    ten_fold_evaluation,
)
from tests.data.video_files import pattern_video, write_video

ROOT = pathlib.Path(__file__).resolve().parents[3]


def mann_whitney_auc(labels, scores):
    pos, neg = scores[labels == 1], scores[labels == 0]
    return np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg])


def test_auc_equals_the_mann_whitney_statistic_with_ties():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 200)
    scores = np.round(labels * 0.7 + rng.normal(size=200), 1)  # rounded: many ties
    np.testing.assert_allclose(roc_auc(labels, scores), mann_whitney_auc(labels, scores), atol=1e-12)
    fpr, tpr, _ = roc_curve(labels, scores)
    assert fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1 and np.all(np.diff(fpr) >= 0)
    assert roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]) == 1.0
    with pytest.raises(ValueError, match="both"):
        roc_auc([1, 1], [0.2, 0.3])


def test_ten_fold_protocol_thresholds_on_the_other_folds():
    rng = np.random.default_rng(1)
    labels = [rng.integers(0, 2, 60) for _ in range(10)]
    scores = [fold + rng.normal(scale=0.8, size=60) for fold in labels]
    result = ten_fold_evaluation(scores, labels)
    assert len(result["fold_accuracies"]) == 10
    k = 3
    threshold = best_threshold(np.concatenate(labels[:k] + labels[k + 1:]), np.concatenate(scores[:k] + scores[k + 1:]))
    assert result["thresholds"][k] == threshold
    assert result["fold_accuracies"][k] == np.mean((scores[k] >= threshold) == labels[k].astype(bool))
    assert 65 < result["accuracy"] < 85 and 75 < result["auc"] < 92  # separable at d' = 1.25


def _generated_aslan(tmp_path, folds=3, pairs=4):
    videos = tmp_path / "videos"
    protocol = tmp_path / "protocol"
    protocol.mkdir()
    for i in range(6):
        frames = pattern_video(20, 24, 24)
        frames[..., i % 3] = 40 * i
        write_video(videos / f"{i + 1}.avi", frames)
    rng = np.random.default_rng(0)
    for k in range(folds):
        lines = [f"{rng.integers(1, 7)} {rng.integers(1, 7)} {j % 2}" for j in range(pairs)]
        (protocol / f"split_{k + 1}.txt").write_text("\n".join(lines) + "\n")
    return videos, protocol


def test_data_script_and_evaluation_on_a_generated_copy(tmp_path):
    videos, protocol = _generated_aslan(tmp_path)
    out = tmp_path / "pairs.json"
    result = subprocess.run([sys.executable, "data_scripts/aslan.py", "--videos", str(videos), "--protocol",
                             str(protocol), "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "3 folds, 12 pairs (6 same, 6 not same)" in result.stdout
    root, folds = load_pairs(out)
    assert len(folds) == 3 and folds[0][0][0].endswith(".avi") and folds[0][1][2] == 1
    tower = build_c3d_small((4, 16, 16, 3), filters=(4,) * 5, fc_units=16)
    evaluation = evaluate_aslan(tower, out, num_volumes=2, frame_size=(20, 20), progress=None)
    assert 0 <= evaluation["accuracy"] <= 100 and 0 <= evaluation["auc"] <= 100
    assert len(evaluation["scores"]) == 3 and len(evaluation["scores"][0]) == 4


def test_data_script_errors_name_the_line(tmp_path):
    videos, protocol = _generated_aslan(tmp_path)
    (protocol / "split_2.txt").write_text("1 2 yes\n")
    result = subprocess.run([sys.executable, "data_scripts/aslan.py", "--videos", str(videos), "--protocol",
                             str(protocol), "--out", str(tmp_path / "p.json")], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and "split_2.txt:1" in result.stderr
    (protocol / "split_2.txt").write_text("1 99 1\n")
    result = subprocess.run([sys.executable, "data_scripts/aslan.py", "--videos", str(videos), "--protocol",
                             str(protocol), "--out", str(tmp_path / "p.json")], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and "'99'" in result.stderr
