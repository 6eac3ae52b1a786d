"""TeSNet's test protocol (Huang & Bors 2020, section 3.1): 20 clips per video, whole frames, averaged scores.

"During testing, we uniformly sample 20 clips from each video clip and perform
spatially fully convolutional inference for all clips, and the video-level score
is obtained by averaging all the clip prediction scores of a video."

A model built with ``input_size=None`` takes the whole frames (fully
convolutional); one with a fixed input size gets the central square crop of
that size instead (the closest a fixed-size model comes; stated in the result).
Fusion and accuracy come from ``keras_stvideo.inference``.
"""

from typing import NamedTuple, Optional

import numpy as np

from keras_stvideo.data.samplers import uniform_test_clips
from keras_stvideo.inference.fusion import average_fusion
from keras_stvideo.inference.metrics import top_k_accuracy
from keras_stvideo.models.tesnet.tesnet_presets import TESNET_PAPER
from keras_stvideo.models.tesnet.training import centre_crop, segment_frames

NUM_TEST_CLIPS = TESNET_PAPER.training["num_test_clips"]  # section 3.1


class VideoFile(NamedTuple):
    """A video file to test on, read only where the test clips are: ``read_video(path, size, frame_range)``'s
    frames, without decoding the rest (``sample_test_clips``, ``evaluate_videos``)."""

    path: object
    size: Optional[tuple] = None
    frame_range: Optional[tuple] = None


def _clip_indices(num_video_frames, frames, num_clips, kind):
    """(num_clips, frames) frame indices of the test clips of a video of ``num_video_frames`` frames."""
    if kind == "tesnet":
        starts = uniform_test_clips(num_video_frames, num_frames=frames, num_clips=num_clips)
        return starts[:, None] + np.arange(frames)
    if kind == "tsn":
        offsets = (np.arange(num_clips) + 0.5) / num_clips
        return np.stack([segment_frames(num_video_frames, frames, offset=o) for o in offsets])
    raise ValueError(f"kind must be 'tesnet' or 'tsn', got {kind!r}")


def sample_test_clips(video, frames=10, num_clips=NUM_TEST_CLIPS, kind="tesnet"):
    """(num_clips, frames, H, W, C): TeSNet's K consecutive frames from uniformly spaced starts, or for
    ``kind="tsn"`` one frame per segment at the same relative offset, the offsets spread over the segments.

    ``video``: (T, H, W, C) frames, or a ``VideoFile``, of which only the clips' frames are decoded (the same
    clips as from its ``read_video`` frames, for a sound file; the frame count comes from its packets).
    """
    if isinstance(video, VideoFile):
        from keras_stvideo.data.samplers import count_file_frames, read_test_clips

        indices = _clip_indices(count_file_frames(video.path, video.frame_range), frames, num_clips, kind)
        clips = read_test_clips(video.path, np.zeros(1, np.int64), indices.reshape(-1), size=video.size,
                                frame_range=video.frame_range)
        return clips.reshape(indices.shape + clips.shape[2:])
    video = np.asarray(video)
    return video[_clip_indices(len(video), frames, num_clips, kind)]


def fit_to_model(clips, model):
    """Whole frames for a fully convolutional model; the central crop of the model's input size otherwise."""
    size = model.input.shape[2]
    if size is None or size == clips.shape[2] == clips.shape[3]:
        return clips
    return np.stack([centre_crop(clip, size) for clip in clips])


def video_scores(model, video, frames=10, num_clips=NUM_TEST_CLIPS, kind="tesnet", batch_size=4):
    """Class scores of one video: the average of its ``num_clips`` clip scores (section 3.1)."""
    clips = fit_to_model(sample_test_clips(video, frames, num_clips, kind), model).astype(np.float32)
    scores = np.asarray(model.predict(clips, batch_size=batch_size, verbose=0))
    return average_fusion(scores[:, None, :])


def evaluate_videos(model, videos, labels, frames=10, num_clips=NUM_TEST_CLIPS, kind="tesnet", batch_size=4,
                    progress=None):
    """Video-level scores and top-1 accuracy over a test set.

    Args:
        videos: an iterable of (T, H, W, C) arrays (RGB frames or colour-coded flow), or of ``VideoFile``s,
            which are read only where their test clips are.
        labels: their classes.
        progress: optional ``progress(done, total)`` callback.

    Returns:
        dict with "scores" (videos, classes), "labels" and "top1".
    """
    labels = np.asarray(labels)
    scores = []
    for number, video in enumerate(videos, 1):
        scores.append(video_scores(model, video, frames, num_clips, kind, batch_size))
        if progress is not None:
            progress(number, len(labels))
    scores = np.stack(scores)
    return {"scores": scores, "labels": labels, "top1": top_k_accuracy(scores, labels, k=1)}


def two_stream_fusion(rgb_scores, flow_scores, flow_weight=1.0):
    """RGB + OF (Table 3): the weighted average of the two streams' video scores.

    The paper does not give its fusion weights; equal weights by default
    (TSN uses 1 : 1.5 for RGB : flow; pass ``flow_weight=1.5`` for that).
    """
    rgb_scores, flow_scores = np.asarray(rgb_scores), np.asarray(flow_scores)
    if rgb_scores.shape != flow_scores.shape:
        raise ValueError(f"the two streams' scores must have the same shape, got {rgb_scores.shape} and "
                         f"{flow_scores.shape}")
    if flow_weight < 0:
        raise ValueError(f"flow_weight must be >= 0, got {flow_weight!r}")
    return (rgb_scores + flow_weight * flow_scores) / (1.0 + flow_weight)
