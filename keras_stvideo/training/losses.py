"""Losses several papers may use, in ``keras.ops`` so they run on every backend.

* ``class_balanced_hinge_terms`` / ``class_balanced_hinge_loss``: the hinge loss
  of Paul et al. 2018, Eq. 2, whose weights C_i depend on the batch's
  composition (1/N_p for positive pairs, 1/N_n for negative ones).
* ``class_balanced_hinge_sums``: its sums and counts, for a batch split over devices.
* ``frobenius_norm``: ||W||_F over a list of weight tensors (Eq. 2's regulariser).
"""

import keras
import numpy as np
from keras import ops


def _concrete(value):
    """``value`` as a numpy array when it holds data (eager), None while a graph is traced (TF graph, JAX jit)."""
    if isinstance(value, np.ndarray):
        return value
    try:
        return np.asarray(ops.convert_to_numpy(value))
    except Exception:  # a symbolic TF tensor or a JAX tracer has no value yet
        return None


def check_pair_labels(y_true):
    """Raise ValueError unless the eager labels are +1/-1 with at least one of each (no-op while tracing)."""
    labels = _concrete(y_true)
    if labels is None:
        return
    labels = labels.reshape(-1)
    bad = sorted(set(np.unique(labels).tolist()) - {1.0, -1.0})
    if bad:
        raise ValueError(f"y_true must hold +1 (positive pair) and -1 (negative pair) labels, got values {bad}")
    positives = int(np.sum(labels > 0))
    if positives == 0 or positives == labels.size:
        raise ValueError(
            "the class-balanced hinge loss (Eq. 2, C_i = 1/N_p or 1/N_n) needs at least one positive and one "
            f"negative pair in the batch, got N_p={positives} and N_n={labels.size - positives}; batches from "
            "PairMiningDataset always hold round(pB) positives and B - round(pB) negatives"
        )


def class_balanced_hinge_terms(y_true, y_pred):
    """The positive and negative halves of Eq. 2's class-balanced hinge loss (Paul et al. 2018, section 2).

    ``positive = (1/N_p) sum_{y_i=+1} max(0, 1 - t_i y_i)`` and
    ``negative = (1/N_n) sum_{y_i=-1} max(0, 1 - t_i y_i)``; Eq. 2's data term
    is their sum. N_p and N_n are counted in the batch itself.

    Args:
        y_true: (B,) or (B, 1) labels, +1 for a positive pair and -1 for a negative one.
        y_pred: (B,) or (B, 1) scalar outputs t_i of the Siamese network.

    Returns:
        ``(positive, negative)`` scalars. Eagerly, a batch without a positive or
        without a negative pair raises ValueError (C_i would divide by zero); in a
        traced step (where values are unknown) such a batch gives NaN.
    """
    check_pair_labels(y_true)
    positive_sum, positives, negative_sum, negatives = class_balanced_hinge_sums(y_true, y_pred)
    return positive_sum / positives, negative_sum / negatives


def class_balanced_hinge_sums(y_true, y_pred):
    """``(sum of the positive pairs' hinges, N_p, sum of the negative pairs' hinges, N_n)`` of a batch.

    The pieces of ``class_balanced_hinge_terms``, for a batch split over several
    devices: sum N_p and N_n over the devices before dividing (``SiameseC3D`` does).
    """
    y_pred = ops.reshape(ops.convert_to_tensor(y_pred), (-1,))
    y_true = ops.cast(ops.reshape(ops.convert_to_tensor(y_true), (-1,)), y_pred.dtype)
    hinge = ops.relu(1.0 - y_true * y_pred)
    is_positive = ops.cast(y_true > 0, y_pred.dtype)
    is_negative = 1.0 - is_positive
    return (ops.sum(is_positive * hinge), ops.sum(is_positive), ops.sum(is_negative * hinge),
            ops.sum(is_negative))


def class_balanced_hinge_loss(y_true, y_pred):
    """Eq. 2's data term: ``sum_i C_i max(0, 1 - t_i y_i)`` with C_i = 1/N_p or 1/N_n (Paul et al. 2018).

    Example:
        >>> float(class_balanced_hinge_loss(np.array([1., -1., -1.]), np.array([0.5, 0., -2.])))
        1.0
    """
    positive, negative = class_balanced_hinge_terms(y_true, y_pred)
    return positive + negative


def frobenius_norm(weights):
    """``||W||_F = sqrt(sum of squares of every entry of every tensor in weights)`` (Eq. 2's regulariser).

    Eq. 2 adds lambda ||W||_F, the norm itself and not its square (weight decay's
    ||W||_F^2 / 2), with W all the weights of the network taken as one vector.
    """
    weights = list(weights)
    if not weights:
        return ops.zeros(())
    total = ops.sum(ops.stack([ops.sum(ops.square(ops.cast(w, "float32"))) for w in weights]))
    return ops.sqrt(total)


@keras.saving.register_keras_serializable(package="keras_stvideo")
class ClassBalancedHinge(keras.losses.Loss):
    """Eq. 2's class-balanced hinge data term as a ``keras.losses.Loss`` (no regulariser: see ``SiameseC3D``)."""

    def __init__(self, name="class_balanced_hinge", **kwargs):
        kwargs.pop("reduction", None)
        super().__init__(name=name, reduction="none", **kwargs)

    def call(self, y_true, y_pred):
        return class_balanced_hinge_loss(y_true, y_pred)
