"""ST-CSAE's generated clips: MotionClips made grey and small."""

import numpy as np
import pytest

from keras_stvideo.data.motion_clips import MotionClips
from keras_stvideo.reproductions.stcsae.quick_data import grey_motion_clips, grey_small, stretch_contrast


def test_grey_small_is_the_channel_mean_resized_with_antialiasing():
    rng = np.random.default_rng(0)
    clips = rng.random((2, 3, 8, 8, 3)).astype("float32")
    same = grey_small(clips, (8, 8))
    assert same.shape == (2, 3, 8, 8, 1) and same.dtype == np.float32
    np.testing.assert_allclose(same[..., 0], clips.mean(-1), atol=1e-5)  # no resize: the grey frames themselves
    np.testing.assert_allclose(grey_small((clips * 255).round().astype(np.uint8), (8, 8))[..., 0], clips.mean(-1),
                               atol=3e-3)  # uint8 pixels are scaled to [0, 1]
    small = grey_small(clips, (4, 4))
    assert small.shape == (2, 3, 4, 4, 1)
    np.testing.assert_allclose(small.mean(axis=(2, 3, 4)), clips.mean(axis=(2, 3, 4)), atol=0.02)  # low-pass
    assert small.std() < same.std()  # antialiasing averages the noise away
    flat = grey_small(np.full((1, 2, 8, 8, 3), 0.25, "float32"), (4, 4))
    np.testing.assert_allclose(flat, 0.25, atol=1e-6)


def test_clips_are_motion_clips_seeded_with_their_labels():
    clips, labels = grey_motion_clips(6, frames=5, size=(16, 16), num_classes=3, seed=4)
    assert clips.shape == (6, 5, 16, 16, 1) and 0 <= clips.min() and clips.max() <= 1
    assert set(labels.tolist()) <= {0, 1, 2}
    again, again_labels = grey_motion_clips(6, frames=5, size=(16, 16), num_classes=3, seed=4)
    np.testing.assert_array_equal(clips, again)
    np.testing.assert_array_equal(labels, again_labels)
    rendered, rendered_labels = MotionClips(frame_size=32, num_frames=5, motions=("left", "right", "up"),
                                            seed=4).generate(6, seed=4)
    np.testing.assert_array_equal(labels, rendered_labels)
    np.testing.assert_allclose(clips, stretch_contrast(grey_small(rendered, (16, 16))), atol=1e-6)
    with pytest.raises(ValueError, match="num_classes"):
        grey_motion_clips(4, num_classes=9)


def test_stretch_contrast_maps_each_clip_to_the_unit_interval():
    clips = np.stack([np.linspace(0.4, 0.5, 8), np.linspace(0.1, 0.9, 8), np.full(8, 0.3)]).reshape(3, 2, 2, 2, 1)
    stretched = stretch_contrast(clips)
    np.testing.assert_allclose(stretched[0].ravel(), np.linspace(0, 1, 8), atol=1e-5)  # affine per clip
    np.testing.assert_allclose(stretched[1], stretched[0], atol=1e-5)
    np.testing.assert_array_equal(stretched[2], 0.0)  # a flat clip stays flat (no division by zero)
