"""Preview GIFs read back with imageio: grey exactly, colour through one shared palette."""

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from keras_stvideo.data.preview import tile_sequences, write_preview


def test_grey_gif_reads_back_exactly_with_one_mode(tmp_path):
    # Many grey levels per frame made Pillow mix "L" and "P" frames, which imageio could not read back.
    videos = np.random.default_rng(0).random((16, 5, 32, 32, 1)).astype("float32")
    path = write_preview(tmp_path / "grey.gif", videos, fps=5)
    frames = iio.imread(path)
    np.testing.assert_array_equal(frames, tile_sequences(videos)[..., 0])
    with Image.open(path) as image:
        modes = set()
        for index in range(image.n_frames):
            image.seek(index)
            modes.add(image.mode)
        assert image.n_frames == 5 and len(modes) == 1 and image.info["duration"] == 200


def test_colour_gif_reads_back_close(tmp_path):
    rng = np.random.default_rng(1)
    videos = np.repeat(np.linspace(0, 1, 6)[None, :, None, None, None], 4, axis=0) * np.ones((4, 6, 8, 8, 3))
    videos[..., 0] = rng.random(videos.shape[:-1]) > 0.5
    path = write_preview(tmp_path / "colour.gif", videos.astype("float32"))
    frames = iio.imread(path)[..., :3]
    assert frames.shape == (6, 16, 16, 3)
    assert np.abs(frames.astype(int) - tile_sequences(videos)).max() <= 2  # fewer than 256 colours: exact palette


def test_mp4_preview_and_bad_suffix(tmp_path):
    videos = np.random.default_rng(2).random((2, 3, 20, 20, 1)).astype("float32")
    path = write_preview(tmp_path / "p.mp4", videos)
    assert iio.imread(path, plugin="pyav").shape[0] == 3
    with pytest.raises(ValueError, match="preview must be a .gif or .mp4 file"):
        write_preview(tmp_path / "p.png", videos)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.mp4"]
