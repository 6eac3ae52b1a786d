import numpy as np
import pytest

from keras_stvideo.inference import (
    average_fusion,
    crop_boxes,
    eighteen_views,
    mean_class_accuracy,
    sci_fusion,
    sparsity_concentration_index,
    top_k_accuracy,
)


def test_sci_known_answers():
    assert sparsity_concentration_index(np.full(10, 0.1)) == pytest.approx(0.0)
    assert sparsity_concentration_index(np.eye(10)[3]) == pytest.approx(1.0)
    p = np.array([0.5, 0.25, 0.25])
    assert sparsity_concentration_index(p) == pytest.approx((3 * 0.5 / 1.0 - 1) / 2)  # Eq. 5
    np.testing.assert_allclose(sparsity_concentration_index(np.stack([p, np.eye(3)[0]])), [0.25, 1.0])
    with pytest.raises(ValueError, match="non-negative"):
        sparsity_concentration_index(np.array([0.5, -0.1]))


def numpy_sci_fusion(scores):
    clips = []
    for clip in scores:
        weights = [(len(p) * p.max() / p.sum() - 1) / (len(p) - 1) for p in clip]
        clips.append(sum(w * p for w, p in zip(weights, clip)) / sum(weights))  # Eq. 6
    return np.max(clips, axis=0)  # Eq. 7


def test_fusions_match_equations_6_and_7():
    rng = np.random.default_rng(0)
    scores = rng.dirichlet(np.full(7, 0.5), size=(5, 18))
    np.testing.assert_allclose(sci_fusion(scores), numpy_sci_fusion(scores), rtol=1e-12)
    np.testing.assert_allclose(average_fusion(scores), scores.reshape(-1, 7).mean(0), rtol=1e-12)
    # A confident view outweighs uncertain ones under SCI, not under averaging.
    clip = np.vstack([np.tile([0.4, 0.3, 0.3], (17, 1)), [[0, 1, 0]]])[None]
    assert sci_fusion(clip).argmax() == 1 and average_fusion(clip).argmax() == 0


def test_views_are_nine_crops_and_flips():
    clip = np.arange(2 * 6 * 7 * 1).reshape(2, 6, 7, 1)
    views = eighteen_views(clip, 4)
    assert views.shape == (18, 2, 4, 4, 1)
    boxes = crop_boxes(6, 7, 4)
    assert boxes == [(0, 0), (0, 1), (0, 3), (1, 0), (1, 1), (1, 3), (2, 0), (2, 1), (2, 3)]
    for k, (r, c) in enumerate(boxes):
        np.testing.assert_array_equal(views[k], clip[:, r : r + 4, c : c + 4])
        np.testing.assert_array_equal(views[9 + k], clip[:, r : r + 4, c : c + 4][:, :, ::-1])
    with pytest.raises(ValueError, match="crop_size 8"):
        eighteen_views(clip, 8)


def test_metrics():
    scores = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    labels = np.array([1, 1, 2, 0])
    assert top_k_accuracy(scores, labels, 1) == 0.75
    assert top_k_accuracy(scores, labels, 2) == 1.0
    assert mean_class_accuracy(scores, labels) == pytest.approx((1 + 0.5 + 1) / 3)
    with pytest.raises(ValueError, match="labels"):
        top_k_accuracy(scores, labels[:2])
