"""Patch extraction and ST-CSAE's motion-based patch selection."""

import numpy as np
import pytest

from keras_stvideo.data.patches import extract_patches, motion_scores, sample_moving_patches


def _brute_motion(clip, size):
    t, h, w = size
    d = np.abs(np.diff(clip, axis=0)).mean(-1)
    out = np.zeros((clip.shape[0] - t + 1, clip.shape[1] - h + 1, clip.shape[2] - w + 1))
    for a in range(out.shape[0]):
        for b in range(out.shape[1]):
            for c in range(out.shape[2]):
                out[a, b, c] = d[a:a + t - 1, b:b + h, c:c + w].mean()
    return out


def test_motion_scores_match_brute_force():
    clip = np.random.default_rng(0).random((7, 9, 8, 2)).astype("float32")
    np.testing.assert_allclose(motion_scores(clip, (3, 4, 5)), _brute_motion(clip, (3, 4, 5)), atol=1e-5)


def test_extract_patches():
    clip = np.random.default_rng(1).random((6, 7, 8, 1)).astype("float32")
    positions = np.array([[0, 0, 0], [3, 2, 4], [2, 3, 1]])
    patches = extract_patches(clip, (3, 4, 4), positions)
    for patch, (t, y, x) in zip(patches, positions):
        np.testing.assert_array_equal(patch, clip[t:t + 3, y:y + 4, x:x + 4])


def _clip_with_moving_square(frames=8, size=24, square=8):
    """A static random background; an 8 x 8 textured square moving right 1 px a frame in rows 0-7."""
    rng = np.random.default_rng(2)
    clip = np.repeat(rng.random((1, size, size, 1)), frames, axis=0).astype("float32")
    texture = rng.random((square, square, 1))
    for t in range(frames):
        clip[t, :square, t:t + square] = texture
    return clip


def test_selection_keeps_moving_patches_and_drops_static_ones():
    clip = _clip_with_moving_square()
    kept, where, dropped, dropped_where = sample_moving_patches(
        [clip], (3, 4, 4), shift_range=(1, 1, 1), patches_per_clip=1000, threshold=0.02, seed=0, return_dropped=True)
    assert kept.shape[1:] == (5, 6, 6, 1) and len(kept) > 0 and len(dropped) > 0
    # every kept sample's centred patch overlaps the square's rows; everything below row 8 + margin is dropped
    centred_rows = where[:, 2] + 1
    assert np.all(centred_rows < 8)
    scores = motion_scores(clip, (3, 4, 4))
    np.testing.assert_array_less(0.02, scores[where[:, 1] + 1, where[:, 2] + 1, where[:, 3] + 1])
    assert np.all(scores[dropped_where[:, 1] + 1, dropped_where[:, 2] + 1, dropped_where[:, 3] + 1] <= 0.02)
    np.testing.assert_array_equal(kept[0], extract_patches(clip, (5, 6, 6), where[:1, 1:])[0])
    static = np.repeat(clip[:1], 8, axis=0)
    none, _ = sample_moving_patches([static], (3, 4, 4), threshold=0.0)
    assert none.shape == (0, 3, 4, 4, 1)


def test_selection_draws_at_most_the_requested_count():
    clip = _clip_with_moving_square()
    kept, where = sample_moving_patches([clip, clip], (3, 4, 4), patches_per_clip=5, threshold=0.01, seed=3)
    assert len(kept) == 10 and set(where[:, 0]) == {0, 1}
    assert len({tuple(w) for w in where}) == 10


@pytest.mark.parametrize("call, words", [
    (lambda c: motion_scores(c, (3, 30, 4)), ["larger than the clip", "along H", "expected at most 24, got 30"]),
    (lambda c: motion_scores(c, (1, 4, 4)), ["at least 2 frames"]),
    (lambda c: sample_moving_patches([c], (3, 4, 4), threshold=-1), ["threshold"]),
    (lambda c: sample_moving_patches([c], (3, 4, 4), shift_range=(0, 12, 0)), ["larger than the clip"]),
    (lambda c: motion_scores(c[0, 0], (3, 4, 4)), ["clip must be"]),
])
def test_bad_arguments(call, words):
    with pytest.raises(ValueError) as error:
        call(_clip_with_moving_square())
    for word in words:
        assert word in str(error.value)
