"""Preview animations of video arrays (GIF or MP4) written with imageio."""

import pathlib

import numpy as np

from keras_stvideo.utils.atomic import atomic_path


def tile_sequences(videos, columns=None):
    """Tile (N, T, H, W, C) videos into one (T, rows * H, columns * W, C) uint8 video."""
    videos = np.asarray(videos)
    if videos.ndim != 5:
        raise ValueError(f"videos must have shape (N, T, H, W, C), got {videos.shape}")
    n, t, h, w, c = videos.shape
    columns = columns or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    grid = np.zeros((t, rows * h, columns * w, c), dtype=np.float32)
    for i in range(n):
        r, col = divmod(i, columns)
        grid[:, r * h : (r + 1) * h, col * w : (col + 1) * w] = videos[i]
    return (np.clip(grid, 0, 1) * 255).astype(np.uint8)


def write_preview(path, videos, fps=4, columns=None):
    """Write the first sequences of ``videos`` (N, T, H, W, C) in [0, 1] as a tiled GIF or MP4."""
    import imageio.v3 as iio

    path = pathlib.Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise ValueError(f"preview must be a .gif or .mp4 file, got {str(path)!r}")
    frames = tile_sequences(videos, columns)
    if frames.shape[-1] == 1:
        frames = np.repeat(frames, 3, axis=-1) if suffix == ".mp4" else frames[..., 0]
    with atomic_path(path) as tmp:
        if suffix == ".gif":
            iio.imwrite(tmp, frames, extension=".gif", duration=1000 / fps, loop=0)
        else:
            height, width = frames.shape[1:3]
            pad = ((0, 0), (0, (-height) % 16), (0, (-width) % 16), (0, 0))
            iio.imwrite(tmp, np.pad(frames, pad), extension=".mp4", plugin="pyav", codec="libx264", fps=fps)
    return path
