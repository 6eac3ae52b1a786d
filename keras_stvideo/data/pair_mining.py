"""Scalable unsupervised pair mining for the Siamese C3D (Paul et al. 2018, section 2, Algorithm 1).

Mining is index arithmetic on video shapes only (``PairMiner``: which video, which
position, which transform); the frames are read afterwards, and only the
``t0`` frames of each volume are kept (``read_frames`` stops decoding at the
volume's last frame). ``PairMiningDataset`` serves the mined batches to
``model.fit`` from a ``VideoIndex`` without ever decoding the whole dataset.

* Positive pair (section 2): two volumes of shape (t0, y0, x0) of one video
  that do not intersect; Algorithm 1 draws again when they do ("Goto Step 5").
* Negative pair: a volume of video m and one of video n != m.
* Transforms F of the second volume: F1 (colour in HSV, section 3: "adding a
  random number in (-0.1, 0.1) to all the pixels", read literally as adding it to
  every H, S and V value (``offset_on="all"``, default; ``"hue"`` adds it to the
  hue only), an exponent of S and V in (0.5, 2), a scaling of S and V in (0.7, 2),
  uniform) when r1 ~ N(0, 1) > 0, then F2 (horizontal flip, X A with A
  anti-diagonal) when r2 ~ N(0, 1) > 0: F is I, F1, F2 or F1 o F2 with
  probability 1/4 each. The same draw applies to every frame of a volume.
  Section 2 applies F to positive and negative pairs; Algorithm 1 as printed only
  in its negative loop. ``transform_on="both"`` (default) follows section 2,
  ``"negative"`` Algorithm 1 as printed (see docs/faithfulness.md).
* Batch composition (Algorithm 1, line 1): N_p = round(pB) positives and
  N_n = B - N_p negatives, p = 0.3 and B = 10 (section 3).
"""

import dataclasses

import keras
import numpy as np

from keras_stvideo.training.epochs import EpochCounter

HUE_SHIFT_RANGE = (-0.1, 0.1)  # section 3, colour transformation 1: "adding a random number ... to all the pixels"
OFFSET_ON = ("all", "hue")  # transformation 1 added to every HSV value (the paper's words) or to the hue only
EXPONENT_RANGE = (0.5, 2.0)  # section 3, colour transformation 2 (S and V)
SCALE_RANGE = (0.7, 2.0)  # section 3, colour transformation 3 (S and V)
POSITIVE_RATIO = 0.3  # section 3: "30-70% split in positive and negative samples"
BATCH_SIZE = 10  # section 3: "mini-batch size of 10"
VOLUME_SHAPE = (16, 112, 112)  # (t0, y0, x0): C3D's 16 x 112 x 112 crops (Tran et al. 2015, section 3.1)
FRAME_SIZE = (128, 171)  # C3D resizes frames to 128 x 171 (Tran et al. 2015, section 3.1)
TRANSFORM_ON = ("both", "negative", "positive", "none")


# --------------------------------------------------------------------------- transforms
@dataclasses.dataclass(frozen=True)
class ColourParams:
    """One draw of F1 (section 3): the offset of step 1, the S/V exponent and the S/V scale.

    ``offset_on``: "all" adds ``hue_shift`` to every H, S and V value (section 3's "adding a random
    number ... to all the pixels"); "hue" adds it to the hue only (a hue shift).
    """

    hue_shift: float
    exponent: float
    scale: float
    offset_on: str = "all"

    def __post_init__(self):
        if self.offset_on not in OFFSET_ON:
            raise ValueError(f"offset_on must be one of {OFFSET_ON}, got {self.offset_on!r}")


def draw_colour_params(rng, offset_on="all"):
    """F1's three numbers, each uniform over its range of section 3."""
    return ColourParams(float(rng.uniform(*HUE_SHIFT_RANGE)), float(rng.uniform(*EXPONENT_RANGE)),
                        float(rng.uniform(*SCALE_RANGE)), offset_on)


def colour_transform(volume, params):
    """F1 on a (T, H, W, 3) volume in HSV (section 3), with scikit-image's colour conversions.

    Step 1 adds ``hue_shift`` to H, S and V (``offset_on="all"``) or to H only (``"hue"``): hue
    modulo 1, S and V clipped to [0, 1]; then saturation and value become
    ``clip(scale * x ** exponent, 0, 1)``, one exponent and one scale for both, the same for every frame.
    uint8 volumes come back as uint8 (rounded), float volumes (in [0, 1]) as float32.
    """
    from skimage.color import hsv2rgb, rgb2hsv

    volume = np.asarray(volume)
    if volume.ndim != 4 or volume.shape[-1] != 3:
        raise ValueError(f"volume must have shape (T, H, W, 3), got {volume.shape}")
    as_uint8 = volume.dtype == np.uint8
    rgb = volume.astype(np.float32) / 255.0 if as_uint8 else volume.astype(np.float32)
    hsv = rgb2hsv(rgb, channel_axis=-1)
    hsv[..., 0] = np.mod(hsv[..., 0] + params.hue_shift, 1.0)
    if params.offset_on == "all":
        hsv[..., 1:] = np.clip(hsv[..., 1:] + params.hue_shift, 0.0, 1.0)
    hsv[..., 1:] = np.clip(params.scale * np.power(hsv[..., 1:], params.exponent), 0.0, 1.0)
    out = hsv2rgb(hsv, channel_axis=-1).astype(np.float32)
    if as_uint8:
        return np.clip(np.rint(out * 255.0), 0, 255).astype(np.uint8)
    return out


def flip_transform(volume):
    """F2 (section 2): X A with A the anti-diagonal of ones, i.e. every frame flipped left-right."""
    return np.ascontiguousarray(np.asarray(volume)[:, :, ::-1])


# --------------------------------------------------------------------------- index arithmetic
@dataclasses.dataclass(frozen=True)
class Volume:
    """A volume V_video{x, y, t, x0, y0, t0}: the video's position in the list and the volume's corner."""

    video: int
    t: int
    y: int
    x: int


@dataclasses.dataclass(frozen=True)
class PairPlan:
    """One mined pair before any frame is read: the two volumes, y (+1 / -1) and F on the second."""

    first: Volume
    second: Volume
    label: int
    colour: ColourParams = None  # F1's draw, None when F1 is not applied
    flip: bool = False  # F2


def volumes_intersect(a, b, volume_shape):
    """Whether two (t0, y0, x0) boxes share a voxel (same video and overlapping on all three axes)."""
    if a.video != b.video:
        return False
    return all(abs(pa - pb) < size for pa, pb, size in zip((a.t, a.y, a.x), (b.t, b.y, b.x), volume_shape))


class PairMiner:
    """Algorithm 1 (Paul et al. 2018) on video shapes: batches of ``PairPlan`` s, index arithmetic only.

    Args:
        video_shapes: (frames, height, width) of every video, in the frame size the
            volumes are cut from.
        volume_shape: (t0, y0, x0), (16, 112, 112).
        positive_ratio: p (0.3, section 3); N_p = round(pB).
        batch_size: B (10, section 3).
        transform_on: which pairs' second volume F is applied to: "both" (section 2,
            default), "negative" (Algorithm 1 as printed), "positive" or "none".
        max_offset: optional (dt, dy, dx): the "certain boundary" of section 2 within
            which a positive pair's second volume lies relative to the first; None
            (default) draws both anywhere in the video, as Algorithm 1's two STVolume calls do.
        max_tries: draws of a positive pair before giving up (Algorithm 1 retries without limit).
        offset_on: F1's step 1 added to every HSV value ("all", section 3's words, default) or to the hue
            only ("hue").
    """

    def __init__(self, video_shapes, volume_shape=VOLUME_SHAPE, positive_ratio=POSITIVE_RATIO, batch_size=BATCH_SIZE,
                 transform_on="both", max_offset=None, max_tries=1000, offset_on="all"):
        if offset_on not in OFFSET_ON:
            raise ValueError(f"offset_on must be one of {OFFSET_ON}, got {offset_on!r}")
        self.offset_on = offset_on
        self.video_shapes = [tuple(int(d) for d in shape) for shape in video_shapes]
        self.volume_shape = tuple(int(d) for d in volume_shape)
        if len(self.volume_shape) != 3 or min(self.volume_shape) < 1:
            raise ValueError(f"volume_shape must be three positive integers (t0, y0, x0), got {volume_shape!r}")
        if len(self.video_shapes) < 2:
            raise ValueError(f"negative pairs need at least 2 videos, got {len(self.video_shapes)}")
        if not 0.0 <= positive_ratio <= 1.0:
            raise ValueError(f"positive_ratio must lie in [0, 1], got {positive_ratio!r}")
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 2:
            raise ValueError(f"batch_size must be an integer >= 2, got {batch_size!r}")
        self.num_positive = int(round(positive_ratio * batch_size))  # Algorithm 1, line 1
        self.num_negative = int(batch_size) - self.num_positive
        if self.num_positive == 0 or self.num_negative == 0:
            raise ValueError(f"positive_ratio={positive_ratio} and batch_size={batch_size} give N_p={self.num_positive}"
                             f" and N_n={self.num_negative}; Eq. 2 needs at least one of each")
        if transform_on not in TRANSFORM_ON:
            raise ValueError(f"transform_on must be one of {TRANSFORM_ON}, got {transform_on!r}")
        self.transform_on = transform_on
        self.max_offset = None if max_offset is None else tuple(int(d) for d in max_offset)
        if self.max_offset is not None and (len(self.max_offset) != 3 or min(self.max_offset) < 0):
            raise ValueError(f"max_offset must be three non-negative integers (dt, dy, dx), got {max_offset!r}")
        self.max_tries = int(max_tries)
        for i, shape in enumerate(self.video_shapes):
            if any(v > s for v, s in zip(self.volume_shape, shape)):
                raise ValueError(f"video {i} has shape {shape} (frames, height, width), smaller than the volume "
                                 f"shape {self.volume_shape}")
        self._positive_videos = [i for i, shape in enumerate(self.video_shapes) if self._fits_two(shape)]
        if not self._positive_videos:
            raise ValueError(f"no video can hold two non-intersecting volumes of shape {self.volume_shape} "
                             f"(t0, y0, x0); video shapes start {self.video_shapes[:3]}")

    @property
    def batch_size(self):
        return self.num_positive + self.num_negative

    def _fits_two(self, shape):
        return any(s >= 2 * v for s, v in zip(shape, self.volume_shape))

    def st_volume(self, rng, video):
        """STVolume(V) of Algorithm 1: a volume at a uniformly random position in the video."""
        frames, height, width = self.video_shapes[video]
        t0, y0, x0 = self.volume_shape
        return Volume(video, int(rng.integers(frames - t0 + 1)), int(rng.integers(height - y0 + 1)),
                      int(rng.integers(width - x0 + 1)))

    def _near(self, rng, first):
        """A volume of first's video whose corner lies within max_offset of first's corner."""
        limits = []
        for position, offset, size, extent in zip((first.t, first.y, first.x), self.max_offset, self.volume_shape,
                                                  self.video_shapes[first.video]):
            low, high = max(0, position - offset), min(extent - size, position + offset)
            limits.append(int(rng.integers(low, high + 1)))
        return Volume(first.video, *limits)

    def _transform(self, rng, applies):
        if not applies:
            return None, False
        colour = draw_colour_params(rng, self.offset_on) if rng.standard_normal() > 0 else None  # r1 ~ N(0, 1) > 0: F1
        flip = bool(rng.standard_normal() > 0)  # r2 ~ N(0, 1) > 0: F2
        return colour, flip

    def positive_pair(self, rng):
        """Two non-intersecting volumes of one video (Algorithm 1's first loop), drawn again while they intersect."""
        for _ in range(self.max_tries):
            video = int(rng.integers(len(self.video_shapes)))  # m ~ U[1, N]
            first = self.st_volume(rng, video)
            second = self.st_volume(rng, video) if self.max_offset is None else self._near(rng, first)
            if not volumes_intersect(first, second, self.volume_shape):
                colour, flip = self._transform(rng, self.transform_on in ("both", "positive"))
                return PairPlan(first, second, +1, colour, flip)
        raise ValueError(f"no non-intersecting positive pair of volumes {self.volume_shape} found in "
                         f"{self.max_tries} draws; use shorter volumes, longer videos or a larger max_offset")

    def negative_pair(self, rng):
        """One volume of video m and one of video n != m (Algorithm 1's second loop)."""
        m = int(rng.integers(len(self.video_shapes)))
        n = int(rng.integers(len(self.video_shapes) - 1))
        n += n >= m  # n ~ U([1, N] - m)
        colour, flip = self._transform(rng, self.transform_on in ("both", "negative"))
        return PairPlan(self.st_volume(rng, m), self.st_volume(rng, n), -1, colour, flip)

    def mine_batch(self, rng):
        """One batch: N_p positive plans, then N_n negative ones (Algorithm 1)."""
        return ([self.positive_pair(rng) for _ in range(self.num_positive)]
                + [self.negative_pair(rng) for _ in range(self.num_negative)])


# --------------------------------------------------------------------------- frames
def read_frames(path, start, stop, frame_range=None, size=None):
    """Frames [start, stop) of a video file as a (stop - start, H, W, C) uint8 array, decoding no further than stop.

    Decoding starts at the keyframe before ``start`` (``keras_stvideo.data.video.read_frames``) and
    only the volume's frames are converted, resized to ``size`` (height, width) when given, so memory
    holds one volume, not the video. ``frame_range`` = (first, last) offsets the indices into a
    sub-sequence (KTH).
    """
    from keras_stvideo.data.video import VideoDecodeError
    from keras_stvideo.data.video import read_frames as read_video_frames

    offset = 0 if frame_range is None else int(frame_range[0])
    start, stop = int(start) + offset, int(stop) + offset
    if not 0 <= start < stop:
        raise ValueError(f"need 0 <= start < stop, got start={start}, stop={stop}")
    try:
        return read_video_frames(path, np.arange(start, stop), size=size, on_truncated="raise")
    except VideoDecodeError:
        raise
    except ValueError as error:
        if "past the end" not in str(error):
            raise
        from keras_stvideo.data.video import count_frames

        raise VideoDecodeError(f"video {path} ended after {count_frames(path)} frames; frames [{start}, {stop}) "
                               "were requested (its header's frame count is wrong: pass video_shapes)") from None


def probe_video_shape(path, frame_range=None):
    """(frames, height, width) of a video file: the size from its header, the frames counted from its packets
    (no decoding).
    """
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        height, width = int(stream.height), int(stream.width)
    from keras_stvideo.data.video import count_frames

    frames = count_frames(path)  # the packets, not the header's count (which may be wrong)
    if frame_range is not None:
        frames = min(int(frame_range[1]), frames) - int(frame_range[0])
    return frames, height, width


def extract_volume(frames, volume, volume_shape, colour=None, flip=False):
    """Crop a volume's (y0, x0) window from its ``t0`` frames and apply F1 then F2 (F = F1 o F2 keeps that order)."""
    t0, y0, x0 = volume_shape
    crop = np.asarray(frames)[:t0, volume.y : volume.y + y0, volume.x : volume.x + x0]
    if colour is not None:
        crop = colour_transform(crop, colour)
    if flip:
        crop = flip_transform(crop)
    return np.ascontiguousarray(crop)


def materialize(plans, read, volume_shape):
    """Arrays ``(first, second, labels)`` for ``plans``; ``read(volume)`` returns that volume's t0 frames."""
    first, second, labels = [], [], []
    for plan in plans:
        first.append(extract_volume(read(plan.first), plan.first, volume_shape))
        second.append(extract_volume(read(plan.second), plan.second, volume_shape, plan.colour, plan.flip))
        labels.append(plan.label)
    return np.stack(first), np.stack(second), np.asarray(labels, np.float32)


# --------------------------------------------------------------------------- the dataset
class PairMiningDataset(EpochCounter, keras.utils.PyDataset):
    """Batches of mined pairs (Algorithm 1, Paul et al. 2018) from the videos of a ``VideoIndex``, for ``model.fit``.

    Each batch is ``((first, second), y)``: two (B, t0, y0, x0, 3) float32
    arrays in [0, 1] and y (B,) with N_p = round(pB) entries +1 followed by
    N_n = B - N_p entries -1. Mining uses only the videos' shapes (probed from
    the file headers once, or given); reading decodes each needed video up to
    the volume's last frame and keeps only its t0 frames.

    Args:
        index: a ``VideoIndex`` (labels are not used: mining is unsupervised).
        split, role: which videos, e.g. ("split1", "train"); split=None takes every entry.
        volume_shape: (t0, y0, x0) = (16, 112, 112).
        positive_ratio: p = 0.3; batch_size: B = 10 (section 3).
        batches_per_epoch: batches per epoch (mining is unbounded; the paper does not say).
        frame_size: (height, width) frames are resized to before cropping, (128, 171)
            as C3D (Tran et al. 2015, section 3.1); None keeps the files' size.
        transform_on, max_offset, offset_on: see ``PairMiner``.
        video_shapes: optional (frames, height, width) of every entry in the files'
            own size (skips probing the headers).
        seed: batch i of epoch e is mined from ``numpy.random.default_rng([seed, e, i])``.
    """

    def __init__(self, index, split="split1", role="train", volume_shape=VOLUME_SHAPE,
                 positive_ratio=POSITIVE_RATIO, batch_size=BATCH_SIZE, batches_per_epoch=100,
                 frame_size=FRAME_SIZE, transform_on="both", max_offset=None, video_shapes=None, seed=0,
                 offset_on="all", **kwargs):
        super().__init__(**kwargs)
        self.index = index
        self.entries = list(index.entries) if split is None else index.entries_for(split, role)
        if len(self.entries) < 2:
            raise ValueError(f"pair mining needs at least 2 videos, the index has {len(self.entries)} "
                             f"for split={split!r}, role={role!r}")
        if not isinstance(batches_per_epoch, (int, np.integer)) or batches_per_epoch < 1:
            raise ValueError(f"batches_per_epoch must be a positive integer, got {batches_per_epoch!r}")
        self.batches_per_epoch = int(batches_per_epoch)
        self.frame_size = None if frame_size is None else tuple(int(d) for d in frame_size)
        self.seed = int(seed)
        if video_shapes is None:
            video_shapes = [probe_video_shape(index.path_of(e), e.frame_range) for e in self.entries]
        elif len(video_shapes) != len(self.entries):
            raise ValueError(f"video_shapes must give one shape per video ({len(self.entries)}), "
                             f"got {len(video_shapes)}")
        self.file_shapes = [tuple(int(d) for d in s) for s in video_shapes]
        shapes = self.file_shapes if self.frame_size is None else [
            (s[0],) + self.frame_size for s in self.file_shapes]
        self.miner = PairMiner(shapes, volume_shape, positive_ratio, batch_size, transform_on, max_offset,
                               offset_on=offset_on)
        self.volume_shape = self.miner.volume_shape

    def __len__(self):
        return self.batches_per_epoch

    def batch_plans(self, position):
        """The ``PairPlan`` s of batch ``position`` in the current epoch (index arithmetic only)."""
        return self.miner.mine_batch(np.random.default_rng([self.seed, self.epoch, position]))

    def read(self, volume):
        """The t0 frames of ``volume`` from disk, resized to ``frame_size``."""
        entry = self.entries[volume.video]
        return read_frames(self.index.path_of(entry), volume.t, volume.t + self.volume_shape[0],
                           entry.frame_range, size=self.frame_size)

    def __getitem__(self, position):
        if not 0 <= position < len(self):
            raise IndexError(f"batch index {position} out of range [0, {len(self)})")
        first, second, labels = materialize(self.batch_plans(position), self.read, self.volume_shape)
        scale = np.float32(1.0 / 255.0)
        return (first.astype(np.float32) * scale, second.astype(np.float32) * scale), labels
