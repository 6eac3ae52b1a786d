"""Reading videos into numpy arrays with PyAV, frame by frame.

Frames are decoded one at a time and only the frames really decoded are
returned: a truncated or partly corrupt file (e.g. a partly downloaded UCF101
AVI) is never padded with the uninitialised frames a reader that pre-allocates
the header's frame count would return. When fewer frames decode than the
header announces, ``read_video`` warns with ``TruncatedVideoWarning`` (naming
the file and both counts) or, with ``on_truncated="raise"``, raises
``TruncatedVideoError``. ``verify_video`` decodes a whole file without keeping
it, for checking a dataset once after unpacking.
"""

import pathlib
import typing
import warnings

import numpy as np

ON_TRUNCATED = ("warn", "raise")


class VideoDecodeError(ValueError):
    """A video file exists but cannot be decoded; the message names the file."""


class TruncatedVideoError(VideoDecodeError):
    """Fewer frames decode than the file's header announces (a truncated or corrupt file)."""


class TruncatedVideoWarning(UserWarning):
    """``read_video`` returned only the frames that decode, fewer than the header announces."""


class _Decoded(typing.NamedTuple):
    frames: list  # the kept frames, (H, W, 3) uint8 each
    decoded: int  # frames decoded
    packets: int  # video packets read from the file
    header: typing.Optional[int]  # the frame count the header announces (None: not stated)
    failure: typing.Optional[Exception]  # the decoding or reading error that ended the video early
    stopped: bool  # decoding stopped at ``stop``, before the end of the file


def _decode(path, start=0, stop=None, stride=1, keep=True):
    """Read and decode frames [start, stop), keeping every ``stride``-th; see ``_Decoded``."""
    import av

    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as error:
        raise VideoDecodeError(f"cannot decode video {path}: {error}") from error
    with container:
        if not container.streams.video:
            raise VideoDecodeError(f"cannot decode video {path}: the file has no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        header = int(stream.frames or 0) or None
        frames, decoded, packets, failure, stopped = [], 0, 0, None, False
        try:
            for packet in container.demux(stream):
                if packet.size or packet.pts is not None or packet.dts is not None:  # not the final flush packet
                    packets += 1
                for frame in packet.decode():
                    if keep and decoded >= start and (decoded - start) % stride == 0:
                        frames.append(frame.to_ndarray(format="rgb24"))
                    decoded += 1
                    if stop is not None and decoded >= stop:
                        stopped = True
                        break
                if stopped:
                    break
        except (av.error.FFmpegError, OSError) as error:  # a truncated or corrupt packet ends the video
            failure = error
    return _Decoded(frames, decoded, packets, header, failure, stopped)


def _shortfall(path, result):
    """The message for a video that ended before its header's frame count, or None when it is complete.

    Complete: every frame the header announces was decoded, or, without any error, every packet it
    announces was read (a codec may output fewer frames than packets, e.g. an MP4 edit list). So a file
    cut short (fewer packets than announced) or broken (a decoding error) is caught; a container whose
    header states no count is caught only by an error.
    """
    header, decoded = result.header, result.decoded
    if header is not None and decoded >= header:
        return None
    if result.failure is None and (header is None or result.packets >= header):
        return None
    announced = f"of the {header} frames its header announces" if header else "frames (the header gives no count)"
    reason = f" before the error: {result.failure}" if result.failure is not None else ""
    return f"video {path}: only {decoded} {announced} could be decoded{reason}; the file is truncated or corrupt"


def verify_video(path):
    """Decode every frame of ``path`` once without keeping it; return the frame count.

    Raises:
        FileNotFoundError: no such file.
        VideoDecodeError: the file does not decode at all.
        TruncatedVideoError: fewer frames decode than the header announces.
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"video file not found: {path}")
    result = _decode(path, keep=False)
    if result.decoded == 0:
        raise VideoDecodeError(f"cannot decode video {path}: no frame decodes"
                               + (f" ({result.failure})" if result.failure else ""))
    message = _shortfall(path, result)
    if message:
        raise TruncatedVideoError(message)
    return result.decoded


def read_video(path, size=None, frame_range=None, stride=1, on_truncated="warn"):
    """Read a video as a (T, H, W, C) uint8 array of the frames that really decode.

    Args:
        path: video file (AVI, MP4, ... anything FFmpeg decodes).
        size: optional (height, width) to resize every frame to.
        frame_range: optional (start, stop) frame indices, stop exclusive
            (KTH's ``00sequences.txt`` ranges are converted by the caller);
            a stop past the end of the video is clipped to it.
        stride: keep every ``stride``-th frame.
        on_truncated: when fewer frames decode than the header announces
            (a truncated or corrupt file): ``"warn"`` returns the frames that
            decoded with a ``TruncatedVideoWarning`` naming the file and both
            counts; ``"raise"`` raises ``TruncatedVideoError``.

    Example:
        >>> video = read_video("v_ApplyEyeMakeup_g01_c01.avi", size=(128, 171))  # doctest: +SKIP
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"video file not found: {path}")
    if isinstance(stride, bool) or not isinstance(stride, int) or stride < 1:
        raise ValueError(f"stride must be a positive integer, got {stride!r}")
    if on_truncated not in ON_TRUNCATED:
        raise ValueError(f"on_truncated must be one of {ON_TRUNCATED}, got {on_truncated!r}")
    start, stop = 0, None
    if frame_range is not None:
        start, stop = frame_range
        if not 0 <= start < stop:
            raise ValueError(f"frame_range must satisfy 0 <= start < stop, got {frame_range!r}")
    result = _decode(path, start, stop, stride)
    decoded = result.decoded
    if decoded == 0:
        raise VideoDecodeError(f"cannot decode video {path}: no frame decodes"
                               + (f" ({result.failure})" if result.failure else ""))
    message = None if result.stopped else _shortfall(path, result)
    if message and on_truncated == "raise":
        raise TruncatedVideoError(message)
    if message:
        warnings.warn(message + "; returning the frames that decoded", TruncatedVideoWarning, stacklevel=2)
    if start >= decoded:
        raise ValueError(f"frame_range {frame_range!r} starts after the end of {path} ({decoded} frames)")
    frames = np.stack(result.frames)
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
