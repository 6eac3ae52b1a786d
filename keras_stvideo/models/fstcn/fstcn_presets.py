"""FstCN's named configurations (Sun et al. 2015): the paper's and ``stvideo compare``'s reduced one.

Plain data (no Keras): ``keras_stvideo.models.presets`` lists them, ``build_fstcn``'s defaults and
``reproductions/fstcn/comparison.py`` read them.
"""

from keras_stvideo.models.presets import Preset

BUILDER = "keras_stvideo.models.fstcn.fstcn_classifier.build_fstcn"

FSTCN_PAPER = Preset(
    name="fstcn_paper",
    builder=BUILDER,
    description=(
        "Sun et al. 2015, section 2.5 (layers, 204 x 204 inputs, batch 32, momentum 0.9, weight decay 5e-4), "
        "section 3 (l_t = 5 clip pairs, d_t = 9, s_t = 5) and Table 1 (TCL kernels 3 and 5); the SCL path's FC "
        "dropout is that of the spatial network of its reference [10]. The learning rate is not stated (0.01 is "
        "ours); Caffe's SGD (``CaffeSGD``: L2 added to the gradient before momentum)."
    ),
    config={
        "input_size": 204,
        "clip_length": 5,
        "paths": "both",
        "temporal_kernels": (3, 5),
        "permuted_channels": 128,
        "temporal_dropout": 0.5,
        "scl_fc_dropout": 0.5,
        "tcl_fc_dropout": 0.0,
        "fc_units": (4096, 2048),
        "fusion_units": 2048,
        "lower_filters": (96, 256, 512, 512),
    },
    training={
        "optimizer": "caffe_sgd",
        "learning_rate": 0.01,  # not stated
        "momentum": 0.9,
        "weight_decay": 5e-4,
        "batch_size": 32,
        "clip_stride": 5,  # s_t
        "diff_offset": 9,  # d_t
        "input_scale": 1.0,  # frames in [0, 1]
    },
)

FSTCN_COMPARE = Preset(
    name="fstcn_compare",
    builder=BUILDER,
    description=(
        "stvideo compare's reduced FstCN: clip pairs of l_t = 4 frames at stride s_t = 3, d_t = 3 (16-frame clips "
        "hold no 30-frame span), frames upsampled to 80 x 80 (the lower SCLs' strides need at least 75; 80 leaves "
        "the same 1 x 1 top as 112), lower SCLs a quarter as wide (24-64-128-128 filters instead of "
        "96-256-512-512), FC 256-128 and fusion 128 instead of 4096-2048-2048 (a few hundred clips on 2 CPU "
        "cores), trained from scratch (no ImageNet) with Adam 1e-4 on [0, 255] pixels instead of SGD 0.01 on "
        "[0, 1] clips (with those the un-normalised network's activations shrank to about 0.005 and it collapsed "
        "to one class: 16.7% on its training clips)"
    ),
    config={
        "input_size": 80,
        "clip_length": 4,
        "fc_units": (256, 128),
        "fusion_units": 128,
        "lower_filters": (24, 64, 128, 128),
    },
    training={
        "optimizer": "adam",
        "learning_rate": 1e-4,
        "clip_stride": 3,
        "diff_offset": 3,
        "input_scale": 255.0,  # [0, 1] frames times this: Caffe's pixel range
    },
)

PRESETS = (FSTCN_PAPER, FSTCN_COMPARE)
