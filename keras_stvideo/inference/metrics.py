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


def fusion_report(fused, labels):
    """``{fusion: {"top1", "top5", "mean_class"}, f"{fusion}_scores": (videos, classes)}`` for each fusion's list
    of per-video scores in ``fused`` (e.g. ``{"average": [...], "sci": [...]}``), and the labels."""
    labels = np.asarray(labels)
    report = {"labels": labels}
    for fusion, scores in fused.items():
        scores = np.stack(scores)
        report[fusion] = {"top1": top_k_accuracy(scores, labels, 1),
                          "top5": top_k_accuracy(scores, labels, min(5, scores.shape[1])),
                          "mean_class": mean_class_accuracy(scores, labels)}
        report[f"{fusion}_scores"] = scores
    return report
