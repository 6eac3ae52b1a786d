"""Whole-video FstCN evaluation: M clip pairs x 18 views per video, fused by SCI and by averaging.

Sun et al. 2015, sections 2.4 and 3: M clip pairs (V_clip, V_diff) per test video
(M is not stated; 5 by default here), 9 crops and their flips each (Fig. 3), SCI
fusion (Eqs. 5-7) compared with averaging (Table 2).
"""

import numpy as np

from keras_stvideo.data.samplers import (
    count_file_frames,
    fstcn_clip_indices,
    fstcn_clip_pair_at,
    fstcn_test_starts,
    read_test_clips,
)
from keras_stvideo.inference.metrics import fusion_report
from keras_stvideo.inference.multiview import predict_video


def fstcn_test_pairs(video, num_clips=5, clip_length=5, stride=5, diff_offset=9):
    """The M evenly spaced (V_clip, V_diff) pairs of a test video, uncropped, float32."""
    return [
        fstcn_clip_pair_at(video, start, clip_length, stride, diff_offset)[:2]
        for start in fstcn_test_starts(len(video), num_clips, clip_length, stride, diff_offset)
    ]


def read_fstcn_test_pairs(path, num_clips=5, clip_length=5, stride=5, diff_offset=9, size=None, frame_range=None):
    """``fstcn_test_pairs(read_video(path, size, frame_range), ...)`` decoding only the pairs' frames.

    The M starts come from the frame count of the file's packets (``count_file_frames``, the length
    ``read_video`` gives for a sound file); the 2 l_t frames of each pair (``i_t`` and ``i_t + d_t``) are read
    in one pass (``read_test_clips``), resized in the decoder as ``read_video`` resizes them.
    """
    frames = count_file_frames(path, frame_range)
    starts = fstcn_test_starts(frames, num_clips, clip_length, stride, diff_offset)
    local = fstcn_clip_indices(0, clip_length, stride)
    clips = read_test_clips(path, starts, np.concatenate([local, local + diff_offset]), size=size,
                            frame_range=frame_range)
    v_clip = clips[:, :clip_length].astype(np.float32)
    v_diff = np.abs(v_clip - clips[:, clip_length:].astype(np.float32))
    return list(zip(v_clip, v_diff))


def _inputs_for(model):
    names = [tensor.name for tensor in model.inputs]
    if len(names) == 2:
        return lambda parts: list(parts)
    if "v_clip" in names[0]:
        return lambda parts: parts[0]
    return lambda parts: parts[1]


def evaluate_fstcn(model, index, split="split1", role="test", num_clips=5, frame_size=None, stride=5,
                   diff_offset=9, progress=True):
    """Top-1 and mean class accuracy of an FstCN on one split, for averaging and SCI fusion.

    Args:
        model: an FstCN (two inputs, or one for the single-path variants).
        index: a ``VideoIndex``.
        split, role: which videos.
        num_clips: clip pairs per video, M (not stated in the paper; 5).
        frame_size: (height, width) the videos are resized to before cropping
            (larger than the model's crop size).

    Returns:
        dict with "average" and "sci" (each {"top1", "top5", "mean_class"}) and the per-video scores.
    """
    from tqdm import tqdm

    entries = index.entries_for(split, role)
    if not entries:
        raise ValueError(f"the index has no '{role}' videos in {split}")
    crop_size = int(model.inputs[0].shape[2])
    clip_length = int(model.inputs[0].shape[1])
    make_inputs = _inputs_for(model)
    fused = {"average": [], "sci": []}
    labels = []
    for entry in tqdm(entries, desc=f"evaluating {split}/{role}", unit="video", disable=not progress):
        pairs = read_fstcn_test_pairs(index.path_of(entry), num_clips, clip_length, stride, diff_offset,
                                      size=frame_size, frame_range=entry.frame_range)
        height, width = pairs[0][0].shape[1:3]
        if height < crop_size or width < crop_size:
            raise ValueError(
                f"{entry.path}: frames of {height} x {width} are smaller than the model's "
                f"{crop_size} x {crop_size} crops; pass a larger frame_size"
            )
        result = predict_video(model, pairs, crop_size, make_inputs=make_inputs)
        fused["average"].append(result["average"])
        fused["sci"].append(result["sci"])
        labels.append(entry.label)
    return fusion_report(fused, labels)
