"""Clip and volume samplers, each from its paper.

* ``sample_fstcn_clip_pair``: FstCN's V_clip and V_diff (Sun et al. 2015, section 2.2).
* ``sample_consecutive_clip`` and ``uniform_test_clips``: TeSNet's K consecutive
  frames and its 20 uniformly spaced test clips (Huang & Bors 2020, section 3.1).
* ``sample_volume_pairs``: positive and negative spatio-temporal volume pairs for
  unsupervised Siamese training (Paul et al. 2018, section 2, Algorithm 1), from
  in-memory videos through ``pair_mining.PairMiner``.

Videos are (T, H, W, C) arrays; samplers take a ``numpy.random.Generator``.
``read_fstcn_clip_pair``, ``read_consecutive_clip`` and ``read_test_clips`` sample
the same clips from a video file, decoding only the frames they need (seeking to
the keyframe before them; ``keras_stvideo.data.video.read_frames``): with the
same generator they return what the in-memory samplers return for
``read_video(path, size=size, frame_range=frame_range)``.
"""

from typing import NamedTuple

import numpy as np


def _check_video(video, name="video"):
    video = np.asarray(video)
    if video.ndim != 4:
        raise ValueError(f"{name} must have shape (T, H, W, C), got {video.shape}")
    return video


def random_crop_box(rng, height, width, crop_size):
    """(top, left) of a random ``crop_size`` square inside a height x width frame."""
    if crop_size > height or crop_size > width:
        raise ValueError(f"crop_size {crop_size} is larger than the frames ({height} x {width})")
    return int(rng.integers(0, height - crop_size + 1)), int(rng.integers(0, width - crop_size + 1))


def fstcn_clip_indices(start, clip_length=5, stride=5):
    """Frame indices ``start, start + s_t, ..., start + (l_t - 1) s_t`` of one clip (section 2.2)."""
    return start + stride * np.arange(clip_length)


class FstcnClipPair(NamedTuple):
    """One FstCN sample: ``v_clip`` and ``v_diff`` (l_t, H, W, C) float32 and the frame ``indices`` (l_t,)."""

    v_clip: np.ndarray
    v_diff: np.ndarray
    indices: np.ndarray


def fstcn_clip_pair_at(video, start, clip_length=5, stride=5, diff_offset=9):
    """V_clip and V_diff at one start (section 2.2): the one place that computes V_diff.

    ``V_clip`` holds frames ``i_t = start + k * s_t`` (k < l_t) and ``V_diff`` the
    frames ``V^diff(i_t) = |V(i_t) - V(i_t + d_t)|`` at the same indices. No crop, no
    flip; the caller checks that ``start`` leaves room for ``i_t + d_t``.
    """
    indices = fstcn_clip_indices(start, clip_length, stride)
    v_clip = video[indices].astype(np.float32)
    v_diff = np.abs(v_clip - video[indices + diff_offset].astype(np.float32))
    return FstcnClipPair(v_clip, v_diff, indices)


def sample_fstcn_clip_pair(video, rng, clip_length=5, stride=5, diff_offset=9, crop_size=None, flip=True, start=None):
    """One FstCN training pair (V_clip, V_diff), Sun et al. 2015 section 2.2.

    ``V_clip`` holds frames ``i_t = start + k * s_t`` (k < l_t) and ``V_diff`` the
    frames ``|V(i_t) - V(i_t + d_t)|`` at the same indices. Both get the same
    random crop and the same horizontal flip (section 2.5).

    Args:
        video: (T, H, W, C) frames.
        rng: a ``numpy.random.Generator``.
        clip_length: l_t (5, section 3).
        stride: s_t (5, section 3).
        diff_offset: d_t (9, section 3).
        crop_size: side of the square crop (204, section 2.5); None keeps the frame.
        flip: flip both clips horizontally with probability 1/2.
        start: the first frame; random (uniform over valid starts) when None.

    Returns:
        ``FstcnClipPair(v_clip, v_diff, indices)``: float32 arrays (l_t, crop, crop, C) and the indices.
    """
    video = _check_video(video)
    frames, height, width = video.shape[:3]
    span = (clip_length - 1) * stride + diff_offset + 1
    if frames < span:
        raise ValueError(
            f"video has {frames} frames; a clip with l_t={clip_length}, s_t={stride}, d_t={diff_offset} needs {span}"
        )
    if start is None:
        start = int(rng.integers(0, frames - span + 1))
    elif not 0 <= start <= frames - span:
        raise ValueError(f"start must lie in [0, {frames - span}], got {start}")
    v_clip, v_diff, indices = fstcn_clip_pair_at(video, start, clip_length, stride, diff_offset)
    if crop_size is not None:
        top, left = random_crop_box(rng, height, width, crop_size)
        v_clip = v_clip[:, top : top + crop_size, left : left + crop_size]
        v_diff = v_diff[:, top : top + crop_size, left : left + crop_size]
    if flip and rng.random() < 0.5:
        v_clip, v_diff = v_clip[:, :, ::-1], v_diff[:, :, ::-1]
    return FstcnClipPair(np.ascontiguousarray(v_clip), np.ascontiguousarray(v_diff), indices)


def fstcn_test_starts(num_frames, num_clips=5, clip_length=5, stride=5, diff_offset=9):
    """Start frames of ``num_clips`` clip pairs spread evenly over a video.

    Section 2.4 samples M pairs per test video but the paper does not state M;
    ``num_clips=5`` is this package's choice.
    """
    span = (clip_length - 1) * stride + diff_offset + 1
    if num_frames < span:
        raise ValueError(f"video has {num_frames} frames; a clip pair needs {span}")
    return np.linspace(0, num_frames - span, num_clips).round().astype(int)


def _crop_and_flip(clip, rng, crop_size, flip):
    """The same random crop (when ``crop_size``) and horizontal flip (probability 1/2, when ``flip``) on every
    frame of ``clip``, drawn from ``rng`` in that order."""
    if crop_size is not None:
        top, left = random_crop_box(rng, clip.shape[1], clip.shape[2], crop_size)
        clip = clip[:, top : top + crop_size, left : left + crop_size]
    if flip and rng.random() < 0.5:
        clip = clip[:, :, ::-1]
    return np.ascontiguousarray(clip)


def sample_consecutive_clip(video, rng, num_frames=10, crop_size=None, flip=False):
    """K consecutive frames from a random start (TeSNet, section 3.1), with an optional random crop and flip."""
    video = _check_video(video)
    if video.shape[0] < num_frames:
        raise ValueError(f"video has {video.shape[0]} frames, fewer than the {num_frames} requested")
    start = int(rng.integers(0, video.shape[0] - num_frames + 1))
    clip = video[start : start + num_frames]
    return _crop_and_flip(clip, rng, crop_size, flip)


def uniform_test_clips(num_video_frames, num_frames=10, num_clips=20):
    """Start frames of ``num_clips`` clips of ``num_frames`` spaced uniformly (TeSNet test: 20 clips, section 3.1).

    Starts may repeat when the video is shorter than ``num_clips`` distinct clips.
    """
    if num_video_frames < num_frames:
        raise ValueError(f"video has {num_video_frames} frames, fewer than the {num_frames} of a clip")
    return np.linspace(0, num_video_frames - num_frames, num_clips).round().astype(int)


def sample_volume_pairs(videos, rng, num_pairs, positive_ratio=0.3, volume_shape=(16, 112, 112), flip=True,
                        transform_on="both"):
    """Unsupervised Siamese pairs from in-memory videos (Paul et al. 2018, section 2 and Algorithm 1).

    One batch of ``num_pairs`` mined by ``keras_stvideo.data.pair_mining.PairMiner``
    (the one implementation of Algorithm 1): exactly round(p * num_pairs)
    positives (two non-intersecting volumes of one video) first, then negatives
    (volumes of two different videos); the second volume gets F = I, F1, F2 or
    F1 o F2. For videos on disk use ``PairMiningDataset``, which reads only the
    frames it needs.

    Args:
        videos: (T, H, W, C) arrays, at least two.
        rng: a ``numpy.random.Generator``.
        num_pairs: B.
        positive_ratio: p (0.3, section 3).
        volume_shape: (t0, y0, x0).
        flip: False turns every transform off (F = I).
        transform_on: see ``PairMiner`` ("both": section 2; "negative": Algorithm 1 as printed).

    Returns:
        ``(first, second, targets)``: (B, t0, y0, x0, C) arrays of the videos' dtype
        and targets (B,) with 1 for positive and 0 for negative pairs.
    """
    from keras_stvideo.data.pair_mining import PairMiner, materialize

    videos = [_check_video(v, "each video") for v in videos]
    if len(videos) < 2:
        raise ValueError(f"negative pairs need at least 2 videos, got {len(videos)}")
    miner = PairMiner([v.shape[:3] for v in videos], volume_shape, positive_ratio, num_pairs,
                      transform_on if flip else "none")
    t0 = miner.volume_shape[0]
    first, second, labels = materialize(miner.mine_batch(rng), lambda vol: videos[vol.video][vol.t : vol.t + t0],
                                        miner.volume_shape)
    return first, second, (labels > 0).astype(np.int64)


def _file_frames(path, frame_range):
    """(frames in the file or sub-sequence, offset of its first frame)."""
    from keras_stvideo.data.video import count_frames

    total = count_frames(path)
    if frame_range is None:
        return total, 0
    start, stop = (int(v) for v in frame_range)
    return min(stop, total) - start, start


def count_file_frames(path, frame_range=None):
    """Frames of a video file, or of its sub-sequence ``frame_range`` (stop clipped to the file), from its packets:
    ``len(read_video(path, frame_range=frame_range))`` for a sound file, without decoding."""
    return _file_frames(path, frame_range)[0]


def _read(path, indices, size, offset):
    from keras_stvideo.data.video import read_frames

    return read_frames(path, np.asarray(indices) + offset, size=size)


def read_fstcn_clip_pair(path, rng, clip_length=5, stride=5, diff_offset=9, crop_size=None, flip=True, start=None,
                         size=None, frame_range=None):
    """``sample_fstcn_clip_pair`` from a video file: decodes only the pair's span, converts only its 2 l_t frames.

    Args:
        path: video file; ``size`` (height, width) resizes in the decoder; ``frame_range`` a sub-sequence.
        Others: as ``sample_fstcn_clip_pair`` (same draws from ``rng``, same result).

    Example:
        >>> pair = read_fstcn_clip_pair("v.avi", np.random.default_rng(0), crop_size=204,
        ...                             size=(240, 320))  # doctest: +SKIP
    """
    frames, offset = _file_frames(path, frame_range)
    span = (clip_length - 1) * stride + diff_offset + 1
    if frames < span:
        raise ValueError(f"video {path} has {frames} frames; a clip with l_t={clip_length}, s_t={stride}, "
                         f"d_t={diff_offset} needs {span}")
    if start is None:
        start = int(rng.integers(0, frames - span + 1))
    elif not 0 <= start <= frames - span:
        raise ValueError(f"start must lie in [0, {frames - span}], got {start}")
    local = fstcn_clip_indices(0, clip_length, stride)
    read = _read(path, start + np.concatenate([local, local + diff_offset]), size, offset)
    # the crop and flip are drawn as sample_fstcn_clip_pair draws them (crop box, then flip) and applied to the
    # uint8 frames before V_diff: cropping and flipping commute with |V(i_t) - V(i_t + d_t)|, and the float32
    # work shrinks to the crop (at 320 x 240 it was half of the call's time)
    read = _crop_and_flip(read, rng, crop_size, flip)
    v_clip = read[:clip_length].astype(np.float32)
    v_diff = np.abs(v_clip - read[clip_length:].astype(np.float32))
    return FstcnClipPair(v_clip, v_diff, local + start)


def read_consecutive_clip(path, rng, num_frames=10, crop_size=None, flip=False, size=None, frame_range=None):
    """``sample_consecutive_clip`` from a video file: decodes from the keyframe before the clip to its end.

    Example:
        >>> clip = read_consecutive_clip("v.avi", np.random.default_rng(0), 16, size=(112, 112))  # doctest: +SKIP
    """
    frames, offset = _file_frames(path, frame_range)
    if frames < num_frames:
        raise ValueError(f"video {path} has {frames} frames, fewer than the {num_frames} requested")
    start = int(rng.integers(0, frames - num_frames + 1))
    clip = _read(path, np.arange(start, start + num_frames), size, offset)
    return _crop_and_flip(clip, rng, crop_size, flip)


def read_test_clips(path, starts, clip_indices, size=None, frame_range=None):
    """The test clips of a video file in one pass: clip m holds frames ``starts[m] + clip_indices``, (M, len, H, W, C).

    Serves TeSNet's ``uniform_test_clips`` (``clip_indices = range(K)``) and FstCN's test pairs
    (``fstcn_clip_indices`` then the ``+ d_t`` frames); the decoder seeks between clips that are far apart.

    Example:
        >>> starts = uniform_test_clips(count_frames("v.avi"), 10, 20)  # doctest: +SKIP
        >>> clips = read_test_clips("v.avi", starts, range(10), size=(224, 224))  # doctest: +SKIP
    """
    starts, clip_indices = np.asarray(starts, np.int64), np.asarray(clip_indices, np.int64)
    indices = (starts[:, None] + clip_indices[None, :]).reshape(-1)
    offset = 0 if frame_range is None else int(frame_range[0])
    frames = _read(path, indices, size, offset)
    return frames.reshape((len(starts), len(clip_indices)) + frames.shape[1:])
