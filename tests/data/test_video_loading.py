"""Seeking, resizing in the decoder, truncated files and file samplers, on real files against plain PyAV."""

import functools
import json
import shutil
import warnings

import numpy as np
import pytest

from keras_stvideo.data.samplers import (
    read_consecutive_clip,
    read_fstcn_clip_pair,
    read_test_clips,
    sample_consecutive_clip,
    sample_fstcn_clip_pair,
)
from keras_stvideo.data.video import count_frames, read_frames, read_video, resize_frames
from keras_stvideo.data.video_dataset import VideoClipDataset
from keras_stvideo.data.video_index import VideoEntry, VideoIndex
from tests.data.video_files import (
    pattern_video, truncated_copy, write_faststart_mp4, write_mjpeg_avi, write_pyav_video,
)


def write_gop_video(path, frames, codec="mpeg4", gop=8):
    """A video with a keyframe every ``gop`` frames (B-frames too with libx264), written with PyAV."""
    return write_pyav_video(path, frames, codec, gop=gop, bit_rate=2_000_000 if codec == "mpeg4" else None)


def plain_decode(path):
    """Every frame of ``path`` with a plain PyAV loop, the reference."""
    import av

    with av.open(str(path)) as container:
        return np.stack([frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)])


def keyframes(path):
    import av

    with av.open(str(path)) as container:
        return sum(packet.is_keyframe for packet in container.demux(video=0) if packet.size)


@pytest.fixture(scope="module", params=["avi", "mp4"])
def gop_video(request, tmp_path_factory):
    codec = "mpeg4" if request.param == "avi" else "libx264"
    path = write_gop_video(tmp_path_factory.mktemp("gop") / f"v.{request.param}", pattern_video(60, 48, 64), codec)
    return path, plain_decode(path)


def test_any_frames_equal_a_plain_decode(gop_video):
    path, full = gop_video
    assert keyframes(path) > 3  # so the reader really seeks
    assert count_frames(path) == len(full) == 60
    indices = [45, 3, 45, 30, 59, 17, 18]
    np.testing.assert_array_equal(read_frames(path, indices), full[indices])
    np.testing.assert_array_equal(read_video(path, frame_range=(40, 56)), full[40:56])
    np.testing.assert_array_equal(read_video(path, frame_range=(21, 80), stride=4), full[21::4])
    np.testing.assert_array_equal(read_video(path, stride=7), full[::7])
    with pytest.raises(ValueError, match="past the end"):
        read_frames(path, [10, 60])


def test_resize_in_the_decoder_stays_within_the_documented_tolerance(gop_video):
    path, full = gop_video
    for size in [(24, 32), (112, 112), (60, 90)]:
        resized = read_video(path, size=size)
        assert resized.shape == (60,) + size + (3,) and resized.dtype == np.uint8
        reference = resize_frames(full, size).astype(int)
        assert np.abs(resized.astype(int) - reference).mean() < 2.0
        np.testing.assert_array_equal(read_frames(path, [50, 7], size=size), resized[[50, 7]])


def test_header_counting_more_frames_than_the_stream_holds_is_no_truncation(tmp_path):
    import av

    path = write_mjpeg_avi(tmp_path / "v.avi", pattern_video(20))
    data = bytearray(path.read_bytes())
    avih, strh = data.index(b"avih") + 8, data.index(b"strh") + 8
    data[avih + 16 : avih + 20] = (45).to_bytes(4, "little")  # dwTotalFrames
    data[strh + 32 : strh + 36] = (45).to_bytes(4, "little")  # dwLength
    path.write_bytes(bytes(data))
    with av.open(str(path)) as container:
        assert container.streams.video[0].frames == 45
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        video = read_video(path)
    np.testing.assert_array_equal(video, plain_decode(path))
    assert len(video) == 20


@pytest.mark.parametrize("fraction", [0.45, 0.6, 0.77])
def test_mjpeg_cut_mid_frame_drops_only_the_partial_frame(tmp_path, fraction):
    import av

    path = write_mjpeg_avi(tmp_path / "v.avi", pattern_video(30))
    full = plain_decode(path)
    cut = truncated_copy(path, fraction)
    size = cut.stat().st_size
    with av.open(str(path)) as container:  # the packets lying wholly before the cut
        whole = sum(1 for p in container.demux(video=0) if p.size and p.pos + p.size <= size)
    with pytest.warns(UserWarning, match=f"only {whole} of the 30"):
        video = read_video(cut)
    assert len(video) == whole
    np.testing.assert_array_equal(video, full[:whole])


def test_h264_cut_drains_the_decoder(tmp_path):
    import av

    path = write_faststart_mp4(tmp_path / "v.mp4", pattern_video(60, 96, 128))
    full = plain_decode(path)
    cut = truncated_copy(path, 0.6)
    plain = []
    with av.open(str(cut)) as container:  # a plain loop that stops at the error, without draining
        try:
            for frame in container.decode(video=0):
                plain.append(frame)
        except av.error.FFmpegError:
            pass
    with pytest.warns(UserWarning, match="truncated or corrupt"):
        video = read_video(cut)
    assert len(video) > len(plain)
    np.testing.assert_array_equal(video, full[: len(video)])


def test_file_samplers_equal_the_in_memory_samplers(gop_video):
    path, full = gop_video
    for seed in range(3):
        got = read_fstcn_clip_pair(path, np.random.default_rng(seed), 3, 4, 5, crop_size=32)
        want = sample_fstcn_clip_pair(full, np.random.default_rng(seed), 3, 4, 5, crop_size=32)
        for a, b in zip(got, want):
            np.testing.assert_array_equal(a, b)
        got = read_consecutive_clip(path, np.random.default_rng(seed), 16, crop_size=40, flip=True)
        want = sample_consecutive_clip(full, np.random.default_rng(seed), 16, crop_size=40, flip=True)
        np.testing.assert_array_equal(got, want)
    sub = read_consecutive_clip(path, np.random.default_rng(0), 5, frame_range=(30, 40))
    start = int(np.random.default_rng(0).integers(0, 6))
    np.testing.assert_array_equal(sub, full[30 + start : 35 + start])
    clips = read_test_clips(path, [0, 20, 44], range(16))
    np.testing.assert_array_equal(clips, np.stack([full[s : s + 16] for s in (0, 20, 44)]))


def test_dataset_reading_files_with_two_workers_gives_the_same_batches(gop_video, tmp_path):
    path, full = gop_video
    shutil.copy(path, tmp_path / f"a{path.suffix}")
    shutil.copy(path, tmp_path / f"b{path.suffix}")
    index = VideoIndex(tmp_path, ["x", "y"], [VideoEntry(f"{n}{path.suffix}", i, {"s": "train"})
                                              for i, n in enumerate("ab")])
    sampler = functools.partial(read_consecutive_clip, num_frames=8)
    serial = VideoClipDataset(index, "s", "train", sampler, batch_size=2, reads_files=True, frame_size=(24, 32))
    parallel = VideoClipDataset(index, "s", "train", sampler, batch_size=2, reads_files=True, frame_size=(24, 32),
                                workers=2, use_multiprocessing=False)
    assert parallel.workers == 2
    x, y = serial[0]
    assert x.shape == (2, 8, 24, 32, 3)
    np.testing.assert_array_equal(parallel[0][0], x)
    in_memory = VideoClipDataset(index, "s", "train", functools.partial(sample_consecutive_clip, num_frames=8),
                                 batch_size=2, frame_size=(24, 32))
    np.testing.assert_array_equal(in_memory[0][0], x)


def test_index_paths_are_relative_so_a_dataset_folder_can_move(tmp_path):
    root = tmp_path / "ucf"
    (root / "c").mkdir(parents=True)
    (root / "c" / "v.avi").write_bytes(b"x")
    index = VideoIndex(root, ["c"], [VideoEntry("c/v.avi", 0, {"split1": "train"})])
    index.save(root / "index.json")
    assert json.loads((root / "index.json").read_text())["root"] == "."
    moved = shutil.move(str(root), str(tmp_path / "elsewhere"))
    loaded = VideoIndex.load(f"{moved}/index.json")
    assert loaded.path_of(loaded.entries[0]).read_bytes() == b"x"
    # an index beside (not inside) its root
    loaded.save(tmp_path / "indexes" / "ucf.json")
    assert json.loads((tmp_path / "indexes" / "ucf.json").read_text())["root"] == "../elsewhere"
    assert VideoIndex.load(tmp_path / "indexes" / "ucf.json").path_of(loaded.entries[0]).is_file()
    # an old index with an absolute root: still loads, and falls back to its folder once moved
    old = json.loads((tmp_path / "elsewhere" / "index.json").read_text())
    old["root"] = str(tmp_path / "elsewhere")
    (tmp_path / "elsewhere" / "index.json").write_text(json.dumps(old))
    assert VideoIndex.load(tmp_path / "elsewhere" / "index.json").root == tmp_path / "elsewhere"
    shutil.move(str(tmp_path / "elsewhere"), str(tmp_path / "third"))
    again = VideoIndex.load(tmp_path / "third" / "index.json")
    assert again.path_of(again.entries[0]).read_bytes() == b"x"
