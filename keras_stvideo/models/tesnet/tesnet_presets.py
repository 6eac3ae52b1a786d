"""TeSNet's named configurations (Huang & Bors 2020): Table 1's best setting, Table 2's 64-frame pyramid, and the
reduced ones of ``stvideo compare`` and the quick run.

Plain data (no Keras). ``build_tesnet``'s and ``build_tsn``'s defaults, the training constants
(``models/tesnet/training.py``), ``TesnetSettings`` (reproductions/tesnet/settings.py) and
``reproductions/tesnet/comparison.py`` read them.
"""

from keras_stvideo.models.presets import Preset

_MODULE = "keras_stvideo.models.tesnet"

# Section 3.1: SGD, momentum 0.9, batch 32, 30 epochs, learning rate 0.001 (RGB) / 0.005 (optical flow), divided
# by 10 when the validation accuracy saturates; ImageNet start; 20 test clips per video.
PAPER_TRAINING = {
    "optimizer": "sgd",
    "learning_rates": {"rgb": 0.001, "flow": 0.005},
    "momentum": 0.9,
    "batch_size": 32,
    "epochs": 30,
    "lr_drop_on_plateau": 10,
    "backbone_weights": "imagenet",
    "input_scaling": "[0, 255] pixels, scaled to [-1, 1] by the model",
    "num_test_clips": 20,
}
_PAPER_CONFIG = {
    "frames": 10,  # K (section 3.2, Table 2)
    "setting": 1,  # Table 1, No. 1: TS on the input, D = 3 (the best)
    "input_size": 299,  # section 3.1
    "dropout": 0.5,  # section 3.1
    "weight_decay": 4e-5,  # lambda of Eq. 6
    "beta": 10.0,  # Eq. 6's weight of the projection losses
}

TESNET_PAPER = Preset(
    name="tesnet_paper",
    builder=f"{_MODULE}.tesnet_classifier.build_tesnet",
    description=("Huang & Bors 2020, Table 1 No. 1 (a TS layer on the input squeezing K = 10 frames into D = 3, "
                 "85.4% on UCF101 split 1, RGB) in Inception-ResNet-V2 at 299 x 299, Eq. 6 with beta = 10 and "
                 "lambda = 4e-5, dropout 0.5; section 3.1's training: SGD 0.001 (RGB) / 0.005 (flow), momentum 0.9, "
                 "batch 32, 30 epochs, ImageNet start (passed to build_tesnet as backbone_weights by the "
                 "reproduction), 20 test clips per video."),
    config=_PAPER_CONFIG,
    training=PAPER_TRAINING,
)
TESNET_PYRAMID_PAPER = Preset(
    name="tesnet_pyramid_paper",
    builder=f"{_MODULE}.tesnet_classifier.build_tesnet",
    description=("Huang & Bors 2020, section 3.3 and Table 2: 64-frame clips with Table 1's setting No. 5 "
                 "(Conv2d_1a_3x3 then Block B) at D1 = 16, D2 = 4 (87.8%), trained at \"a rather small batch size "
                 "of 8\" for GPU memory; the rest as tesnet_paper."),
    config={**_PAPER_CONFIG, "frames": 64, "setting": 5, "squeezed_frames": (16, 4)},
    training={**PAPER_TRAINING, "batch_size": 8},
)

# stvideo compare's recipe: the small backbone and its training (validation split, seed 0).
_COMPARE_CONFIG = {
    "frames": 16,  # stvideo compare's clips (the recipe takes the task's K and frame shape)
    "frame_shape": (32, 32, 3),
    "stem_filters": (32, 64),
    "block_filters": 32,
    "blocks": 2,
    "residual_scale": 0.17,  # Inception-ResNet-V2's scale of the block-35 (A) residuals
    "setting": 1,  # Table 1, No. 1: TS layer on the input, D = 3 (the paper's best)
    "ts_basis": "bernstein",  # the TS layer's start of A (the paper: "properly initialized"); see TemporalSqueeze
    "consensus": "fuse",  # how the D squeezed frames meet at the top (the paper is silent); see build_tesnet
    "beta": 10.0,  # weight of the projection loss in Eq. 6 (the paper's 10)
    "batchnorm_momentum": 0.9,
}
_COMPARE_TRAINING = {
    "optimizer": "adam",  # "sgd" (momentum 0.9 at sgd_learning_rate, the paper's) or "adam" (at learning_rate)
    "learning_rate": 1e-3,  # Adam's
    # SGD's, when the optimizer is "sgd" (validation, seed 0, concat consensus: 0.01 -> 25.0%, 0.03 -> 40.8%)
    "sgd_learning_rate": 0.03,
    "input_scaling": "[0, 255] pixels, scaled to [-1, 1] by the model",
    "num_test_clips": 1,
}

TESNET_COMPARE = Preset(
    name="tesnet_compare",
    builder=f"{_MODULE}.small_backbone.build_small_tesnet",
    description=(
        "Table 1's setting 1 (a TS layer on the input squeezes the clip's K frames into D = 3; Eq. 6 with "
        "beta = 10), on a small Inception-ResNet-style 2D CNN (two stem convs, two Inception-ResNet-A blocks, "
        "0.2 M parameters) instead of Inception-ResNet-V2 at 299 x 299 from ImageNet (hours from scratch on 2 "
        "CPU cores; no ImageNet here); Adam 1e-3 instead of SGD 0.001 (the paper's rate is for an ImageNet "
        "start), batch-norm momentum 0.9, no TSN augmentation, one clip per video at test time (not 20). Where "
        "the paper is silent: A starts at overlapping Bernstein columns (block means are motion-blurred "
        "stills), and the D squeezed frames' last feature maps are stacked on the channels and combined by a "
        "3x3 conv before pooling (averaging per-frame scores cannot tell a clip from its time reversal)"
    ),
    config=_COMPARE_CONFIG,
    training=_COMPARE_TRAINING,
)

TESNET_QUICK = Preset(
    name="tesnet_quick",
    builder=f"{_MODULE}.small_backbone.build_small_tesnet",
    description=("stvideo reproduce huang2020 --quick (TeSNet): tesnet_compare's model on 16-frame clips of 32 x 32 "
                 "generated motion videos, batch 16, 20 epochs, TSN's crops without mirroring, 20 test clips per "
                 "video as in the paper: about 10 minutes on 2 CPU cores."),
    config=_COMPARE_CONFIG,
    training={"input_size": 32, "frame_size": (32, 32), "batch_size": 16, "epochs": 20, "num_test_clips": 20},
)
TESNET_QUICK_INCEPTION_RESNET = Preset(
    name="tesnet_quick_inception_resnet",
    builder=f"{_MODULE}.tesnet_classifier.build_tesnet",
    description=("stvideo reproduce huang2020 --quick with Inception-ResNet-V2 (TSN, the baseline, or "
                 "backbone inception_resnet_v2): its smallest input (75 x 75 crops of 80 x 80 videos), random "
                 "start, batch 8, 4 epochs at SGD 0.003, batch-norm momentum 0.9, so that it runs on 2 CPU cores."),
    config={"frames": 16, "input_size": 75, "batchnorm_momentum": 0.9},
    training={"input_size": 75, "frame_size": (80, 80), "batch_size": 8, "epochs": 4, "learning_rate": 0.003},
)

PRESETS = (TESNET_PAPER, TESNET_PYRAMID_PAPER, TESNET_QUICK, TESNET_QUICK_INCEPTION_RESNET, TESNET_COMPARE)
