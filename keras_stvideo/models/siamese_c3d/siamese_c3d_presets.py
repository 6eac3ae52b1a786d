"""Paul et al. 2018's named configurations: the paper's Siamese C3D, tower and classifier, the quick run's and
``stvideo compare``'s narrow tower.

Plain data (no Keras). The builders' defaults (``c3d_backbone.py``, ``siamese_model.py``), ``SiameseSettings``
(reproductions/siamese_c3d/experiment.py) and ``reproductions/siamese_c3d/comparison.py`` read them.
"""

from keras_stvideo.models.presets import Preset

_MODULE = "keras_stvideo.models.siamese_c3d"
_VOLUME = (16, 112, 112, 3)  # C3D crops (Tran et al. 2015, 3.1)

# Section 3 unless noted; "not stated" where the paper gives no number and the value is ours.
PAPER_TRAINING = {
    "optimizer": "adam",  # "Adam Optimizer in a Stochastic Gradient Descent setting"
    "batch_size": 10,
    "positive_ratio": 0.3,  # 30-70% split in positive and negative samples
    "transform_on": "both",  # section 2 (Algorithm 1 as printed: "negative")
    "pretrain_learning_rate": 1e-3,  # not stated
    "frame_size": (128, 171),  # C3D frame size (Tran et al. 2015, 3.1)
    "feature_volumes": 10,  # nearest neighbours: 10 random volumes
}

SIAMESE_C3D_PAPER = Preset(
    name="siamese_c3d_paper",
    builder=f"{_MODULE}.siamese_model.build_siamese_c3d",
    description=("Paul et al. 2018, section 2 (Eq. 1 and 2: two small-C3D towers, [f1, f2] concatenated into "
                 "fc(64) with "
                 "dropout 0.5 and a scalar output, lambda = 0.0005) and section 3 (Adam, batches of 10 mined pairs, "
                 "30% positive); the tower is Tran et al. 2015's smaller C3D at 16 x 112 x 112 (section 3.1)."),
    config={"input_shape": _VOLUME, "head_units": 64, "dropout": 0.5, "regularization": 5e-4},
    training=PAPER_TRAINING,
)
SIAMESE_C3D_TOWER_PAPER = Preset(
    name="siamese_c3d_tower_paper",
    builder=f"{_MODULE}.c3d_backbone.build_c3d_small",
    description=("The tower T of Paul et al. 2018, Eq. 1: the smaller C3D of Tran et al. 2015, section 3.1 (conv "
                 "64-128-256-256-256, fc6 and fc7 of 2048, 16 x 112 x 112 crops) with dropout 0.5 after fc6 and fc7 "
                 "(Paul et al. 2018, section 2); 17,238,016 parameters."),
    config={"input_shape": _VOLUME, "filters": (64, 128, 256, 256, 256), "fc_units": 2048, "dropout": 0.5},
    training=PAPER_TRAINING,
)
SIAMESE_C3D_CLASSIFIER_PAPER = Preset(
    name="siamese_c3d_classifier_paper",
    builder=f"{_MODULE}.c3d_backbone.build_c3d_classifier",
    description=("Paul et al. 2018, Table 1: the C3D classifier (the tower and a softmax) fine-tuned from the "
                 "Siamese tower (\"Ours\") or trained from random weights (\"C3D [27]\"). The fine-tuning's "
                 "numbers are not stated (ours: Adam 1e-4, batch 10, 10 epochs, 10 test volumes per video)."),
    config={"input_shape": _VOLUME, "dropout": 0.5},
    training={"optimizer": "adam", "finetune_learning_rate": 1e-4, "finetune_batch_size": 10,
              "finetune_epochs": 10, "test_volumes": 10},
)

# stvideo compare's recipe: the narrow tower and its training (validation split, seed 0).
_COMPARE_CONFIG = {
    "input_shape": (8, 32, 32, 3),  # half a 16-frame clip, the whole 32 x 32 frame (the recipe: the task's)
    "filters": (16, 32, 64, 64, 64),
    "fc_units": 256,
    "dropout": 0.0,  # after fc6, fc7 and the Siamese head (paper: 0.5; see the description)
    "batch_norm": True,  # batch normalisation in the tower (not in C3D)
    "frame_differences": True,  # conv1 also sees each frame's difference from the previous one (not in C3D)
}
_COMPARE_TRAINING = {
    "optimizer": "adam",
    "pretrain_learning_rate": 1e-3,
    "finetune_learning_rate": 3e-4,
    "head_initializer": "zeros",  # fc8's kernels when fine-tuning
    "transform_on": "negative",  # which pairs' second volume gets F1 / F2 (sample_volume_pairs' transform_on)
    "test_volumes": 3,
    "downsample": 1,  # frames are shrunk by this factor before cutting volumes (2: 16 x 16; 1: the whole 32 x 32)
    "pretrain_share": 0.25,  # of the budget's frames, to the unsupervised stage
}

SIAMESE_C3D_COMPARE = Preset(
    name="siamese_c3d_compare",
    builder=f"{_MODULE}.c3d_backbone.build_c3d_small",
    description=(
        "a quarter of the budget's clip-epochs to Siamese pre-training on unlabelled mined pairs (Algorithm 1 "
        "as printed: F1 / F2 on negatives only, since flipped positives teach that left = right; Eq. 2), the rest "
        "to fine-tuning a C3D classifier from the tower; volumes of 8 frames of the whole 32 x 32 frame (a "
        "clip's two halves are a positive pair); C3D filters 16-32-64-64-64 and fc 256 instead of "
        "64-128-256-256-256 and 2048; not in C3D: conv1 also sees each frame's difference from the previous one "
        "(from raw frames the tower fitted appearance only: 18% validation), batch normalisation (without it "
        "fine-tuning stayed at ln 6), He-normal kernels, a zero fc8, no dropout (0.5 kept the pre-training loss "
        "flat); Adam 1e-3 pre-training, 3e-4 fine-tuning (no rate in the paper); test: the mean of 3 volumes"
    ),
    config=_COMPARE_CONFIG,
    training=_COMPARE_TRAINING,
)

SIAMESE_C3D_QUICK = Preset(
    name="siamese_c3d_quick",
    builder=f"{_MODULE}.c3d_backbone.build_c3d_small",
    description=("stvideo reproduce siamese-c3d --quick: the generated motion clips (16 frames of 32 x 32) with "
                 "siamese_c3d_compare's tower and rates; budget 6 x 50 mined batches of 16 pairs, then 8 epochs of "
                 "fine-tuning at batch 16 (about 5 minutes on 2 CPU cores); no flip of the fine-tuning volumes, "
                 "since a flipped \"left\" clip is a \"right\" one."),
    config=_COMPARE_CONFIG,
    training={
        "batch_size": 16,
        "pretrain_epochs": 6,
        "batches_per_epoch": 50,
        "finetune_epochs": 8,
        "finetune_batch_size": 16,
        "feature_volumes": 4,
        "finetune_flip": False,
    },
)

PRESETS = (SIAMESE_C3D_PAPER, SIAMESE_C3D_TOWER_PAPER, SIAMESE_C3D_CLASSIFIER_PAPER, SIAMESE_C3D_QUICK,
           SIAMESE_C3D_COMPARE)
