"""Inference over whole videos: multi-view testing and score fusion (average, SCI)."""

import importlib

_INFERENCE_MODULES = {
    "eighteen_views": "views",
    "crop_boxes": "views",
    "sparsity_concentration_index": "fusion",
    "average_fusion": "fusion",
    "sci_fusion": "fusion",
    "predict_video": "multiview",
    "top_k_accuracy": "metrics",
    "evaluate_fstcn": "fstcn",
    "fstcn_test_pairs": "fstcn",
    "mean_class_accuracy": "metrics",
}

__all__ = sorted(_INFERENCE_MODULES)


def __getattr__(name):
    if name in _INFERENCE_MODULES:
        module = importlib.import_module(f".{_INFERENCE_MODULES[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'keras_stvideo.inference' has no attribute {name!r}")
