"""Colour-coded TV-L1 flow: the coding, the computed flow of a known motion, caching, resume and errors."""

import json
import subprocess
import sys

import numpy as np
import pytest

from keras_stvideo.data.flow import (
    MARKER,
    TVL1,
    FlowImageError,
    compute_video_flow,
    decode_flow,
    dequantise_flow_xy,
    encode_flow,
    flow_clip_dataset,
    flow_dir,
    quantise_flow_xy,
    read_flow,
    read_flow_frames,
    write_flow_frames,
)
from keras_stvideo.reproductions.tesnet.quick_data import make_moving_square_dataset
from keras_stvideo.models.tesnet.training import TesnetClipSampler, flip_clip


def shifted_pair(dx=2, dy=1, size=48, seed=0):
    rng = np.random.default_rng(seed)
    texture = rng.random((size // 4, size // 4))
    texture = np.kron(texture, np.ones((4, 4)))
    from scipy.ndimage import gaussian_filter

    texture = gaussian_filter(texture, 1.0)
    first = (texture * 255).astype(np.uint8)
    second = np.roll(first, (dy, dx), axis=(0, 1))  # content moves right by dx, down by dy
    return np.repeat(first[..., None], 3, -1), np.repeat(second[..., None], 3, -1)


def test_coding_values_round_trip_and_clipping():
    flow = np.array([[[0.0, 0.0], [20.0, -20.0], [45.0, 3.0]]], np.float32)  # (1, 3, 2)
    image = encode_flow(flow, bound=20.0)
    assert image[0, 0].tolist() == [128, 128, 0]  # still: rint(127.5) = 128
    assert image[0, 1].tolist() == [255, 0, 255]
    assert image[0, 2, 0] == 255  # clipped at the bound
    np.testing.assert_allclose(decode_flow(image)[0, 2], [20.0, 3.0], atol=20 / 127.5)
    random = np.random.default_rng(0).uniform(-19, 19, (8, 8, 2)).astype(np.float32)
    np.testing.assert_allclose(decode_flow(encode_flow(random)), random, atol=20 / 255 + 1e-6)


def test_flip_negates_horizontal_flow():
    flow = np.random.default_rng(1).uniform(-15, 15, (6, 7, 2)).astype(np.float32)
    image = encode_flow(flow)[None]
    flipped = decode_flow(flip_clip(image, flow=True))[0]
    mirrored = flow[:, ::-1] * np.array([-1.0, 1.0], np.float32)
    np.testing.assert_allclose(flipped, mirrored, atol=2 * 20 / 255 + 1e-6)


def test_skimage_tvl1_recovers_a_known_shift():
    first, second = shifted_pair(dx=2, dy=1)
    flow = TVL1("skimage")(first, second)
    centre = flow[12:-12, 12:-12].reshape(-1, 2)
    np.testing.assert_allclose(np.median(centre, axis=0), [2.0, 1.0], atol=0.3)


def test_unknown_and_missing_backend():
    with pytest.raises(ValueError, match="backend must be one of"):
        TVL1("farneback")


def test_compute_is_cached_and_resumable(tmp_path):
    video = np.stack(shifted_pair() + shifted_pair(seed=1)[:1])  # 3 frames -> 2 flow images
    directory = tmp_path / "flow" / "v1"
    assert compute_video_flow(video, directory) == 2
    first_mtime = (directory / "flow_00001.jpg").stat().st_mtime_ns
    assert compute_video_flow(video, directory) == 0  # complete: nothing recomputed
    (directory / MARKER).unlink()
    (directory / "flow_00002.jpg").unlink()
    assert compute_video_flow(video, directory) == 1  # resumed: only the missing image
    assert (directory / "flow_00001.jpg").stat().st_mtime_ns == first_mtime
    flow = read_flow(directory)
    assert flow.shape == (2, 48, 48, 3) and flow.dtype == np.uint8
    assert json.loads((directory / MARKER).read_text())["images"] == 2
    assert read_flow(directory, frame_range=(1, 3)).shape[0] == 1


def test_missing_and_corrupt_images_are_named(tmp_path):
    video = np.stack(shifted_pair() + shifted_pair(seed=1)[:1])
    directory = tmp_path / "v"
    compute_video_flow(video, directory)
    (directory / "flow_00002.jpg").write_bytes(b"not a jpeg")
    with pytest.raises(FlowImageError, match="flow_00002.jpg"):
        read_flow(directory)
    (directory / "flow_00002.jpg").unlink()
    with pytest.raises(FlowImageError, match="flow image missing: .*flow_00002.jpg"):
        read_flow(directory)
    with pytest.raises(FlowImageError, match="compute_flow.py"):
        read_flow(tmp_path / "nothing")


@pytest.mark.slow
def test_script_then_flow_dataset_serves_same_samplers(tmp_path):
    index = make_moving_square_dataset(tmp_path / "videos", num_classes=2, videos_per_class=3, frames=12,
                                       height=40, width=48)
    command = [sys.executable, "data_scripts/compute_flow.py", "--index", str(tmp_path / "videos" / "index.json"),
               "--out", str(tmp_path / "flow")]
    first = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "computed the flow of 6 video(s) (66 images)" in first.stdout
    second = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert "computed the flow of 0 video(s) (0 images)" in second.stdout  # the cache is reused
    data = flow_clip_dataset(index, tmp_path / "flow", "split1", "train", TesnetClipSampler(10, 32), batch_size=2)
    clips, labels = data[0]
    assert clips.shape == (2, 10, 32, 32, 3) and labels.shape == (2,)
    # a square moving right: the moving pixels' mean u is positive
    flow = decode_flow(read_flow(flow_dir(tmp_path / "flow", index.entries[0].path)))
    moving = flow[np.abs(flow).sum(-1) > 0.5]
    assert index.class_names[index.entries[0].label] == "right" and moving[:, 0].mean() > 0.5


def test_opencv_backend_agrees_where_installed():
    from keras_stvideo.data.flow import opencv_available

    if not opencv_available():
        with pytest.raises(ValueError, match="opencv-contrib-python-headless"):
            TVL1("opencv")
        return
    first, second = shifted_pair(dx=2, dy=1)
    flow = TVL1("opencv")(first, second)
    np.testing.assert_allclose(np.median(flow[12:-12, 12:-12].reshape(-1, 2), axis=0), [2.0, 1.0], atol=0.3)


def smooth_flows(count=3, size=(24, 32), seed=0):
    """(count, H, W, 2) smooth flow fields in pixels, reaching past the +-20 bound in places."""
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng(seed)
    return np.stack([gaussian_filter(rng.normal(0, 150, size + (2,)), (3, 3, 0)) for _ in range(count)]).astype(
        np.float32)


def test_tsn_quantisation_matches_dense_flow_and_its_bound():
    flows = smooth_flows()
    assert np.abs(flows).max() > 20  # some clipping happens
    levels = quantise_flow_xy(flows, bound=20.0)
    reference = np.clip(np.rint((np.clip(flows.astype(np.float64), -20, 20) + 20) / 40 * 255), 0, 255)
    np.testing.assert_array_equal(levels, reference.astype(np.uint8))  # TSN's CAST(v, -bound, bound)
    error = np.abs(dequantise_flow_xy(levels, 20.0) - np.clip(flows, -20, 20))
    assert error.max() <= 20.0 / 255 + 1e-5  # the documented quantisation bound
    assert quantise_flow_xy(np.zeros((1, 2)))[0].tolist() == [128, 128]  # still: rint(127.5)
    assert quantise_flow_xy(np.array([[-99.0, 99.0]]))[0].tolist() == [0, 255]


def test_tsn_layout_round_trip(tmp_path):
    flows = smooth_flows()
    assert write_flow_frames(flows, tmp_path / "v") == 3
    assert sorted(p.name for p in (tmp_path / "v").iterdir()) == [
        f"flow_{axis}_{n:05d}.jpg" for axis in "xy" for n in (1, 2, 3)]
    levels = read_flow_frames(tmp_path / "v")
    assert levels.shape == (3, 24, 32, 2) and levels.dtype == np.uint8
    jpeg = np.abs(levels.astype(int) - quantise_flow_xy(flows).astype(int))
    # JPEG (quality 95) on these 24 x 32 fields: 0.7 levels on average, 6 at most (at the clipping kinks)
    assert jpeg.max() <= 8 and jpeg.mean() < 1.0
    error = np.abs(dequantise_flow_xy(levels) - np.clip(flows, -20, 20))
    assert error.max() <= (0.5 + 8) * 40 / 255
    np.testing.assert_array_equal(read_flow_frames(tmp_path / "v", frame_range=(1, 3)), levels[1:2])
    assert read_flow_frames(tmp_path / "v", size=(12, 16)).shape == (3, 12, 16, 2)


@pytest.mark.parametrize("damage, match", [
    (lambda d: (d / "flow_y_00002.jpg").unlink(), "flow image missing: .*flow_y_00002.jpg"),
    (lambda d: (d / "flow_x_00001.jpg").unlink(), "no TSN flow images in .*flow_x_00001.jpg missing"),
    (lambda d: (d / "flow_y_00001.jpg").write_bytes(b"not a jpeg"), "cannot decode flow image .*flow_y_00001.jpg"),
])
def test_tsn_layout_errors_name_the_file(tmp_path, damage, match):
    write_flow_frames(smooth_flows(2, (8, 8)), tmp_path / "v")
    damage(tmp_path / "v")
    with pytest.raises(FlowImageError, match=match):
        read_flow_frames(tmp_path / "v")


@pytest.mark.parametrize("bound", [0, -1.0, float("nan"), float("inf")])
def test_tsn_quantisation_rejects_bad_bounds(bound):
    with pytest.raises(ValueError, match="bound must be a positive finite number"):
        quantise_flow_xy(np.zeros((2, 2)), bound)
