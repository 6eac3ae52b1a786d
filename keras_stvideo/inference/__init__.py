"""Inference over whole videos: multi-view testing, score fusion (average, SCI), and clip classifiers evaluated
over a dataset index."""

from keras_stvideo.utils.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "eighteen_views": ".views",
    "crop_boxes": ".views",
    "sparsity_concentration_index": ".fusion",
    "average_fusion": ".fusion",
    "sci_fusion": ".fusion",
    "predict_video": ".multiview",
    "top_k_accuracy": ".metrics",
    "mean_class_accuracy": ".metrics",
    "evaluate_clip_classifier": ".clip_classifier",
})
