import numpy as np
import pytest

from keras_stvideo.data.video import VideoDecodeError, read_video
from tests.data.video_files import pattern_video, write_video


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
