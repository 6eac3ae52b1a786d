"""Small real video files written with imageio, and fake dataset trees in the official layouts."""

import pathlib

import numpy as np


def pattern_video(num_frames=30, height=48, width=64):
    """Frame t is a flat grey of value 8 * t (mod 240) with a white square at column 2 * t: easy to decode back."""
    frames = np.zeros((num_frames, height, width, 3), np.uint8)
    for t in range(num_frames):
        frames[t] = (8 * t) % 240
        col = (2 * t) % (width - 8)
        frames[t, 8:16, col : col + 8] = 255
    return frames


def write_video(path, frames, fps=25):
    import imageio.v3 as iio

    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    codec = "mpeg4" if path.suffix == ".avi" else "libx264"
    iio.imwrite(path, frames, plugin="pyav", codec=codec, fps=fps, out_pixel_format="yuv420p")
    return path
