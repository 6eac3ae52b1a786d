"""The 18 test views of FstCN (Sun et al. 2015, Fig. 3): 9 crops and their horizontal flips."""

import numpy as np

CROP_NAMES = (
    "top_left", "top_middle", "top_right",
    "middle_left", "centre", "middle_right",
    "bottom_left", "bottom_middle", "bottom_right",
)


def crop_boxes(height, width, crop_size):
    """(top, left) of the 9 crops in the order of ``CROP_NAMES``."""
    if crop_size > height or crop_size > width:
        raise ValueError(f"crop_size {crop_size} is larger than the frames ({height} x {width})")
    rows = (0, (height - crop_size) // 2, height - crop_size)
    cols = (0, (width - crop_size) // 2, width - crop_size)
    return [(r, c) for r in rows for c in cols]


def eighteen_views(clip, crop_size):
    """(18, T, crop, crop, C): the 9 crops of ``clip`` (T, H, W, C), then the same 9 flipped horizontally."""
    clip = np.asarray(clip)
    if clip.ndim != 4:
        raise ValueError(f"clip must have shape (T, H, W, C), got {clip.shape}")
    crops = [clip[:, r : r + crop_size, c : c + crop_size]
             for r, c in crop_boxes(clip.shape[1], clip.shape[2], crop_size)]
    crops = np.stack(crops)
    return np.concatenate([crops, crops[:, :, :, ::-1]])
