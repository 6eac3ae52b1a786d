"""Sun et al. 2015, "Human action recognition using factorized spatio-temporal convolutional networks".

The FstCN builders (``fstcn_model``) and its video-level evaluation (``inference``:
V_diff test pairs, 18 views, average and SCI fusion).
"""

from keras_stvideo.utils.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "build_fstcn": ".fstcn_classifier",
    "build_fstcn_auxiliary": ".fstcn_classifier",
    "build_lower_scls": ".fstcn_classifier",
    "fstcn_optimizer": ".fstcn_classifier",
    "evaluate_fstcn": ".fstcn_video_inference",
    "fstcn_test_pairs": ".fstcn_video_inference",
})
