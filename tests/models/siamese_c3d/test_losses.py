"""Eq. 2 of Paul et al. 2018 against a numpy version, on batches of known composition."""

import numpy as np
import pytest

from keras_stvideo.training.losses import (
    ClassBalancedHinge,
    class_balanced_hinge_loss,
    class_balanced_hinge_terms,
    frobenius_norm,
)


def numpy_eq2(y, t, weights=(), lam=0.0):
    """sum_i C_i max(0, 1 - t_i y_i) + lam ||W||_F, C_i = 1/N_p or 1/N_n (Paul et al. 2018, Eq. 2)."""
    y, t = np.asarray(y, float).ravel(), np.asarray(t, float).ravel()
    n_p, n_n = np.sum(y > 0), np.sum(y < 0)
    c = np.where(y > 0, 1.0 / n_p, 1.0 / n_n)
    frob = np.sqrt(sum(np.sum(np.square(w)) for w in weights)) if weights else 0.0
    return float(np.sum(c * np.maximum(0.0, 1.0 - t * y)) + lam * frob)


@pytest.mark.parametrize("positives", [1, 3, 5, 9])
def test_loss_matches_numpy_eq2(positives):
    rng = np.random.default_rng(positives)
    y = np.array([1.0] * positives + [-1.0] * (10 - positives), "float32")
    rng.shuffle(y)
    t = rng.normal(0, 1.5, (10, 1)).astype("float32")
    loss = float(class_balanced_hinge_loss(y, t))
    np.testing.assert_allclose(loss, numpy_eq2(y, t), rtol=1e-6)
    positive, negative = class_balanced_hinge_terms(y[:, None], t)
    pos_hinge = np.maximum(0, 1 - t.ravel()[y > 0])
    neg_hinge = np.maximum(0, 1 + t.ravel()[y < 0])
    np.testing.assert_allclose(float(positive), pos_hinge.mean(), rtol=1e-6)
    np.testing.assert_allclose(float(negative), neg_hinge.mean(), rtol=1e-6)
    np.testing.assert_allclose(float(ClassBalancedHinge()(y, t)), loss, rtol=1e-6)


def test_class_balance_weights_each_class_equally():
    # 3 positives and 7 negatives all at t = 0: each class contributes exactly 1 (C_i sums to 1 per class).
    y = np.array([1] * 3 + [-1] * 7, "float32")
    np.testing.assert_allclose(float(class_balanced_hinge_loss(y, np.zeros(10, "float32"))), 2.0)
    # the plain mean hinge would give 1.0; one wrong positive costs 7/3 times one wrong negative
    t = np.array([-1.0, 1, 1] + [-1.0] * 7, "float32")  # one positive at hinge 2
    np.testing.assert_allclose(float(class_balanced_hinge_loss(y, t)), 2.0 / 3.0, rtol=1e-6)
    t = np.array([1.0, 1, 1] + [1.0] + [-1.0] * 6, "float32")  # one negative at hinge 2
    np.testing.assert_allclose(float(class_balanced_hinge_loss(y, t)), 2.0 / 7.0, rtol=1e-6)


@pytest.mark.parametrize("labels, got", [([1, 1, 1], "N_n=0"), ([-1, -1], "N_p=0")])
def test_one_class_batch_is_a_clear_error(labels, got):
    with pytest.raises(ValueError, match=f"at least one positive and one negative.*{got}"):
        class_balanced_hinge_loss(np.array(labels, "float32"), np.zeros(len(labels), "float32"))


def test_labels_must_be_plus_minus_one():
    with pytest.raises(ValueError, match=r"\+1 .* -1 .* got values \[0.0\]"):
        class_balanced_hinge_loss(np.array([1, 0], "float32"), np.zeros(2, "float32"))


def test_frobenius_norm_is_the_norm_not_its_square():
    weights = [np.full((2, 3), 2.0, "float32"), np.full((4,), 1.0, "float32")]
    # sqrt(6 * 4 + 4 * 1) = sqrt(28)
    np.testing.assert_allclose(float(frobenius_norm(weights)), np.sqrt(28.0), rtol=1e-6)
    assert float(frobenius_norm([])) == 0.0
