"""Whole-video evaluation of a single-input clip classifier over a dataset index: uniform clips, average and SCI.

For the models that map one clip ``(T, H, W, C)`` to class probabilities: the C3D classifier of Paul et al. 2018
(``build_c3d_classifier``), TeSNet and TSN of Huang & Bors 2020 (``build_tesnet``, ``build_tsn``), the CNN-LSTM
of Shan & Atanasov 2017 (``build_cnn_lstm``) and the ST-CSAE LSTM of Baccouche et al. 2012
(``build_stcsae_lstm``). FstCN (two inputs) has its own protocol: ``models.fstcn.evaluate_fstcn``.

Per test video: ``num_clips`` clips of T consecutive frames at uniformly spaced starts (``uniform_test_clips``,
TeSNet's test sampling, section 3.1 of Huang & Bors 2020), decoded in one pass (``read_test_clips``) and resized
by the decoder to the model's H x W (or to ``frame_size`` for a fully convolutional model with ``None`` sizes;
whole frames when neither is set); grey (ITU-R 601 luma) when the model takes one channel. The clip scores are
fused two ways: their average, and SCI fusion with the clips as the views (Sun et al. 2015, Eq. 6: each clip's
scores weighted by their sparsity concentration index; Eq. 7's max over clip groups is the identity for the one
group).

Pixels: ``input_scale`` multiplies the uint8 values. ``"auto"`` gives a model that scales pixels itself (its
input goes straight into a ``Rescaling`` layer: TeSNet's and TSN's [0, 255] -> [-1, 1]) the pixels in [0, 255]
and any other model [0, 1] (the C3D, CNN-LSTM and ST-CSAE models are trained on [0, 1] clips).

Example:
    >>> report = evaluate_clip_classifier(model, VideoIndex.load("ucf101/index.json"), num_clips=10)  # doctest: +SKIP
    >>> report["average"]["top1"], report["sci"]["top1"]  # doctest: +SKIP
"""

import numpy as np

from keras_stvideo.inference.fusion import average_fusion, sci_fusion
from keras_stvideo.inference.metrics import fusion_report

LUMA = np.array([0.299, 0.587, 0.114], np.float32)  # ITU-R BT.601


def clip_input_shape(model):
    """``(T, H, W, C)`` of a single-input clip model (H and W may be None); a ValueError otherwise."""
    inputs = list(getattr(model, "inputs", None) or [])
    shapes = [tuple(tensor.shape) for tensor in inputs]
    if len(inputs) != 1 or len(shapes[0]) != 5:
        raise ValueError(f"expected a model with one input of clips (batch, frames, height, width, channels), got "
                         f"inputs {shapes}")
    frames, height, width, channels = shapes[0][1:]
    if frames is None or channels not in (1, 3):
        raise ValueError(f"the model's clips must have a fixed number of frames and 1 (grey) or 3 (RGB) channels, "
                         f"got input shape {shapes[0]}")
    if (height is None) != (width is None):
        raise ValueError(f"the model's frame height and width must both be fixed or both free, got {shapes[0]}")
    return int(frames), height, width, int(channels)


def scales_pixels_itself(model):
    """True when the model's input goes straight into a ``Rescaling`` layer (TeSNet, TSN: pixels in [0, 255])."""
    import keras

    inputs = list(getattr(model, "inputs", None) or [])
    for layer in getattr(model, "layers", []):
        if isinstance(layer, keras.layers.Rescaling):
            try:
                source = layer.input
            except (AttributeError, ValueError):
                continue
            if any(source is tensor for tensor in inputs):
                return True
    return False


def resolve_input_scale(model, input_scale="auto"):
    """The factor applied to uint8 pixels: 1 for a model that scales pixels itself, 1/255 otherwise (``"auto"``)."""
    if input_scale == "auto":
        return 1.0 if scales_pixels_itself(model) else 1.0 / 255.0
    if isinstance(input_scale, bool) or not isinstance(input_scale, (int, float)) or not input_scale > 0:
        raise ValueError(f"input_scale must be 'auto' or a positive number, got {input_scale!r}")
    return float(input_scale)


def to_model_input(clips, channels, scale):
    """uint8 clips (..., 3) -> float32 model input: luma when ``channels`` is 1, times ``scale``."""
    clips = np.asarray(clips)
    if channels == 1:
        values = clips.astype(np.float32) @ LUMA
        return (values[..., None] * np.float32(scale)).astype(np.float32)
    return clips.astype(np.float32) * np.float32(scale)


def evaluate_clip_classifier(model, index, split="split1", role="test", num_clips=10, frame_size=None,
                             progress=True, input_scale="auto", batch_size=None):
    """Top-1, top-5 and mean class accuracy of a clip classifier on one split, for averaging and SCI fusion.

    Args:
        model: a Keras model from clips ``(batch, T, H, W, C)`` (C 1 or 3) to class probabilities.
        index: a ``VideoIndex``; the model must predict its ``len(index.class_names)`` classes.
        split, role: which videos.
        num_clips: clips per video, at uniformly spaced starts (10).
        frame_size: (height, width) for a model with free frame sizes (None: the frames as they decode); a model
            with fixed sizes gets its own H x W, and a different ``frame_size`` is an error.
        progress: a progress bar (tqdm).
        input_scale: the factor on uint8 pixels, or ``"auto"`` (see the module docstring).
        batch_size: clips per ``predict`` call (default: one video's ``num_clips``).

    Returns:
        dict with "average" and "sci" (each {"top1", "top5", "mean_class"}), "average_scores" and "sci_scores"
        (videos, classes), "labels", and "input_scale" (the factor used).

    Raises:
        ValueError: the model is not a single-input clip model, predicts another number of classes than the
            index has, ``frame_size`` contradicts the model's fixed size, or a video is shorter than a clip.
    """
    from tqdm import tqdm

    from keras_stvideo.data.samplers import count_file_frames, read_test_clips, uniform_test_clips

    frames, height, width, channels = clip_input_shape(model)
    num_classes = int(model.outputs[0].shape[-1])
    if num_classes != len(index.class_names):
        raise ValueError(f"the model predicts {num_classes} classes but the index has {len(index.class_names)}: "
                         "evaluate a model trained on this dataset")
    if isinstance(num_clips, bool) or not isinstance(num_clips, (int, np.integer)) or num_clips < 1:
        raise ValueError(f"num_clips must be a positive integer, got {num_clips!r}")
    if frame_size is not None:
        frame_size = tuple(int(v) for v in frame_size)
        if len(frame_size) != 2 or min(frame_size) < 1:
            raise ValueError(f"frame_size must be (height, width), got {frame_size!r}")
    if height is not None:
        if frame_size is not None and frame_size != (height, width):
            raise ValueError(f"the model takes frames of {height} x {width}; frame_size {frame_size} differs (leave "
                             "it out: the frames are resized to the model's size)")
        size = (int(height), int(width))
    else:
        size = frame_size
    scale = resolve_input_scale(model, input_scale)
    entries = index.entries_for(split, role)
    if not entries:
        raise ValueError(f"the index has no '{role}' videos in {split}")
    average, sci, labels = [], [], []
    for entry in tqdm(entries, desc=f"evaluating {split}/{role}", unit="video", disable=not progress):
        path = index.path_of(entry)
        length = count_file_frames(path, entry.frame_range)
        if length < frames:
            raise ValueError(f"{entry.path}: {length} frames, fewer than the model's {frames}-frame clips")
        starts = uniform_test_clips(length, num_frames=frames, num_clips=num_clips)
        clips = read_test_clips(path, starts, np.arange(frames), size=size, frame_range=entry.frame_range)
        scores = np.asarray(model.predict(to_model_input(clips, channels, scale), batch_size=batch_size or num_clips,
                                          verbose=0))
        average.append(average_fusion(scores[:, None, :]))
        sci.append(sci_fusion(scores[None]))
        labels.append(entry.label)
    return {**fusion_report({"average": average, "sci": sci}, labels), "input_scale": scale}


__all__ = ["evaluate_clip_classifier", "clip_input_shape", "resolve_input_scale", "scales_pixels_itself"]
