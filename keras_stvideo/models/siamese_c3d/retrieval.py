"""Nearest-neighbour video retrieval with learned features (Paul et al. 2018, section 3, Fig. 4).

Each video is described by the mean of the tower's fc7 features over 10 random
s-t volumes ("we extract 10 random s-t volumes ... fc7 layer followed by mean
pooling"); neighbours are ranked by cosine similarity.
"""

import numpy as np

from keras_stvideo.models.siamese_c3d.training import video_volumes


def video_features(tower, videos, volume_shape=None, num_volumes=10, seed=0, batch_size=20):
    """(N, D) mean fc7 features of ``num_volumes`` random volumes per (T, H, W, C) uint8 video (section 3)."""
    if volume_shape is None:
        volume_shape = tuple(int(d) for d in tower.input.shape[1:4])
    rng = np.random.default_rng(seed)
    features = []
    for video in videos:
        volumes = video_volumes(np.asarray(video), volume_shape, num_volumes, rng=rng)
        features.append(np.asarray(tower.predict(volumes, batch_size=batch_size, verbose=0)).mean(axis=0))
    return np.stack(features)


def cosine_similarity(queries, gallery):
    """(Q, G) cosine similarities between the rows of ``queries`` and of ``gallery`` (a zero row scores 0)."""
    queries, gallery = np.asarray(queries, np.float64), np.asarray(gallery, np.float64)
    if queries.ndim != 2 or gallery.ndim != 2 or queries.shape[1] != gallery.shape[1]:
        raise ValueError(f"queries and gallery must be (Q, D) and (G, D) arrays, "
                         f"got {queries.shape} and {gallery.shape}")
    qn = np.linalg.norm(queries, axis=1, keepdims=True)
    gn = np.linalg.norm(gallery, axis=1, keepdims=True)
    return (queries / np.where(qn == 0, 1, qn)) @ (gallery / np.where(gn == 0, 1, gn)).T


def nearest_neighbours(queries, gallery, k=1, exclude=None, centre=False):
    """Top-k gallery rows by cosine similarity for every query (Fig. 4).

    Args:
        queries: (Q, D) features; gallery: (G, D) features.
        k: neighbours per query.
        exclude: optional (Q,) gallery index to leave out per query (the query itself
            when queries and gallery are the same videos); -1 excludes nothing.
        centre: subtract the gallery's mean feature from both first. ReLU features
            share a large common component (an untrained tower's are all within
            cosine 0.999 of each other), which centring removes; the paper does
            not say (default False: plain cosine).

    Returns:
        ``(indices, similarities)``: (Q, k) arrays, most similar first (ties: lower index first).
    """
    if centre:
        mean = np.asarray(gallery, np.float64).mean(axis=0)
        queries, gallery = np.asarray(queries, np.float64) - mean, np.asarray(gallery, np.float64) - mean
    similarity = cosine_similarity(queries, gallery)
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= similarity.shape[1]:
        raise ValueError(f"k must be an integer in [1, {similarity.shape[1]}], got {k!r}")
    if exclude is not None:
        exclude = np.asarray(exclude)
        rows = np.flatnonzero(exclude >= 0)
        similarity[rows, exclude[rows]] = -np.inf
    order = np.argsort(-similarity, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(similarity, order, axis=1)
