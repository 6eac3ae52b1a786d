"""Whole-video FstCN evaluation: M clip pairs x 18 views per video, fused by SCI and by averaging.

Sun et al. 2015, sections 2.4 and 3: M clip pairs (V_clip, V_diff) per test video
(M is not stated; 5 by default here), 9 crops and their flips each (Fig. 3), SCI
fusion (Eqs. 5-7) compared with averaging (Table 2).
"""

import numpy as np

from keras_stvideo.data.samplers import fstcn_clip_pair_at, fstcn_test_starts
from keras_stvideo.data.video import read_video
from keras_stvideo.inference.metrics import mean_class_accuracy, top_k_accuracy
from keras_stvideo.inference.multiview import predict_video


def fstcn_test_pairs(video, num_clips=5, clip_length=5, stride=5, diff_offset=9):
    """The M evenly spaced (V_clip, V_diff) pairs of a test video, uncropped, float32."""
    return [
        fstcn_clip_pair_at(video, start, clip_length, stride, diff_offset)[:2]
        for start in fstcn_test_starts(len(video), num_clips, clip_length, stride, diff_offset)
    ]


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
        video = read_video(index.path_of(entry), size=frame_size, frame_range=entry.frame_range)
        if video.shape[1] < crop_size or video.shape[2] < crop_size:
            raise ValueError(
                f"{entry.path}: frames of {video.shape[1]} x {video.shape[2]} are smaller than the model's "
                f"{crop_size} x {crop_size} crops; pass a larger frame_size"
            )
        pairs = fstcn_test_pairs(video, num_clips, clip_length, stride, diff_offset)
        result = predict_video(model, pairs, crop_size, make_inputs=make_inputs)
        fused["average"].append(result["average"])
        fused["sci"].append(result["sci"])
        labels.append(entry.label)
    labels = np.asarray(labels)
    report = {}
    for fusion, scores in fused.items():
        scores = np.stack(scores)
        report[fusion] = {
            "top1": top_k_accuracy(scores, labels, 1),
            "top5": top_k_accuracy(scores, labels, min(5, scores.shape[1])),
            "mean_class": mean_class_accuracy(scores, labels),
        }
        report[f"{fusion}_scores"] = scores
    report["labels"] = labels
    return report
