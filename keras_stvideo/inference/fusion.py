"""Score fusion: averaging, and SCI fusion (Sun et al. 2015, Eqs. 5 to 7; Wright et al. 2009)."""

import numpy as np


def sparsity_concentration_index(scores):
    """SCI(p) = (N max_j p_j / sum_j p_j - 1) / (N - 1), Eq. 5; over the last axis, in [0, 1].

    A uniform vector gives 0, a one-hot vector 1.
    """
    scores = np.asarray(scores, dtype=np.float64)
    n = scores.shape[-1]
    if n < 2:
        raise ValueError(f"SCI needs at least 2 classes, got {n}")
    if np.any(scores < 0):
        raise ValueError("SCI is defined for non-negative scores (class probabilities)")
    total = scores.sum(axis=-1)
    if np.any(total <= 0):
        raise ValueError("SCI needs score vectors with a positive sum")
    return (n * scores.max(axis=-1) / total - 1.0) / (n - 1.0)


def average_fusion(scores):
    """The plain average over all clips and views: scores (M, C, N) -> (N,)."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 3:
        raise ValueError(f"scores must have shape (clips, views, classes), got {scores.shape}")
    return scores.mean(axis=(0, 1))


def sci_fusion(scores, eps=1e-12):
    """Eq. 6 then Eq. 7: SCI-weighted average over the views of each clip, then the element-wise max over clips.

    Args:
        scores: (M, C, N) class probabilities of C views of M clips.

    Returns:
        (N,) fused scores. When every view of a clip is uniform (all SCI 0) the
        clip falls back to the plain average of its views.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 3:
        raise ValueError(f"scores must have shape (clips, views, classes), got {scores.shape}")
    weights = sparsity_concentration_index(scores)  # (M, C)
    totals = weights.sum(axis=1, keepdims=True)
    uniform = totals <= eps
    weights = np.where(uniform, 1.0, weights)
    per_clip = (weights[..., None] * scores).sum(axis=1) / weights.sum(axis=1, keepdims=True)  # Eq. 6
    return per_clip.max(axis=0)  # Eq. 7
