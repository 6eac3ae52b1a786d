"""Reading videos into numpy arrays with PyAV: only the frames asked for, resized inside the decoder.

``read_frames(path, indices)`` returns any frames of a file, in any order, as a
(len(indices), H, W, C) uint8 array; ``read_video`` returns a range of them. Both
decode only what they need: the file's packets are scanned once (no decoding,
cached per file) to find each frame's timestamp and the keyframe before it, the
decoder seeks there and decodes forward, and only the frames asked for are
converted to RGB. With ``size`` the conversion also resizes, in FFmpeg's
swscale (bilinear, widened when shrinking so it does not alias), so memory is
bounded by the frames returned, not by the video. Frame ``i`` is the ``i``-th
frame the decoder outputs from the start of the file; when the file's
timestamps do not allow a seek that provably gives those frames, the decoder
reads from the start.

Resize tolerance: swscale's bilinear filter and the anti-aliased bilinear
resize of scikit-image (``resize_frames``, what ``read_video(size=...)`` used
before) differ by less than 2 grey levels on average on UCF101-like frames;
single pixels at sharp edges or in noise differ by more.

Decoder threads: a whole video is decoded with FFmpeg's frame and slice threads
(``thread_type="AUTO"``). A seeking read decodes short runs: frame threads hold
frames back (one per thread) and are flushed at every seek, which made
``read_fstcn_clip_pair`` about 25% slower on 2 cores, so seeking reads use slice
threads only (none for codecs without slices, such as MPEG-4 part 2) and get their
parallelism from several readers at once: PyAV releases the GIL while it decodes,
so ``VideoClipDataset`` workers or ``as_tf_dataset``'s map threads decode side by side.

Videos are read as they are: a file is complete unless decoding fails. A header
that announces more frames than the stream holds (variable frame rate,
dropped-frame AVIs) is no error. A file cut short (a partial download) ends in
a demuxing or decoding error or a short (corrupt) packet; then the frames
before it are returned (the decoder is drained, so frames it held back for
reordering are kept; the frame of the cut packet is dropped) with a
``TruncatedVideoWarning``, or ``TruncatedVideoError`` with
``on_truncated="raise"``. ``verify_video`` decodes a whole file without
keeping it, for checking a dataset once after unpacking.
"""

import functools
import operator
import pathlib
import typing
import warnings

import numpy as np

ON_TRUNCATED = ("warn", "raise")
SEEKING_THREAD_TYPE = "SLICE"  # decoder threads of seeking reads (module docstring); whole videos use "AUTO"


class VideoDecodeError(ValueError):
    """A video file exists but cannot be decoded; the message names the file."""


class TruncatedVideoError(VideoDecodeError):
    """Decoding failed before the end of the file (a truncated or corrupt file)."""


class TruncatedVideoWarning(UserWarning):
    """``read_video`` returned only the frames before a decoding error."""


class _Decoded(typing.NamedTuple):
    frames: dict  # frame index -> (H, W, 3) uint8, for the indices asked for that decoded
    decoded: int  # frames decoded (in sequential mode: the index after the last one decoded)
    header: typing.Optional[int]  # the frame count the header announces (None: not stated)
    failure: typing.Optional[Exception]  # the error (or short packet) that ended the video early
    complete: bool  # every frame asked for was found (decoding stopped after the last one)


class _Scan(typing.NamedTuple):
    presentation: np.ndarray  # pts of frame i, i = 0 .. frames - 1
    position: dict  # pts -> position of its packet in decoding order
    decode_pts: np.ndarray  # pts of the packet at each decoding position
    keyframes: np.ndarray  # decoding positions of keyframes
    seek_ts: list  # per decoding position: the timestamp to seek to for it (dts, or pts)
    seekable: bool


def _open(path):
    import av

    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as error:
        raise VideoDecodeError(f"cannot decode video {path}: {error}") from error
    if not container.streams.video:
        container.close()
        raise VideoDecodeError(f"cannot decode video {path}: the file has no video stream")
    return container


def _usable(packet):
    return packet.size > 0 and not packet.is_corrupt and not packet.is_discard


@functools.lru_cache(maxsize=512)
def _scan_cached(path, _size, _mtime):
    import av

    pts, dts_or_pts, keys = [], [], []
    seekable = True
    container = _open(path)
    with container:
        stream = container.streams.video[0]
        try:
            for packet in container.demux(stream):
                if not _usable(packet):
                    continue
                if packet.pts is None:
                    seekable = False
                    break
                pts.append(packet.pts)
                dts_or_pts.append(packet.dts if packet.dts is not None else packet.pts)
                keys.append(packet.is_keyframe)
        except (av.error.FFmpegError, OSError):
            pass  # a truncated file: what was read is the scan
    presentation = np.sort(np.asarray(pts, dtype=np.int64))
    if len(np.unique(presentation)) != len(presentation) or not any(keys[:1]):
        seekable = False
    return _Scan(presentation, {p: i for i, p in enumerate(pts)}, np.asarray(pts, dtype=np.int64),
                 np.flatnonzero(keys), dts_or_pts, seekable)


def _scan(path):
    """The packet scan of ``path`` (timestamps and keyframes, no decoding), cached per file version."""
    stat = pathlib.Path(path).stat()
    return _scan_cached(str(path), stat.st_size, stat.st_mtime_ns)


def count_frames(path):
    """Frames of ``path`` counted from its packets (no decoding): what ``read_video`` would return for a sound file.

    Example:
        >>> count_frames("v_ApplyEyeMakeup_g01_c01.avi")  # doctest: +SKIP
        164
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"video file not found: {path}")
    return len(_scan(path).presentation)


class _Converter:
    """Decoded frame -> (H, W, 3) uint8 RGB, resized by one reused swscale context when ``size`` is given."""

    def __init__(self, size):
        from av.video.reformatter import VideoReformatter

        self.reformatter = VideoReformatter()
        self.height, self.width = (None, None) if size is None else size

    def __call__(self, frame):
        return self.reformatter.reformat(frame, self.width, self.height, "rgb24",
                                         interpolation="BILINEAR").to_ndarray()


def _decode_packets(container, stream, on_frame):
    """Demux and decode; ``on_frame(frame)`` returns True to stop. Returns (stopped, failure).

    A demuxing or decoding error, or a short packet, ends the video: the decoder is
    drained so the frames it holds back are still delivered, the cut packet's frame is not.
    """
    import av

    failure, seen = None, [None, None]  # the error; the pts of the last two frames delivered
    try:
        for packet in container.demux(stream):
            if packet.is_corrupt:
                failure = VideoDecodeError(f"a short (cut) packet of {packet.size} bytes")
                break
            for frame in packet.decode():
                seen = [seen[1], frame.pts]
                if on_frame(frame):
                    return True, None
    except (av.error.FFmpegError, OSError) as error:  # a truncated or corrupt packet ends the video
        failure = error
    if failure is not None:
        try:
            for frame in stream.codec_context.decode(None):  # drain what the decoder holds back
                # keep a drained frame only if it is the next one (a frame whose packet was cut leaves a gap)
                if None in seen or frame.pts is None or frame.pts != 2 * seen[1] - seen[0]:
                    break
                seen = [seen[1], frame.pts]
                if on_frame(frame):
                    return True, failure
        except (av.error.FFmpegError, OSError):
            pass
    return False, failure


def _decode_sequential(path, keep, last, convert):
    """Decode from the start, frame i being the i-th output, converting frame i when ``keep(i)``;
    stop after ``last``.
    """
    container = _open(path)
    with container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        header = int(stream.frames or 0) or None
        frames, count = {}, [0]

        def on_frame(frame):
            i = count[0]
            if keep(i):
                frames[i] = convert(frame)
            count[0] += 1
            return last is not None and count[0] > last

        stopped, failure = _decode_packets(container, stream, on_frame)
    return _Decoded(frames, count[0], header, failure, stopped)


def _segments(scan, wanted):
    """Group sorted frame indices into runs that one seek serves: [(seek position, [indices])]."""
    runs = []
    for i in wanted:
        position = scan.position[int(scan.presentation[i])]
        k = np.searchsorted(scan.keyframes, position, side="right") - 1
        while k > 0 and scan.presentation[i] < scan.decode_pts[scan.keyframes[k]]:
            k -= 1
        key = int(scan.keyframes[max(k, 0)])
        if runs and key <= runs[-1][2] + 1:  # decoding on from the last frame is no longer than a seek
            runs[-1][1].append(i)
            runs[-1][2] = max(runs[-1][2], position)
        else:
            runs.append([key, [i], position])
    return [(key, indices) for key, indices, _ in runs]


def _decode_seeking(path, wanted, convert):
    """Decode only around ``wanted`` (sorted unique indices inside the scan); None when seeking cannot be trusted."""
    scan = _scan(path)
    if not scan.seekable or wanted[-1] >= len(scan.presentation):
        return None
    runs = _segments(scan, wanted)
    if runs[0][0] == 0 and len(runs) == 1:
        return None  # nothing to skip: the sequential decoder is as fast and needs no timestamps
    container = _open(path)
    with container:
        stream = container.streams.video[0]
        stream.thread_type = SEEKING_THREAD_TYPE
        header = int(stream.frames or 0) or None
        frames = {}
        for key, indices in runs:
            container.seek(int(scan.seek_ts[key]), stream=stream, backward=True, any_frame=False)
            state = {"next": indices[0], "ok": True}
            targets, last = set(indices), indices[-1]

            def on_frame(frame, state=state, targets=targets, last=last):
                if frame.pts is None:
                    state["ok"] = False
                    return True
                if frame.pts < scan.presentation[state["next"]]:
                    return False  # before the run: decoded for reference, never converted
                if frame.pts != scan.presentation[state["next"]]:
                    state["ok"] = False  # the timestamps do not follow the scan: do not trust them
                    return True
                if state["next"] in targets:
                    frames[state["next"]] = convert(frame)
                state["next"] += 1
                return state["next"] > last

            stopped, failure = _decode_packets(container, stream, on_frame)
            if not state["ok"]:
                return None
            if not stopped:
                return _Decoded(frames, state["next"], header, failure, False)
    return _Decoded(frames, wanted[-1] + 1, header, None, True)


def _decode(path, wanted=None, size=None, keep=True):
    """Frames of ``path`` at the sorted unique indices ``wanted`` (None: every frame, kept when ``keep``)."""
    convert = _Converter(size)
    if wanted is not None:
        result = _decode_seeking(path, wanted, convert)
        if result is not None:
            return result
        targets = {int(i) for i in wanted}
        return _decode_sequential(path, targets.__contains__, int(wanted[-1]), convert)
    return _decode_sequential(path, (lambda i: True) if keep else (lambda i: False), None, convert)


def _check_size(size):
    """(height, width) as ints; integers only (``10.5`` or ``True`` is refused, not truncated), both >= 1."""
    if size is None:
        return None
    try:
        values = list(size)
        if len(values) != 2 or any(isinstance(v, (bool, np.bool_)) for v in values):
            raise TypeError
        height, width = (operator.index(v) for v in values)
    except TypeError:
        raise ValueError(f"size must be two positive integers (height, width), got {size!r}") from None
    if height < 1 or width < 1:
        raise ValueError(f"size must be two positive integers (height, width), got {size!r}")
    return height, width


def _check_on_truncated(on_truncated):
    if on_truncated not in ON_TRUNCATED:
        raise ValueError(f"on_truncated must be one of {ON_TRUNCATED}, got {on_truncated!r}")


def _truncation(path, result):
    """The message for a video whose decoding failed, or None."""
    if result.failure is None:
        return None
    announced = f" of the {result.header} frames its header announces" if result.header else ""
    return (f"video {path}: only {result.decoded}{announced} could be decoded before the error: {result.failure}; "
            "the file is truncated or corrupt")


def _report(path, result, on_truncated):
    if result.decoded == 0 and not result.frames:
        raise VideoDecodeError(f"cannot decode video {path}: no frame decodes"
                               + (f" ({result.failure})" if result.failure else ""))
    message = None if result.complete else _truncation(path, result)
    if message and on_truncated == "raise":
        raise TruncatedVideoError(message)
    if message:
        warnings.warn(message + "; returning the frames that decoded", TruncatedVideoWarning, stacklevel=3)


def verify_video(path):
    """Decode every frame of ``path`` once without keeping it; return the frame count.

    Raises:
        FileNotFoundError: no such file.
        VideoDecodeError: the file does not decode at all.
        TruncatedVideoError: decoding fails before the end of the file.
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"video file not found: {path}")
    result = _decode(path, keep=False)
    _report(path, result, "raise")
    return result.decoded


def read_frames(path, indices, size=None, on_truncated="warn"):
    """Frames ``indices`` of a video as a (len(indices), H, W, C) uint8 array, decoding only what they need.

    Args:
        path: video file.
        indices: frame indices (any order, repeats allowed); frame i is the i-th frame the file decodes to.
        size: optional (height, width); frames are resized while converted to RGB (see the module's tolerance).
        on_truncated: ``"warn"`` or ``"raise"`` when decoding fails before the frames asked for (they are
            then missing, and ``ValueError`` names them).

    Raises:
        ValueError: an index is negative or past the end of the video.

    Example:
        >>> clip = read_frames("v_ApplyEyeMakeup_g01_c01.avi", range(150, 166), size=(112, 112))  # doctest: +SKIP
        >>> clip.shape, clip.dtype  # doctest: +SKIP
        ((16, 112, 112, 3), dtype('uint8'))
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"video file not found: {path}")
    size = _check_size(size)
    _check_on_truncated(on_truncated)
    indices = np.asarray(indices, dtype=np.int64).reshape(-1)
    if len(indices) == 0:
        raise ValueError("indices must name at least one frame")
    if indices.min() < 0:
        raise ValueError(f"frame indices must be non-negative, got {int(indices.min())}")
    wanted = np.unique(indices)
    result = _decode(path, wanted, size=size)
    _report(path, result, on_truncated)
    missing = [int(i) for i in wanted if int(i) not in result.frames]
    if missing:
        raise ValueError(f"frames {missing[:5]}{'...' if len(missing) > 5 else ''} are past the end of {path} "
                         f"({result.decoded} frames decode)")
    return np.stack([result.frames[int(i)] for i in indices])


def read_video(path, size=None, frame_range=None, stride=1, on_truncated="warn"):
    """Read a video as a (T, H, W, C) uint8 array of the frames that really decode.

    Args:
        path: video file (AVI, MP4, ... anything FFmpeg decodes).
        size: optional (height, width) to resize every frame to, inside the decoder's RGB
            conversion (within the tolerance the module states of ``resize_frames``).
        frame_range: optional (start, stop) frame indices, stop exclusive
            (KTH's ``00sequences.txt`` ranges are converted by the caller);
            a stop past the end of the video is clipped to it. Decoding starts at the
            keyframe before ``start`` and stops at ``stop``.
        stride: keep every ``stride``-th frame.
        on_truncated: when decoding fails before the end (a truncated or corrupt file):
            ``"warn"`` returns the frames that decoded with a ``TruncatedVideoWarning`` naming
            the file and the counts; ``"raise"`` raises ``TruncatedVideoError``.

    Example:
        >>> video = read_video("v_ApplyEyeMakeup_g01_c01.avi", size=(128, 171))  # doctest: +SKIP
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"video file not found: {path}")
    if isinstance(stride, bool) or not isinstance(stride, int) or stride < 1:
        raise ValueError(f"stride must be a positive integer, got {stride!r}")
    _check_on_truncated(on_truncated)
    size = _check_size(size)
    if frame_range is None:
        result = _decode_sequential(path, lambda i: i % stride == 0, None, _Converter(size))
        _report(path, result, on_truncated)
        return np.stack([result.frames[i] for i in sorted(result.frames)])
    start, stop = frame_range
    if not 0 <= start < stop:
        raise ValueError(f"frame_range must satisfy 0 <= start < stop, got {frame_range!r}")
    scan = _scan(path) if start > 0 else None
    available = len(scan.presentation) if scan is not None and scan.seekable else None
    if available is not None and start < available:
        stop = min(stop, available)
    result = _decode(path, np.arange(start, stop, stride), size=size)
    _report(path, result, on_truncated)
    if start >= result.decoded and not result.frames:
        raise ValueError(f"frame_range {frame_range!r} starts after the end of {path} ({result.decoded} frames)")
    return np.stack([result.frames[i] for i in sorted(result.frames)])


def resize_frames(frames, size):
    """Resize (T, H, W, C) uint8 frames to ``size`` = (height, width), bilinear with anti-aliasing (scikit-image).

    The float64 reference ``read_video(size=...)`` is checked against; the readers resize in the decoder.
    """
    from skimage.transform import resize

    height, width = _check_size(size)
    resized = resize(frames, (len(frames), height, width, frames.shape[-1]), order=1, anti_aliasing=True,
                     preserve_range=True)
    return np.clip(np.rint(resized), 0, 255).astype(np.uint8)
