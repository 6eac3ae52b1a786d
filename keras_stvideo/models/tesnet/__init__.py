"""Huang & Bors 2020, "Learning Spatio-Temporal Representations with Temporal Squeeze Pooling".

TeSNet and the TSN baseline on Inception-ResNet-V2 (``tesnet_model``), the frame
folding layers (``frame_layers``), training with Eq. 6's loss (``training``),
20-clip testing (``inference``) and ``stvideo reproduce tesnet`` (``reproduction``).
"""

from keras_stvideo.utils.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "build_tesnet": ".tesnet_classifier",
    "build_tsn": ".tesnet_classifier",
    "build_small_tesnet": ".small_backbone",
    "endpoint_layers": ".tesnet_classifier",
    "placement_frames": ".tesnet_classifier",
    "tesnet_macs": ".tesnet_classifier",
    "TABLE1_PLACEMENTS": ".tesnet_classifier",
    "TABLE2_PYRAMID": ".tesnet_classifier",
    "FramesToBatch": ".frame_layers",
    "BatchToFrames": ".frame_layers",
    "FrameConsensus": ".frame_layers",
})
