"""Accuracy over a test split: top-k and mean class accuracy."""

import numpy as np


def _check(scores, labels):
    scores, labels = np.asarray(scores), np.asarray(labels)
    if scores.ndim != 2 or labels.shape != (scores.shape[0],):
        raise ValueError(
            f"scores must be (videos, classes) and labels (videos,), got {scores.shape} and {labels.shape}"
        )
    return scores, labels


def top_k_accuracy(scores, labels, k=1):
    """Share of videos whose label is among the ``k`` highest scores."""
    scores, labels = _check(scores, labels)
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return float(np.mean(np.any(top == labels[:, None], axis=1)))


def mean_class_accuracy(scores, labels):
    """Top-1 accuracy averaged over the classes present in ``labels``."""
    scores, labels = _check(scores, labels)
    predicted = scores.argmax(axis=1)
    return float(np.mean([np.mean(predicted[labels == c] == c) for c in np.unique(labels)]))
