"""ASLAN same/not-same evaluation (Paul et al. 2018, Table 3 and Fig. 5; Kliper-Gross et al. 2012's protocol).

ASLAN's benchmark ("View 2") is 10 folds of video pairs, each pair labelled
same (1) or not-same (0) action. The protocol: 10-fold cross-validation, train
on 9 folds, test on the 10th, report mean accuracy and the ROC (AUC).

Here a pair's score is the cosine similarity of the two videos' mean fc7
features (``retrieval.video_features``), or any (P,) array of scores (e.g. the
Siamese network's t averaged over volumes); the same/not-same threshold is the
one with the best accuracy on the 9 training folds. ``roc_curve`` and
``roc_auc`` are numpy (no scikit-learn dependency).

The pairs file (``data_scripts/aslan.py`` writes it): JSON
``{"root": ..., "folds": [[[video_a, video_b, same], ...], ... 10 folds]}``,
video paths relative to root.
"""

import json
import pathlib

import numpy as np

PAPER_TABLE3 = {  # Table 3, Paul et al. 2018: accuracy and AUC (%)
    "C3D [27]": (57.3, 67.2), "HOG [13]": (56.6, 61.6), "HOF [13]": (56.8, 58.5), "HNF [13]": (58.9, 62.1),
    "Ours": (63.5, 69.3),
}


def load_pairs(path):
    """``(root, folds)`` from a pairs JSON; folds is a list of (P_k, 3) lists [video_a, video_b, same]."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"ASLAN pairs file not found: {path}")
    payload = json.loads(path.read_text())
    try:
        folds = [[(str(a), str(b), int(same)) for a, b, same in fold] for fold in payload["folds"]]
        root = pathlib.Path(payload["root"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path} is not an ASLAN pairs file: {error}") from error
    if len(folds) < 2:
        raise ValueError(f"{path} holds {len(folds)} folds; the protocol needs several (ASLAN: 10)")
    return root, folds


def roc_curve(labels, scores):
    """(false positive rates, true positive rates, thresholds) over every distinct score, highest first."""
    labels, scores = np.asarray(labels).astype(bool).ravel(), np.asarray(scores, np.float64).ravel()
    if labels.all() or not labels.any():
        raise ValueError("labels must hold both same (1) and not-same (0) pairs")
    order = np.argsort(-scores, kind="stable")
    scores, labels = scores[order], labels[order]
    last = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]  # last index of each distinct score
    tps = np.cumsum(labels)[last]
    fps = (last + 1) - tps
    tpr = np.r_[0.0, tps / labels.sum()]
    fpr = np.r_[0.0, fps / (~labels).sum()]
    return fpr, tpr, np.r_[np.inf, scores[last]]


def roc_auc(labels, scores):
    """Area under the ROC curve (trapezoids; ties count one half, as the Mann-Whitney statistic)."""
    fpr, tpr, _ = roc_curve(labels, scores)
    return float(np.trapezoid(tpr, fpr) if hasattr(np, "trapezoid") else np.trapz(tpr, fpr))


def best_threshold(labels, scores):
    """The threshold (score >= threshold means same) with the best accuracy on (labels, scores)."""
    labels, scores = np.asarray(labels).astype(bool).ravel(), np.asarray(scores, np.float64).ravel()
    candidates = np.unique(scores)
    candidates = np.r_[candidates, candidates[-1] + 1.0]
    accuracies = [np.mean((scores >= c) == labels) for c in candidates]
    return float(candidates[int(np.argmax(accuracies))])


def ten_fold_evaluation(fold_scores, fold_labels):
    """ASLAN's protocol on per-fold scores: threshold from the other folds, tested on each fold in turn.

    Args:
        fold_scores, fold_labels: lists (one entry per fold) of (P_k,) scores and 0/1 labels.

    Returns:
        dict: ``accuracy`` and ``accuracy_std`` (mean and standard error over folds, %),
        ``auc`` (mean over folds, %), ``fold_accuracies``, ``fold_aucs``, ``thresholds``.
    """
    if len(fold_scores) != len(fold_labels) or len(fold_scores) < 2:
        raise ValueError(f"need matching per-fold scores and labels for >= 2 folds, got {len(fold_scores)} and "
                         f"{len(fold_labels)}")
    accuracies, aucs, thresholds = [], [], []
    for k in range(len(fold_scores)):
        train_scores = np.concatenate([np.ravel(s) for i, s in enumerate(fold_scores) if i != k])
        train_labels = np.concatenate([np.ravel(labels) for i, labels in enumerate(fold_labels) if i != k])
        threshold = best_threshold(train_labels, train_scores)
        test_scores, test_labels = np.ravel(fold_scores[k]), np.ravel(fold_labels[k]).astype(bool)
        accuracies.append(float(np.mean((test_scores >= threshold) == test_labels)))
        aucs.append(roc_auc(test_labels, test_scores))
        thresholds.append(threshold)
    accuracies = np.array(accuracies)
    return {
        "accuracy": 100 * float(accuracies.mean()),
        "accuracy_std": 100 * float(accuracies.std(ddof=1) / np.sqrt(len(accuracies))),
        "auc": 100 * float(np.mean(aucs)),
        "fold_accuracies": accuracies.tolist(),
        "fold_aucs": aucs,
        "thresholds": thresholds,
    }


def cosine_pair_scores(features, pairs):
    """Cosine similarity of each pair's two videos; ``features`` maps a video path to its feature vector."""
    scores = []
    for a, b, _ in pairs:
        fa, fb = np.asarray(features[a], np.float64), np.asarray(features[b], np.float64)
        scores.append(float(fa @ fb / max(np.linalg.norm(fa) * np.linalg.norm(fb), 1e-12)))
    return np.array(scores)


def evaluate_aslan(tower, pairs_path, volume_shape=None, num_volumes=10, frame_size=(128, 171), seed=0,
                   progress=print):
    """Table 3 for one tower: 10-fold same/not-same accuracy and AUC from cosine similarity of mean fc7 features.

    Reads each video once (resized to ``frame_size``), computes its feature, scores every pair.
    Returns ``ten_fold_evaluation``'s dict plus ``scores`` and ``labels`` per fold (for the ROC of Fig. 5).
    """
    # Imported here: the command line checks --aslan with load_pairs before Keras and PyAV load.
    from keras_stvideo.data.video import read_video
    from keras_stvideo.models.siamese_c3d.retrieval import video_features

    root, folds = load_pairs(pairs_path)
    videos = sorted({v for fold in folds for a, b, _ in fold for v in (a, b)})
    features = {}
    for i, name in enumerate(videos):
        video = read_video(root / name, size=frame_size)
        features[name] = video_features(tower, [video], volume_shape, num_volumes, seed=seed + i)[0]
        if progress and (i + 1) % 50 == 0:
            progress(f"  ASLAN features {i + 1}/{len(videos)}")
    fold_scores = [cosine_pair_scores(features, fold) for fold in folds]
    fold_labels = [np.array([same for _, _, same in fold]) for fold in folds]
    result = ten_fold_evaluation(fold_scores, fold_labels)
    result["scores"] = [s.tolist() for s in fold_scores]
    result["labels"] = [labels.tolist() for labels in fold_labels]
    return result
