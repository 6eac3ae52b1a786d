"""Space-time patches from clips, and ST-CSAE's motion-based patch selection (Baccouche et al. 2012).

Baccouche et al. 2012 trains its auto-encoder "only with the patches containing significant
spatio-temporal information (according to a motion-based selection criteria)"
without stating the criterion. Here it is the mean absolute frame difference
inside the patch:

    motion(t, y, x) = mean over the patch's T - 1 frame pairs, its H x W pixels and channels
                      of |V(t' + 1, y', x') - V(t', y', x')|

and a patch is kept when ``motion > threshold`` (intensities in [0, 1]). It is
the simplest measure of "significant spatio-temporal change" a frame difference
gives, computed for every position at once with cumulative sums.

Example:
    >>> scores = motion_scores(clip, (5, 8, 8))            # (F - 4, H - 7, W - 7)
    >>> x, where = sample_moving_patches(clips, (5, 8, 8), shift_range=(1, 1, 1), threshold=0.02)
"""

import numpy as np


def _box_mean(volume, size):
    """Mean of every ``size`` box of a 3D volume (valid positions), by cumulative sums."""
    c = np.pad(np.asarray(volume, "float64"), ((1, 0), (1, 0), (1, 0))).cumsum(0).cumsum(1).cumsum(2)
    a, b, d = size
    total = (c[a:, b:, d:] - c[:-a, b:, d:] - c[a:, :-b, d:] - c[a:, b:, :-d]
             + c[:-a, :-b, d:] + c[:-a, b:, :-d] + c[a:, :-b, :-d] - c[:-a, :-b, :-d])
    return total / (a * b * d)


def as_float_clip(clip):
    """A clip as float32; uint8 clips are scaled to [0, 1]."""
    clip = np.asarray(clip)
    if clip.dtype == np.uint8:
        return clip.astype("float32") / 255.0
    return clip.astype("float32", copy=False)


def _check(clip, patch_size):
    clip = as_float_clip(clip)
    if clip.ndim == 3:
        clip = clip[..., None]
    if clip.ndim != 4:
        raise ValueError(f"clip must be (frames, H, W) or (frames, H, W, C), got shape {clip.shape}")
    patch_size = tuple(int(v) for v in patch_size[:3])
    if len(patch_size) != 3 or min(patch_size) < 1:
        raise ValueError(f"patch_size must be (T, H, W) with positive entries, got {patch_size}")
    for axis, size, patch in zip("THW", clip.shape[:3], patch_size):
        if patch > size:
            raise ValueError(f"the patch {patch_size} is larger than the clip {clip.shape[:3]} along {axis}: "
                             f"expected at most {size}, got {patch}")
    return clip, patch_size


def motion_scores(clip, patch_size):
    """Mean absolute frame difference inside every patch position: (F - T + 1, H - h + 1, W - w + 1).

    ``clip`` is (F, H, W[, C]) with intensities in [0, 1] (uint8 clips are scaled so);
    ``patch_size`` is (T, h, w), T >= 2.
    """
    clip, (t, h, w) = _check(clip, patch_size)
    if t < 2:
        raise ValueError(f"motion needs patches of at least 2 frames, got T={t}")
    difference = np.abs(np.diff(clip, axis=0)).mean(axis=-1)  # (F - 1, H, W)
    return _box_mean(difference, (t - 1, h, w)).astype("float32")


def extract_patches(clip, patch_size, positions):
    """The patches (N, T, h, w, C) whose first voxels are at ``positions`` (N, 3) = (t, y, x)."""
    clip, (t, h, w) = _check(clip, patch_size)
    positions = np.asarray(positions, dtype="int64").reshape(-1, 3)
    index_t = positions[:, 0, None] + np.arange(t)
    index_y = positions[:, 1, None] + np.arange(h)
    index_x = positions[:, 2, None] + np.arange(w)
    return clip[index_t[:, :, None, None], index_y[:, None, :, None], index_x[:, None, None, :]]


def sample_moving_patches(clips, patch_size, shift_range=(0, 0, 0), patches_per_clip=32, threshold=0.02,
                          seed=None, return_dropped=False):
    """Training samples for ST-CSAE: neighbourhoods of patches that pass the motion criterion.

    For each clip, up to ``patches_per_clip`` positions are drawn uniformly among
    those whose centred patch has ``motion_scores > threshold``; each sample is
    the patch with ``shift_range`` = (st, sh, sw) voxels of margin on each side
    (what the best-shift search chooses from).

    Returns:
        ``(samples (N, T + 2 st, h + 2 sh, w + 2 sw, C), where (N, 4) = (clip, t, y, x) of each
        sample's first voxel)``; with ``return_dropped``, also up to ``patches_per_clip`` samples per clip
        that fail the criterion, and their ``where``.
    """
    clips = list(clips)  # converted one at a time (uint8 clips scaled to [0, 1]): a dataset need not fit as float
    t, h, w = (int(v) for v in patch_size[:3])
    st, sh, sw = (int(v) for v in shift_range)
    if min(st, sh, sw) < 0:
        raise ValueError(f"shift_range must be non-negative, got {tuple(shift_range)}")
    if threshold < 0:
        raise ValueError(f"threshold must be non-negative, got {threshold!r}")
    outer = (t + 2 * st, h + 2 * sh, w + 2 * sw)
    rng = np.random.default_rng(seed)
    kept, kept_where, dropped, dropped_where = [], [], [], []
    for number, clip in enumerate(clips):
        clip, _ = _check(clip, outer)
        scores = motion_scores(clip, (t, h, w))
        # centred patch of the neighbourhood starting at (a, b, c) starts at (a + st, b + sh, c + sw)
        inner = scores[st:st + clip.shape[0] - outer[0] + 1, sh:sh + clip.shape[1] - outer[1] + 1,
                       sw:sw + clip.shape[2] - outer[2] + 1]
        for mask, samples, where in ((inner > threshold, kept, kept_where),
                                     (inner <= threshold, dropped, dropped_where)):
            if samples is dropped and not return_dropped:
                continue
            candidates = np.argwhere(mask)
            if len(candidates) == 0:
                continue
            chosen = candidates[rng.choice(len(candidates), min(patches_per_clip, len(candidates)), replace=False)]
            samples.append(extract_patches(clip, outer, chosen))
            where.append(np.concatenate([np.full((len(chosen), 1), number), chosen], axis=1))

    def stack(samples, where):
        if not samples:
            channels = np.shape(clips[0])[-1] if clips and np.ndim(clips[0]) == 4 else 1
            return np.zeros((0,) + outer + (channels,), "float32"), np.zeros((0, 4), "int64")
        return np.concatenate(samples), np.concatenate(where)

    result = stack(kept, kept_where)
    return result + stack(dropped, dropped_where) if return_dropped else result
