"""Paul, Roy & Roy-Chowdhury 2018, "Incorporating scalability in unsupervised spatio-temporal feature learning".

The smaller C3D tower and its classifier (``c3d_backbone``), the Siamese C3D with
Eq. 2's training step (``siamese_model``), unsupervised pre-training and
fine-tuning (``training``), nearest-neighbour retrieval (``retrieval``), the
ASLAN same/not-same protocol (``aslan``) and ``stvideo reproduce siamese-c3d``
(``reproduction``). Pair mining (Algorithm 1) lives in ``keras_stvideo.data.pair_mining``.
"""

from keras_stvideo.utils.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "build_c3d_small": ".c3d_backbone",
    "build_c3d_classifier": ".c3d_backbone",
    "build_siamese_c3d": ".siamese_model",
    "SiameseC3D": ".siamese_model",
    "pretrain_siamese": ".training",
    "fine_tune": ".training",
    "volume_sampler": ".training",
    "video_features": ".retrieval",
    "nearest_neighbours": ".retrieval",
    "evaluate_aslan": ".aslan",
    "ten_fold_evaluation": ".aslan",
    "roc_curve": ".aslan",
    "roc_auc": ".aslan",
})
