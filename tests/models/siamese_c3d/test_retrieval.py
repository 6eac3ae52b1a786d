"""Nearest-neighbour retrieval (Paul et al. 2018, Fig. 4): cosine top-k, and a planted duplicate found first."""

import numpy as np
import pytest

from keras_stvideo.models.siamese_c3d import build_c3d_small
from keras_stvideo.models.siamese_c3d.retrieval import cosine_similarity, nearest_neighbours, video_features


def test_cosine_top_k_against_a_loop():
    rng = np.random.default_rng(0)
    queries, gallery = rng.normal(size=(4, 6)), rng.normal(size=(9, 6))
    indices, sims = nearest_neighbours(queries, gallery, k=3)
    for q in range(4):
        cos = [queries[q] @ g / np.linalg.norm(queries[q]) / np.linalg.norm(g) for g in gallery]
        np.testing.assert_array_equal(indices[q], np.argsort(cos)[::-1][:3])
        np.testing.assert_allclose(sims[q], np.sort(cos)[::-1][:3])
    np.testing.assert_allclose(cosine_similarity(2 * gallery, gallery).diagonal(), 1.0)  # scale-free
    with pytest.raises(ValueError, match="k must be"):
        nearest_neighbours(queries, gallery, k=10)


def test_planted_duplicate_in_features_is_first_and_self_is_excluded():
    rng = np.random.default_rng(1)
    gallery = rng.normal(size=(20, 16))
    gallery[13] = gallery[5] * 3.0 + rng.normal(scale=0.01, size=16)  # a duplicate of video 5
    indices, _ = nearest_neighbours(gallery, gallery, k=1, exclude=np.arange(20))
    assert indices[5, 0] == 13 and indices[13, 0] == 5


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_duplicate_video_is_retrieved_first_through_the_tower(seed):
    rng = np.random.default_rng(seed)
    videos = [np.clip(rng.uniform(0, 255, 3) + rng.normal(0, 15, (12, 20, 20, 1)), 0, 255).astype(np.uint8)
              for _ in range(6)]  # each video its own colour, textured
    videos.append(videos[2].copy())  # planted duplicate of video 2, described by other random volumes
    tower = build_c3d_small((4, 16, 16, 3), filters=(16,) * 5, fc_units=64)
    features = video_features(tower, videos, num_volumes=10, seed=0)
    assert features.shape == (7, 64)
    indices, _ = nearest_neighbours(features[[2]], features, k=1, exclude=[2], centre=True)
    assert indices[0, 0] == 6
