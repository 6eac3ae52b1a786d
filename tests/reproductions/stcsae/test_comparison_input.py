"""ST-CSAE's entry in ``stvideo compare``: its input is contrast-stretched like ``--quick``'s generated clips."""

import numpy as np

from keras_stvideo.data.patches import sample_moving_patches
from keras_stvideo.reproductions.stcsae.comparison import FRAME_SIZE, grey_small
from keras_stvideo.reproductions.stcsae.settings import STCSAESettings


def _faint_moving_clips():
    """Two RGB clips whose grey frames are faint (values in [0.49, 0.51]), as MotionClips' are, with a moving bar."""
    clips = np.full((2, 6, 32, 32, 3), 0.49, "float32")
    for t in range(6):
        clips[:, t, :, 4 * t:4 * t + 6, :] = 0.51
    return clips


def test_compare_input_spans_zero_to_one_per_clip():
    grey = grey_small(_faint_moving_clips())
    assert grey.shape == (2, 6, FRAME_SIZE, FRAME_SIZE, 1)
    np.testing.assert_allclose(grey.min(axis=(1, 2, 3, 4)), 0.0, atol=1e-6)
    np.testing.assert_allclose(grey.max(axis=(1, 2, 3, 4)), 1.0, atol=1e-6)  # was ~0.51: a faint clip


def test_compare_input_passes_the_motion_criterion_it_was_set_for():
    settings = STCSAESettings.quick()
    samples, _ = sample_moving_patches(grey_small(_faint_moving_clips()), settings.patch_shape[:3],
                                       settings.shift_range, 8, settings.motion_threshold, seed=0)
    assert len(samples) > 0  # without the stretch the bar's frame differences stay under the threshold
