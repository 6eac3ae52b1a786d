"""Shan & Atanasov 2017's named configurations: the paper's three frame CNNs, the quick run's and
``stvideo compare``'s LeNet-LSTM.

Plain data (no Keras). The frame builders' defaults (``frame_encoders.py``), ``ReproductionSettings``
(reproductions/attention_lstm/settings.py) and ``reproductions/attention_lstm/comparison.py`` read them.
The paper presets' ``config`` is the frame CNN's (pre-trained on Scaled MNIST digits, stage 1); their
``training`` holds both stages' numbers and the video model's (LSTM(8), 100 classes, 5 frames).
"""

from keras_stvideo.models.presets import Preset

_MODULE = "keras_stvideo.models.attention_lstm.frame_encoders"

# Section IV-A, for all three frame CNNs.
PAPER_TRAINING = {
    "input_scaling": "centred, [0, 1]",  # "the images are centered and converted to range [0, 1]"
    # stage 1: the frame CNN on Scaled MNIST (shifts up to 0.2 of the frame, zoom 1.0-2.5)
    "pretrain_optimizer": "adadelta",
    "pretrain_learning_rate": 1.0,
    "pretrain_max_shift": 0.2,
    "pretrain_zoom_range": (1.0, 2.5),
    # stage 2: the LSTM on the frozen CNN's features of augmented Moving MNIST videos
    "sequence_length": 5,
    "num_classes": 100,  # two-digit labels 00-99 (section III)
    "settings_per_class": 10,  # 10 rotations or scales per class, 5 frames each: 5,000 images
    "lstm_units": 8,  # section II-B: "the dimension of the output space of LSTM is 8 only"
    "lstm_optimizer": "rmsprop",
    "lstm_learning_rate": 1e-3,
    "lstm_batch_size": 50,
    "lstm_epochs": 10,
}
_FRAME = {"input_shape": (64, 64, 1), "num_classes": 10, "feature_units": 500}  # Fig. 1, section IV-A

ATTENTION_LSTM_LENET_PAPER = Preset(
    name="attention_lstm_lenet_paper",
    builder=f"{_MODULE}.build_lenet",
    description=("Shan & Atanasov 2017, Fig. 1 and section IV-A: LeNet (conv(5, 20) - pool - conv(5, 50) - pool - "
                 "fc(500) - fc(10)) on 64 x 64 Moving MNIST frames, 6,431,080 parameters; LSTM(8) and softmax(100) "
                 "over 5 frames (section II-B); Adadelta 1 on Scaled MNIST, then RMSProp 1e-3, batch 50, 10 epochs."),
    config=_FRAME,
    training=PAPER_TRAINING,
)
ATTENTION_LSTM_STN_LENET_PAPER = Preset(
    name="attention_lstm_stn_lenet_paper",
    builder=f"{_MODULE}.build_stn_lenet",
    description=("Shan & Atanasov 2017, section II-A: a spatial transformer with a 32 x 32 output before LeNet's "
                 "convolutions, max-pooling removed; the training of section IV-A (as attention_lstm_lenet_paper)."),
    config={**_FRAME, "stn_output_size": (32, 32)},
    training=PAPER_TRAINING,
)
ATTENTION_LSTM_DCN_LENET_PAPER = Preset(
    name="attention_lstm_dcn_lenet_paper",
    builder=f"{_MODULE}.build_dcn_lenet",
    description=("Shan & Atanasov 2017, Fig. 1 and section IV-A: offset2D layers (Dai et al. 2017) in place of "
                 "LeNet's max-pooling, 102,483,280 parameters; the training of section IV-A."),
    config=_FRAME,
    training=PAPER_TRAINING,
)

ATTENTION_LSTM_QUICK = Preset(
    name="attention_lstm_quick",
    builder=f"{_MODULE}.build_lenet_lstm",
    description=("stvideo reproduce shan2017 --quick: the paper's LeNet-LSTM on 5 frames of 64 x 64 with LSTM(128) "
                 "instead of LSTM(8), sorted labels (the label a function of the video) and 20,000 training videos, "
                 "LeNet pre-trained on 20,000 Scaled MNIST digits for 2 epochs at batch 32: under 5 minutes on 2 CPU "
                 "cores with a stage 2 that learns (LSTM(8) for 10 epochs on 1,000 videos stays near chance)."),
    config={"input_shape": (5, 64, 64, 1), "num_classes": 100, "lstm_units": 128},
    training={
        "settings_per_class": 10,
        "pretrain_samples": 20000,
        "pretrain_epochs": 2,
        "pretrain_batch_size": 32,
        "label_order": "sorted",
        "train_videos": 20000,
        "lstm_epochs": 8,
    },
)

_COMPARE_TRAINING = {"optimizer": "adam", "learning_rate": 1e-3}  # the paper's RMSProp rate, kept for Adam
_COMPARE_CONFIG = {
    "input_shape": (16, 32, 32, 3),  # stvideo compare's clips (the recipe takes the task's shape)
    "feature_units": 500,  # LeNet's fc(500), the features the LSTM reads (paper Fig. 1)
    "lstm_units": 64,  # paper: 8
    "centre_frames": True,  # frames - 0.5: the paper's "centered and converted to range [0, 1]" (section IV-A)
    "frame_differences": True,  # each frame t >= 2 is paired with frame t - frame (t - 1) on the channels
    "difference_scale": 4.0,  # the differences' factor before the first convolution
    "global_pooling": "max",  # over conv2's pooled maps before fc(500); None: LeNet's flatten
}

ATTENTION_LSTM_COMPARE = Preset(
    name="attention_lstm_compare",
    builder=f"{_MODULE}.build_lenet_lstm",
    description=(
        "LeNet-LSTM trained end to end (no Scaled-MNIST stage 1: a motion has no per-frame label to pre-train on), "
        f"Adam {_COMPARE_TRAINING['learning_rate']:g} instead of RMSProp (RMSProp killed the ReLU units and stayed "
        f"at chance), LSTM({_COMPARE_CONFIG['lstm_units']}) instead of LSTM(8); each centred frame is given with its "
        f"difference from the previous frame, times {_COMPARE_CONFIG['difference_scale']:g} (6 channels: the motion "
        "is ~6% of the raw pixels' variation, and on raw frames the model fitted appearance only), and conv2's maps "
        f"are {_COMPARE_CONFIG['global_pooling']}-pooled over positions before fc(500) instead of flattened (a "
        "flattened fc must learn each motion at every position from 960 clips)"
    ),
    config=_COMPARE_CONFIG,
    training=_COMPARE_TRAINING,
)

PRESETS = (ATTENTION_LSTM_LENET_PAPER, ATTENTION_LSTM_STN_LENET_PAPER, ATTENTION_LSTM_DCN_LENET_PAPER,
           ATTENTION_LSTM_QUICK, ATTENTION_LSTM_COMPARE)
