"""Reading videos into numpy arrays with imageio (PyAV plugin)."""

import pathlib

import numpy as np


class VideoDecodeError(ValueError):
    """A video file exists but cannot be decoded; the message names the file."""


def read_video(path, size=None, frame_range=None, stride=1):
    """Read a video as a (T, H, W, C) uint8 array.

    Args:
        path: video file (AVI, MP4, ... anything FFmpeg decodes).
        size: optional (height, width) to resize every frame to.
        frame_range: optional (start, stop) frame indices, stop exclusive
            (KTH's ``00sequences.txt`` ranges are converted by the caller).
        stride: keep every ``stride``-th frame.

    Example:
        >>> video = read_video("v_ApplyEyeMakeup_g01_c01.avi", size=(128, 171))  # doctest: +SKIP
    """
    import imageio.v3 as iio

    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"video file not found: {path}")
    if not isinstance(stride, int) or stride < 1:
        raise ValueError(f"stride must be a positive integer, got {stride!r}")
    if frame_range is not None:
        start, stop = frame_range
        if not 0 <= start < stop:
            raise ValueError(f"frame_range must satisfy 0 <= start < stop, got {frame_range!r}")
    try:
        frames = iio.imread(path, plugin="pyav")
    except Exception as error:  # PyAV raises several error types for broken files
        raise VideoDecodeError(f"cannot decode video {path}: {error}") from error
    frames = np.asarray(frames)
    if frames.ndim == 3:
        frames = frames[..., None]
    if frames.ndim != 4 or len(frames) == 0:
        raise VideoDecodeError(f"video {path} decoded to an unexpected shape {frames.shape}")
    if frame_range is not None:
        if start >= len(frames):
            raise ValueError(f"frame_range {frame_range!r} starts after the end of {path} ({len(frames)} frames)")
        frames = frames[start : min(stop, len(frames))]
    frames = frames[::stride]
    if size is not None:
        frames = resize_frames(frames, size)
    return frames


def resize_frames(frames, size):
    """Resize (T, H, W, C) uint8 frames to ``size`` = (height, width), bilinear with anti-aliasing."""
    from skimage.transform import resize

    height, width = size
    if height < 1 or width < 1:
        raise ValueError(f"size must be two positive integers, got {size!r}")
    resized = resize(frames, (len(frames), height, width, frames.shape[-1]), order=1, anti_aliasing=True,
                     preserve_range=True)
    return np.clip(np.rint(resized), 0, 255).astype(np.uint8)
