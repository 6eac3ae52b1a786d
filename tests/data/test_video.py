import numpy as np
import pytest

import warnings

from keras_stvideo.data.video import (
    TruncatedVideoError,
    TruncatedVideoWarning,
    VideoDecodeError,
    read_video,
    verify_video,
)
from tests.data.video_files import pattern_video, truncated_copy, write_faststart_mp4, write_mjpeg_avi, write_video


@pytest.mark.parametrize("suffix, tolerance", [(".avi", 6), (".mp4", 3)])
def test_decodes_known_pattern(tmp_path, suffix, tolerance):
    frames = pattern_video(30)
    path = write_video(tmp_path / f"v{suffix}", frames)
    video = read_video(path)
    assert video.shape == (30, 48, 64, 3) and video.dtype == np.uint8
    flat = (slice(None), slice(30, 40), slice(40, 50))  # a flat region away from the moving square
    assert np.abs(video[flat].astype(int) - frames[flat]).max() <= tolerance
    np.testing.assert_allclose(video[:, 35, 45, 0], (8 * np.arange(30)) % 240, atol=tolerance)


def test_frame_range_stride_and_resize(tmp_path):
    frames = pattern_video(30)
    path = write_video(tmp_path / "v.mp4", frames)
    video = read_video(path, frame_range=(4, 20), stride=3)
    assert video.shape[0] == len(range(4, 20, 3))
    np.testing.assert_allclose(video[:, 35, 45, 0], (8 * np.arange(4, 20, 3)) % 240, atol=3)
    small = read_video(path, size=(24, 32))
    assert small.shape == (30, 24, 32, 3) and small.dtype == np.uint8
    np.testing.assert_allclose(small[:, 18, 22, 0], (8 * np.arange(30)) % 240, atol=4)


def test_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.avi"):
        read_video(tmp_path / "nothere.avi")
    broken = tmp_path / "broken.avi"
    broken.write_bytes(b"RIFF0000AVI garbage" * 10)
    with pytest.raises(VideoDecodeError, match="broken.avi"):
        read_video(broken)
    path = write_video(tmp_path / "ok.mp4", pattern_video(10))
    with pytest.raises(ValueError, match="frame_range"):
        read_video(path, frame_range=(5, 2))
    with pytest.raises(ValueError, match="starts after the end"):
        read_video(path, frame_range=(50, 60))


@pytest.mark.parametrize("writer, fraction", [(write_mjpeg_avi, 0.5), (write_faststart_mp4, 0.85)])
def test_truncated_video_returns_only_decoded_frames_with_a_warning(tmp_path, writer, fraction):
    # The header (30 frames) is at the front, so a pre-allocating reader returned 30 frames, the tail garbage.
    full_path = writer(tmp_path / ("v.avi" if writer is write_mjpeg_avi else "v.mp4"), pattern_video(30))
    full = read_video(full_path)
    assert len(full) == 30
    other = read_video(write_video(tmp_path / "other.mp4", 255 - pattern_video(30)))  # fills memory with frames
    broken = truncated_copy(full_path, fraction)
    with pytest.warns(TruncatedVideoWarning) as caught:
        video = read_video(broken)
    assert 0 < len(video) < 30
    message = str(caught[0].message)
    assert str(broken) in message and f"only {len(video)} of the 30 frames" in message
    np.testing.assert_array_equal(video, full[: len(video)])  # exactly the frames that decode, no garbage
    assert not any(np.array_equal(frame, o) for frame in video for o in other)
    with pytest.raises(TruncatedVideoError, match=rf"{broken.name}.*only {len(video)} of the 30 frames"):
        read_video(broken, on_truncated="raise")
    with pytest.raises(TruncatedVideoError, match=broken.name):
        verify_video(broken)
    assert verify_video(full_path) == 30


def test_frame_range_inside_the_decodable_part_needs_no_warning(tmp_path):
    broken = truncated_copy(write_mjpeg_avi(tmp_path / "v.avi", pattern_video(30)), 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        video = read_video(broken, frame_range=(2, 6))
    assert len(video) == 4
    with pytest.warns(TruncatedVideoWarning):
        with pytest.raises(ValueError, match="starts after the end"):
            read_video(broken, frame_range=(25, 28))


def test_undecodable_and_bad_arguments(tmp_path):
    path = write_video(tmp_path / "ok.mp4", pattern_video(4))
    with pytest.raises(ValueError, match="on_truncated must be one of"):
        read_video(path, on_truncated="ignore")
    with pytest.raises(ValueError, match="stride must be a positive integer, got 0"):
        read_video(path, stride=0)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(VideoDecodeError, match="empty.mp4"):
        read_video(empty)
    with pytest.raises(VideoDecodeError, match="empty.mp4"):
        verify_video(empty)
    with pytest.raises(FileNotFoundError, match="absent.avi"):
        verify_video(tmp_path / "absent.avi")
