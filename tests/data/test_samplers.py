import numpy as np
import pytest

from keras_stvideo.data.samplers import (
    fstcn_test_starts,
    sample_consecutive_clip,
    sample_fstcn_clip_pair,
    sample_volume_pairs,
    uniform_test_clips,
)


def numbered_video(frames=40, height=20, width=24):
    """Pixel (t, y, x, c) = a known function, so any sample can be traced back."""
    t, y, x, c = np.meshgrid(np.arange(frames), np.arange(height), np.arange(width), np.arange(3), indexing="ij")
    return ((7 * t + 3 * y + x + 50 * c) % 251).astype(np.uint8)


def test_fstcn_pair_indices_values_and_shared_crop():
    video = numbered_video()
    rng = np.random.default_rng(0)
    for _ in range(20):
        v_clip, v_diff, idx = sample_fstcn_clip_pair(video, rng, crop_size=16)
        np.testing.assert_array_equal(np.diff(idx), 5)  # s_t = 5
        assert idx[0] >= 0 and idx[-1] + 9 < 40  # d_t = 9 stays inside
        assert v_clip.shape == v_diff.shape == (5, 16, 16, 3)
        # Locate the crop (and flip) from V_clip, then check V_diff at the very same place.
        for top in range(20 - 16 + 1):
            for left in range(24 - 16 + 1):
                for flipped in (False, True):
                    crop = video[idx, top : top + 16, left : left + 16].astype(np.float32)
                    diff = np.abs(crop - video[idx + 9, top : top + 16, left : left + 16].astype(np.float32))
                    if flipped:
                        crop, diff = crop[:, :, ::-1], diff[:, :, ::-1]
                    if np.array_equal(crop, v_clip):
                        np.testing.assert_array_equal(diff, v_diff)
                        break
                else:
                    continue
                break
            else:
                continue
            break
        else:
            pytest.fail("V_clip is not a crop of the video at the sampled indices")


def test_fstcn_start_and_errors():
    video = numbered_video(40)
    _, _, idx = sample_fstcn_clip_pair(video, np.random.default_rng(0), start=3, flip=False)
    np.testing.assert_array_equal(idx, [3, 8, 13, 18, 23])
    with pytest.raises(ValueError, match="needs 30"):
        sample_fstcn_clip_pair(numbered_video(29), np.random.default_rng(0))
    with pytest.raises(ValueError, match="crop_size 30"):
        sample_fstcn_clip_pair(video, np.random.default_rng(0), crop_size=30)
    np.testing.assert_array_equal(fstcn_test_starts(40, 5), [0, 2, 5, 8, 10])


def test_consecutive_and_uniform_clips():
    video = numbered_video(30)
    clip = sample_consecutive_clip(video, np.random.default_rng(1), num_frames=10)
    start = int(np.argmax((video[:, 0, 0, 0] == clip[0, 0, 0, 0])))
    np.testing.assert_array_equal(clip, video[start : start + 10])
    starts = uniform_test_clips(100, num_frames=10, num_clips=20)
    assert len(starts) == 20 and starts[0] == 0 and starts[-1] == 90
    np.testing.assert_allclose(np.diff(starts), 90 / 19, atol=1)
    with pytest.raises(ValueError, match="fewer than the 10"):
        uniform_test_clips(5)


def test_volume_pairs():
    videos = []
    for i in range(3):
        video = numbered_video(40)
        video[..., 1] = (5 * np.arange(40))[:, None, None]  # channel 1 encodes the frame index
        video[..., 2] = 80 * i  # channel 2 encodes the video
        videos.append(video)
    first, second, targets = sample_volume_pairs(videos, np.random.default_rng(2), 40, positive_ratio=0.5,
                                                 volume_shape=(8, 10, 10), flip=False)
    assert first.shape == second.shape == (40, 8, 10, 10, 3)
    assert 5 < targets.sum() < 35
    for a, b, target in zip(first, second, targets):
        video_a, video_b = a[0, 0, 0, 2] // 80, b[0, 0, 0, 2] // 80
        start_a, start_b = a[0, 0, 0, 1] // 5, b[0, 0, 0, 1] // 5
        np.testing.assert_array_equal(a[:, 0, 0, 1] // 5, start_a + np.arange(8))  # consecutive frames
        if target:
            assert video_a == video_b and (start_a + 8 <= start_b or start_b + 8 <= start_a)
        else:
            assert video_a != video_b
    with pytest.raises(ValueError, match="at least 2 videos"):
        sample_volume_pairs(videos[:1], np.random.default_rng(0), 1)
