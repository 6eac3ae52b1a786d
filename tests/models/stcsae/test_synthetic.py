"""The generated motion clips: the class is the direction of motion."""

import numpy as np
import pytest

from keras_stvideo.models.stcsae.synthetic import DIRECTIONS, moving_pattern_clips


def test_square_moves_in_the_labelled_direction():
    clips, labels = moving_pattern_clips(16, frames=5, size=(16, 16), num_classes=4, seed=0, background_contrast=0.0)
    assert clips.shape == (16, 5, 16, 16, 1) and clips.dtype == np.float32
    assert 0.0 <= clips.min() and clips.max() <= 1.0
    for clip, label in zip(clips, labels):
        dy, dx = DIRECTIONS[label]
        changed = np.abs(clip[1] - clip[0])[..., 0] > 1e-6
        assert changed.any()
        # on a flat background, frame t + 1 is frame t shifted by (dy, dx): square and texture move together
        np.testing.assert_allclose(np.roll(clip[0], (dy, dx), axis=(0, 1)), clip[1], atol=1e-6)
        for other in set(range(4)) - {label}:
            assert not np.allclose(np.roll(clip[0], DIRECTIONS[other], axis=(0, 1)), clip[1], atol=1e-3)


def test_labels_given_and_seeded():
    a, la = moving_pattern_clips(8, seed=3, labels=np.arange(8) % 2, num_classes=2)
    b, lb = moving_pattern_clips(8, seed=3, labels=np.arange(8) % 2, num_classes=2)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, np.arange(8) % 2)
    with pytest.raises(ValueError, match="num_classes"):
        moving_pattern_clips(4, num_classes=9)
    with pytest.raises(ValueError, match="labels"):
        moving_pattern_clips(4, labels=[0, 1, 5, 0], num_classes=4)
