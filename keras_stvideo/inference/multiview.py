"""Multi-view testing: M clips x 18 views of a video through any Keras model, then fusion."""

import numpy as np

from keras_stvideo.inference.fusion import average_fusion, sci_fusion
from keras_stvideo.inference.views import eighteen_views


def predict_video(model, clips, crop_size, make_inputs=None, batch_size=18):
    """Score every view of every clip of one video and fuse the scores.

    Args:
        model: a Keras model returning class probabilities.
        clips: a list of M clips; each clip is a (T, H, W, C) array, or a tuple of
            such arrays that share their crops (e.g. FstCN's ``(v_clip, v_diff)``).
        crop_size: side of the 9 crops (Fig. 3).
        make_inputs: turns the batch of views of one clip into the model's inputs;
            it receives a tuple with one (18, T, crop, crop, C) array per clip part and
            returns what ``model.predict`` takes. Default: the single array
            (single-input models).
        batch_size: views per ``predict`` call.

    Returns:
        dict with "scores" (M, 18, N), "average" (N,) and "sci" (N,).

    Example:
        >>> fused = predict_video(model, [(v_clip, v_diff)], 204,
        ...                       make_inputs=lambda parts: list(parts))  # doctest: +SKIP
    """
    if len(clips) == 0:
        raise ValueError("predict_video needs at least one clip")
    make_inputs = make_inputs or (lambda parts: parts[0])
    scores = []
    for clip in clips:
        parts = clip if isinstance(clip, tuple) else (clip,)
        views = tuple(eighteen_views(part, crop_size) for part in parts)
        scores.append(np.asarray(model.predict(make_inputs(views), batch_size=batch_size, verbose=0)))
    scores = np.stack(scores)
    return {"scores": scores, "average": average_fusion(scores), "sci": sci_fusion(scores)}
