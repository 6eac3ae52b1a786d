"""TV-L1 optical flow stored as colour-coded JPEG images (Huang & Bors 2020, section 2.3).

"For the OF stream we use the TV-L1 optical flow algorithm [14] and its output
is stored as JPEG images, where the colour encodes the optical flow vectors."
The paper does not give the coding; ours (docs/faithfulness.md):

* red   = ``127.5 + 127.5 * clip(u / bound, -1, 1)``  (u: horizontal, pixels per frame, + to the right)
* green = ``127.5 + 127.5 * clip(v / bound, -1, 1)``  (v: vertical, + downwards)
* blue  = ``255 * min(1, sqrt(u^2 + v^2) / bound)``    (magnitude)

rounded to integers, with ``bound`` = 20 pixels (TSN's clipping bound,
Wang et al. 2016). A still pixel is (128, 128, 0); mirroring an image negates u,
i.e. maps red r to 255 - r (``keras_stvideo.models.tesnet.training.flip_clip``).

A video's flow lives in ``FLOW_ROOT/<video path without extension>/``: one
``flow_00001.jpg`` ... per pair of consecutive frames (T - 1 images for T
frames) and a ``flow.json`` written last, which marks the folder complete.
``read_flow`` returns them as a (T - 1, H, W, 3) uint8 array, the layout
``read_video`` gives for RGB frames, so the same samplers serve both streams.

TSN / MMAction2 layout (``write_flow_frames``, ``read_flow_frames``): two greyscale
JPEGs per pair of frames, ``flow_x_00001.jpg`` (u) and ``flow_y_00001.jpg`` (v),
numbered from 1, each ``round(255 * (clip(w, -bound, bound) + bound) / (2 bound))``
(TSN's ``dense_flow``, Wang et al. 2016, bound 20). Quantisation bound: decoding
level q as ``q * 2 bound / 255 - bound`` (``dequantise_flow_xy``) is within
``bound / 255`` (0.078 pixels at bound 20) of the clipped flow; JPEG at quality 95
adds 0.7 levels on average and up to 6 (0.94 pixels) on smooth 24 x 32 fields where
the clipping kinks them (measured in the tests), more at sharp motion edges.
MMAction2 reads these folders as they are (``filename_tmpl 'flow_{}_{:05d}.jpg'``,
``start_index=1``).
"""

import json
import pathlib

import numpy as np

from keras_stvideo.utils.atomic import atomic_path

FLOW_BOUND = 20.0
MARKER = "flow.json"
TSN_TEMPLATE = "flow_{}_{:05d}.jpg"  # the TSN / MMAction2 per-frame greyscale layout: flow_x_00001.jpg, flow_y_...
BACKENDS = ("skimage", "opencv")


class FlowImageError(ValueError):
    """A flow image is missing or cannot be decoded; the message names it."""


def encode_flow(flow, bound=FLOW_BOUND):
    """(H, W, 2) flow (u, v) in pixels -> (H, W, 3) uint8 colour image (module docstring)."""
    flow = np.asarray(flow, dtype=np.float32)
    if flow.ndim != 3 or flow.shape[-1] != 2:
        raise ValueError(f"flow must have shape (H, W, 2), got {flow.shape}")
    if not bound > 0:
        raise ValueError(f"bound must be positive, got {bound!r}")
    scaled = np.clip(flow / bound, -1.0, 1.0)
    magnitude = np.minimum(1.0, np.sqrt(np.sum(np.square(flow), axis=-1)) / bound)
    image = np.concatenate([127.5 + 127.5 * scaled, 255.0 * magnitude[..., None]], axis=-1)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def decode_flow(image, bound=FLOW_BOUND):
    """(..., H, W, 3) colour-coded images -> (..., H, W, 2) flow in pixels (within ``bound``)."""
    image = np.asarray(image, dtype=np.float32)
    return (image[..., :2] - 127.5) / 127.5 * bound


def opencv_available():
    """Whether OpenCV's contrib TV-L1 (``cv2.optflow.DualTVL1OpticalFlow_create``) is installed."""
    try:
        import cv2
    except ImportError:
        return False
    return hasattr(getattr(cv2, "optflow", None), "DualTVL1OpticalFlow_create")


def _gray(frame):
    frame = np.asarray(frame)
    if frame.ndim == 3 and frame.shape[-1] == 3:
        frame = frame.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    elif frame.ndim == 3:
        frame = frame[..., 0].astype(np.float32)
    return frame.astype(np.float32) / 255.0


class TVL1:
    """TV-L1 optical flow (Zach et al. 2007) between two frames, by scikit-image or OpenCV contrib.

    Args:
        backend: "skimage" (``skimage.registration.optical_flow_tvl1``, the default)
            or "opencv" (``cv2.optflow.DualTVL1OpticalFlow``, faster, needs
            ``opencv-contrib-python-headless``).

    Calling it on frames t and t + 1 returns (H, W, 2) flow (u, v): the pixel at
    (x, y) in frame t is at (x + u, y + v) in frame t + 1.
    """

    def __init__(self, backend="skimage"):
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        if backend == "opencv" and not opencv_available():
            raise ValueError("backend 'opencv' needs OpenCV's contrib modules: pip install "
                             "opencv-contrib-python-headless (cv2.optflow.DualTVL1OpticalFlow_create not found)")
        self.backend = backend
        self._opencv = None

    def __call__(self, first, second):
        first, second = _gray(first), _gray(second)
        if self.backend == "skimage":
            from skimage.registration import optical_flow_tvl1

            v, u = optical_flow_tvl1(first, second)
            return np.stack([u, v], axis=-1).astype(np.float32)
        import cv2

        if self._opencv is None:
            self._opencv = cv2.optflow.DualTVL1OpticalFlow_create()
        as_bytes = [np.clip(np.rint(f * 255), 0, 255).astype(np.uint8) for f in (first, second)]
        return self._opencv.calc(as_bytes[0], as_bytes[1], None).astype(np.float32)


def flow_dir(flow_root, video_path):
    """The folder of one video's flow images: ``flow_root / video_path`` without its extension."""
    return pathlib.Path(flow_root) / pathlib.PurePath(video_path).with_suffix("")


def flow_image_name(number):
    return f"flow_{number:05d}.jpg"


def is_complete(directory):
    return (pathlib.Path(directory) / MARKER).is_file()


def compute_video_flow(frames, directory, tvl1=None, bound=FLOW_BOUND, quality=95):
    """Compute and store the flow of one video's frames; resumable, every file written atomically.

    Images already present are kept (a killed run resumes where it stopped);
    ``flow.json`` (frames, bound, backend) is written last. Returns the number of
    images computed in this call (0 when the folder was complete).
    """
    import imageio.v3 as iio

    directory = pathlib.Path(directory)
    if is_complete(directory):
        return 0
    frames = np.asarray(frames)
    if frames.ndim != 4 or len(frames) < 2:
        raise ValueError(f"flow needs (T >= 2, H, W, C) frames, got {frames.shape}")
    tvl1 = tvl1 or TVL1()
    computed = 0
    for t in range(len(frames) - 1):
        target = directory / flow_image_name(t + 1)
        if target.is_file():
            continue
        image = encode_flow(tvl1(frames[t], frames[t + 1]), bound)
        with atomic_path(target) as tmp:
            iio.imwrite(tmp, image, extension=".jpg", quality=quality)
        computed += 1
    with atomic_path(directory / MARKER) as tmp:
        tmp.write_text(json.dumps({"images": len(frames) - 1, "bound": bound, "backend": tvl1.backend}))
    return computed


def compute_index_flow(index, out, backend="skimage", bound=FLOW_BOUND, size=None, limit=None, progress=True):
    """The flow of every video of a ``VideoIndex`` under ``out`` (resumable, with a tqdm progress bar).

    Returns (videos computed now, images computed now); complete videos are skipped.
    """
    import time

    from tqdm import tqdm

    from keras_stvideo.data.video import read_video

    if not bound > 0:
        raise ValueError(f"bound must be positive, got {bound!r}")
    tvl1 = TVL1(backend)
    paths = sorted({entry.path for entry in index.entries})[:limit]
    videos = images = 0
    start = time.perf_counter()
    bar = tqdm(paths, desc="TV-L1 flow", unit="video", disable=not progress)
    for path in bar:
        directory = flow_dir(out, path)
        if is_complete(directory):
            continue
        frames = read_video(index.root / path, size=tuple(size) if size else None)  # every frame of the video
        images += compute_video_flow(frames, directory, tvl1, bound)
        videos += 1
        bar.set_postfix(images_per_s=f"{images / max(time.perf_counter() - start, 1e-9):.1f}")
    return videos, images


def read_flow(directory, size=None, frame_range=None):
    """A video's colour-coded flow images as a (T - 1, H, W, 3) uint8 array.

    Args:
        directory: the video's flow folder (``flow_dir``).
        size: optional (height, width) to resize to.
        frame_range: optional (start, stop) of the video's frames; gives the
            flow images between them (stop - start - 1 images).

    Raises:
        FlowImageError: the folder is incomplete, or an image is missing or corrupt (named).
    """
    import imageio.v3 as iio

    from keras_stvideo.data.video import resize_frames

    directory = pathlib.Path(directory)
    marker = directory / MARKER
    if not marker.is_file():
        raise FlowImageError(f"no complete flow in {directory} ({MARKER} missing): run data_scripts/compute_flow.py")
    try:
        count = int(json.loads(marker.read_text())["images"])
    except (ValueError, KeyError, TypeError) as error:
        raise FlowImageError(f"{marker} is not a flow marker file: {error}") from None
    numbers = range(1, count + 1)
    if frame_range is not None:
        start, stop = frame_range
        numbers = range(start + 1, min(stop, count + 1))
    images = []
    for number in numbers:
        path = directory / flow_image_name(number)
        if not path.is_file():
            raise FlowImageError(f"flow image missing: {path}")
        try:
            image = np.asarray(iio.imread(path))
        except Exception as error:  # Pillow raises several error types for broken files
            raise FlowImageError(f"cannot decode flow image {path}: {error}") from error
        if image.ndim != 3 or image.shape[-1] != 3:
            raise FlowImageError(f"flow image {path} has shape {image.shape}, expected (H, W, 3)")
        images.append(image)
    if not images:
        raise FlowImageError(f"no flow images in range {frame_range!r} of {directory}")
    flow = np.stack(images)
    return resize_frames(flow, size) if size is not None else flow


def _check_bound(bound):
    if not (isinstance(bound, (int, float, np.floating, np.integer)) and np.isfinite(bound) and bound > 0):
        raise ValueError(f"bound must be a positive finite number, got {bound!r}")


def quantise_flow_xy(flow, bound=FLOW_BOUND):
    """(..., 2) flow (u, v) in pixels -> (..., 2) uint8 levels ``round(255 (clip(w) + bound) / (2 bound))`` (TSN)."""
    _check_bound(bound)
    flow = np.asarray(flow, dtype=np.float64)
    if flow.shape[-1:] != (2,):
        raise ValueError(f"flow must have a last axis of 2 (u, v), got shape {flow.shape}")
    return np.rint((np.clip(flow, -bound, bound) + bound) * (255.0 / (2.0 * bound))).astype(np.uint8)


def dequantise_flow_xy(levels, bound=FLOW_BOUND):
    """uint8 levels -> float32 flow in pixels, ``q * 2 bound / 255 - bound``: within ``bound / 255`` of the
    clipped flow that ``quantise_flow_xy`` quantised (before any JPEG loss)."""
    _check_bound(bound)
    return (np.asarray(levels, dtype=np.float32) * np.float32(2.0 * bound / 255.0) - np.float32(bound))


def write_flow_frames(flows, directory, bound=FLOW_BOUND, quality=95):
    """Write (N, H, W, 2) flow as TSN's ``flow_x_00001.jpg`` / ``flow_y_00001.jpg`` ... (module docstring).

    Every file is written atomically; returns the number of image pairs. ``quality`` is the JPEG quality (95,
    what OpenCV's ``imwrite`` uses by default, as ``dense_flow`` does).
    """
    import imageio.v3 as iio

    flows = np.asarray(flows)
    if flows.ndim != 4 or flows.shape[-1] != 2 or len(flows) == 0:
        raise ValueError(f"flows must have shape (N >= 1, H, W, 2), got {flows.shape}")
    levels = quantise_flow_xy(flows, bound)
    directory = pathlib.Path(directory)
    for number, level in enumerate(levels, start=1):
        for axis, name in enumerate("xy"):
            with atomic_path(directory / TSN_TEMPLATE.format(name, number)) as tmp:
                iio.imwrite(tmp, level[..., axis], extension=".jpg", quality=quality)
    return len(levels)


def _read_grey(path):
    import imageio.v3 as iio

    if not path.is_file():
        raise FlowImageError(f"flow image missing: {path}")
    try:
        image = np.asarray(iio.imread(path))
    except Exception as error:  # Pillow raises several error types for broken files
        raise FlowImageError(f"cannot decode flow image {path}: {error}") from error
    if image.ndim != 2:
        raise FlowImageError(f"flow image {path} has shape {image.shape}, expected a greyscale (H, W) image")
    return image


def read_flow_frames(directory, frame_range=None, size=None):
    """TSN-layout flow images of a folder as an (N, H, W, 2) uint8 array of levels (u, v), as MMAction2 stacks them.

    Args:
        directory: a folder of ``flow_x_00001.jpg``, ``flow_y_00001.jpg``, ... (numbered from 1, no gap).
        frame_range: optional (start, stop) of the video's frames: the images between them
            (``flow_x_{start + 1}`` .. ``flow_x_{stop - 1}``, clipped to the images there).
        size: optional (height, width) to resize to (``resize_frames``).

    ``dequantise_flow_xy`` turns the levels into pixels.

    Raises:
        FlowImageError: no ``flow_x_00001.jpg``, a ``flow_y`` image missing, or an image that does not decode.
    """
    from keras_stvideo.data.video import resize_frames

    directory = pathlib.Path(directory)
    count = 0
    while (directory / TSN_TEMPLATE.format("x", count + 1)).is_file():
        count += 1
    if count == 0:
        raise FlowImageError(f"no TSN flow images in {directory} ({TSN_TEMPLATE.format('x', 1)} missing)")
    numbers = range(1, count + 1)
    if frame_range is not None:
        start, stop = (int(v) for v in frame_range)
        numbers = range(start + 1, min(stop, count + 1))
    if len(numbers) == 0:
        raise FlowImageError(f"no flow images in range {frame_range!r} of {directory} ({count} images)")
    flow = np.stack([np.stack([_read_grey(directory / TSN_TEMPLATE.format(name, number)) for name in "xy"], -1)
                     for number in numbers])
    return resize_frames(flow, size) if size is not None else flow


def flow_clip_dataset(index, flow_root, split, role, sampler, **kwargs):
    """A ``VideoClipDataset`` that serves colour-coded flow clips of the same index's videos.

    The samplers and batching are the RGB stream's; only the loading differs.
    """
    from keras_stvideo.data.video_dataset import VideoClipDataset

    class FlowClipDataset(VideoClipDataset):
        def read_entry(self, entry):
            return read_flow(flow_dir(flow_root, entry.path), size=self.frame_size, frame_range=entry.frame_range)

    return FlowClipDataset(index, split, role, sampler, **kwargs)
