"""Shan & Atanasov 2017's reproduction as data: the paper's Table I and the settings of a run.

Light to import (no Keras), so the command line can list the choices and
validate the options before TensorFlow loads.
"""

import dataclasses
import itertools
import math

from keras_stvideo.training.precision import cpu_has_bfloat16
from keras_stvideo.training.schedules import check_lr_schedule
from keras_stvideo.models.attention_lstm.attention_lstm_presets import ATTENTION_LSTM_QUICK, PAPER_TRAINING

# Table I (variants x models: cross-entropy, accuracy %) and section IV-D (elastic digit gesture).
PAPER_RESULTS = {
    "normal": {"lenet": (1.44, 97.96), "stn": (1.98, 87.26), "dcn": (1.27, 99.62)},
    "rotation": {"lenet": (1.42, 98.43), "stn": (1.97, 90.47), "dcn": (1.29, 99.70)},
    "scaling": {"lenet": (1.52, 96.28), "stn": (1.99, 86.90), "dcn": (1.28, 99.41)},
    "rotation_scaling": {"lenet": (1.51, 96.82), "stn": (1.99, 89.10), "dcn": (1.25, 99.46)},
    "elastic": {"lenet": (1.48, 97.19), "stn": (1.48, 97.19), "dcn": (1.28, 99.30)},
}
MODEL_NAMES = {"lenet": "LeNet-LSTM", "stn": "STN-LSTM", "dcn": "DCN-LSTM"}
PROTOCOLS = ("paper", "clean")
# two-digit labels 00-99 (section III): chance is 1% accuracy, cross-entropy ln 100 = 4.61
NUM_CLASSES = PAPER_TRAINING["num_classes"]

# The quick run's experiments (``stvideo reproduce shan2017 --quick`` without --models/--variants/--protocols).
QUICK_MODELS = ("lenet",)
QUICK_VARIANTS = ("normal",)
QUICK_PROTOCOLS = ("clean",)

# Stage 2 as section IV-A states it, for the "paper_literal" rows (``paper_baseline``): drawn-order labels,
# LSTM(8), RMSProp 1e-3, batch 50, 10 epochs, frozen CNN, on the paper protocol (train and test digits from the
# MNIST training set), with the run's ``settings_per_class`` videos per class (the paper's 10 in the quick run).
PAPER_STAGE2 = {
    "label_order": "drawn", "lstm_units": PAPER_TRAINING["lstm_units"], "lstm_epochs": PAPER_TRAINING["lstm_epochs"],
    "lstm_batch_size": PAPER_TRAINING["lstm_batch_size"], "lstm_learning_rate": PAPER_TRAINING["lstm_learning_rate"],
    "lr_schedule": "constant", "fine_tune": False, "train_videos": 0,
    "fresh_videos": False, "init_model": "",
}
PAPER_LITERAL_PROTOCOL = "paper"
PAPER_LITERAL_REASON = (
    "near chance as expected: 10 epochs of RMSProp 1e-3 (200 updates on 1,000 videos) leave LSTM(8) near chance "
    "even on its training videos, and drawn-order labels cap unseen videos at 55% (README, 'Reproducing Shan & "
    "Atanasov 2017, Table I')"
)


@dataclasses.dataclass
class ReproductionSettings:
    """Everything that sets the size of a run; the defaults are the paper's (section IV-A: the
    "attention_lstm_*_paper" presets' training numbers)."""

    # 10 rotation/scale settings x 100 classes x 5 frames = 5,000 images
    settings_per_class: int = PAPER_TRAINING["settings_per_class"]
    sequence_length: int = PAPER_TRAINING["sequence_length"]
    lstm_epochs: int = PAPER_TRAINING["lstm_epochs"]
    lstm_batch_size: int = PAPER_TRAINING["lstm_batch_size"]
    lstm_learning_rate: float = PAPER_TRAINING["lstm_learning_rate"]
    lstm_units: int = PAPER_TRAINING["lstm_units"]
    fine_tune: bool = False
    pretrain_epochs: int = 1  # not stated in the paper
    pretrain_samples: int = 60000  # all MNIST training digits
    pretrain_batch_size: int = 128  # not stated in the paper
    label_order: str = "drawn"  # section III; "sorted" makes the label a function of the video
    train_videos: int = 0  # 0: the paper's settings_per_class x 100 classes; else that many random videos
    fresh_videos: bool = False  # with fine_tune and train_videos: train_videos new videos every epoch
    lr_schedule: str = "constant"  # stage 2; "cosine" decays lstm_learning_rate to 0 over lstm_epochs
    mixed_precision: bool = False  # build and train in keras' "mixed_bfloat16" policy (softmax kept float32)
    init_model: str = ""  # a trained video model (.keras) to continue in stage 2, in place of stage 1 and a new one
    pretrained_cnn: str = ""  # a pre-trained frame CNN (.weights.h5 or .keras) in place of stage 1
    paper_baseline: bool = False  # also a "paper_literal" row per model and variant: PAPER_STAGE2 on the paper protocol
    quick_run: bool = False  # set by quick(): a reduced run, so its results say so

    def __post_init__(self):
        check_lr_schedule(self.lr_schedule)
        if self.init_model and self.pretrained_cnn:
            raise ValueError("init_model continues a whole video model and pretrained_cnn replaces stage 1 of a new "
                             f"one: give one, got init_model={self.init_model!r}, "
                             f"pretrained_cnn={self.pretrained_cnn!r}")
        if self.fresh_videos and not (self.fine_tune and self.train_videos):
            raise ValueError(
                "fresh_videos needs fine_tune=True and train_videos > 0 (new videos each epoch are rendered "
                f"while training end to end), got fine_tune={self.fine_tune!r}, train_videos={self.train_videos!r}"
            )

    @classmethod
    def quick(cls, mixed_precision=None):
        """The quick run: under 5 minutes on 2 CPU cores, and a stage 2 that learns.

        Stage 1 pre-trains LeNet on 20,000 Scaled MNIST digits for 2 epochs at
        batch 32 (1,250 Adadelta updates; about 90% held-out digit accuracy).
        Stage 2 trains LSTM(128) on the frozen CNN's features of 20,000 new
        training videos (computed once, a few seconds of LSTM work per epoch)
        with sorted labels, so the label is a function of the video; it is
        tested on 1,000 videos (10 per class). ``paper_baseline`` adds the
        paper's literal stage 2 (``PAPER_STAGE2``) on the same CNN. bfloat16
        mixed precision is on where the CPU computes bfloat16 natively
        (``keras_stvideo.training.precision.cpu_has_bfloat16``), unless ``mixed_precision`` says otherwise.
        """
        if mixed_precision is None:
            mixed_precision = cpu_has_bfloat16() is True
        # the "attention_lstm_quick" preset
        return cls(**ATTENTION_LSTM_QUICK.training, lstm_units=ATTENTION_LSTM_QUICK.config["lstm_units"],
                   mixed_precision=mixed_precision, paper_baseline=True, quick_run=True)


def label_ceiling(num_digits=2):
    """Best accuracy and cross-entropy any classifier can reach on unseen videos with drawn-order labels.

    A video shows its digits but not the order they were drawn in, so all
    orderings of one multiset of digits are equally likely given the video. With
    uniform digits the best guess is right with probability ``1 / orderings``:
    accuracy = (number of multisets) / 10^d, cross-entropy = E[log(orderings)].
    For two digits: 55% and 0.9 ln 2 = 0.62.
    """
    tuples = list(itertools.product(range(10), repeat=num_digits))
    orderings = [math.factorial(num_digits) / math.prod(math.factorial(t.count(d)) for d in set(t)) for t in tuples]
    accuracy = sum(1 / k for k in orderings) / len(tuples)
    cross_entropy = sum(math.log(k) for k in orderings) / len(tuples)
    return accuracy, cross_entropy


