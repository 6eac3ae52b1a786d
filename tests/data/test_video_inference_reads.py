"""The inference readers that decode only the test clips give what the whole-video reads gave (same frames,
same resize), on generated files with keyframes every 8 frames (and B-frames with libx264)."""

import numpy as np
import pytest

from keras_stvideo.data.samplers import count_file_frames
from keras_stvideo.data.video import read_video
from keras_stvideo.models.fstcn.fstcn_video_inference import fstcn_test_pairs, read_fstcn_test_pairs
from keras_stvideo.models.tesnet.tesnet_video_inference import VideoFile, sample_test_clips
from tests.data.video_files import pattern_video, write_pyav_video


@pytest.fixture(scope="module", params=["avi", "mp4"])
def video_path(request, tmp_path_factory):
    codec = "mpeg4" if request.param == "avi" else "libx264"
    frames = pattern_video(90, 48, 64)
    frames[..., 1] = np.random.default_rng(0).integers(0, 60, frames.shape[:3])  # texture: resizes differ
    return write_pyav_video(tmp_path_factory.mktemp("inference") / f"v.{request.param}", frames, codec, gop=8,
                            bit_rate=2_000_000 if codec == "mpeg4" else None)


READS = [dict(size=None, frame_range=None), dict(size=(24, 40), frame_range=None),
         dict(size=(36, 36), frame_range=(10, 70)), dict(size=None, frame_range=(50, 500))]


@pytest.mark.parametrize("read", READS)
def test_fstcn_pairs_from_the_file_equal_the_whole_video_pairs(video_path, read):
    video = read_video(video_path, **read)
    assert count_file_frames(video_path, read["frame_range"]) == len(video)
    want = fstcn_test_pairs(video, 4)
    got = read_fstcn_test_pairs(video_path, 4, **read)
    assert len(got) == len(want) == 4
    for (clip, diff), (clip_want, diff_want) in zip(got, want):
        assert clip.dtype == diff.dtype == np.float32
        np.testing.assert_array_equal(clip, clip_want)
        np.testing.assert_array_equal(diff, diff_want)


@pytest.mark.parametrize("kind, frames", [("tesnet", 10), ("tsn", 3)])
@pytest.mark.parametrize("read", READS)
def test_tesnet_test_clips_from_the_file_equal_the_whole_video_clips(video_path, read, kind, frames):
    want = sample_test_clips(read_video(video_path, **read), frames, 20, kind)
    got = sample_test_clips(VideoFile(video_path, **read), frames, 20, kind)
    assert got.shape == want.shape and got.dtype == want.dtype == np.uint8
    np.testing.assert_array_equal(got, want)


def test_video_file_with_an_unknown_kind(video_path):
    with pytest.raises(ValueError, match="kind must be 'tesnet' or 'tsn', got 'c3d'"):
        sample_test_clips(VideoFile(video_path), 4, 2, "c3d")
