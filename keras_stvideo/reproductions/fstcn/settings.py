"""Sun et al. 2015's reproduction as data: the paper's Tables 1 to 3 and the settings of one run.

Light to import (no Keras), so the command line validates options before TensorFlow loads. The network and
training numbers come from the presets (``models/fstcn/fstcn_presets.py``): ``fstcn_paper`` for the paper's
setting, ``fstcn_compare`` (``stvideo compare``'s reduced FstCN, the one that learns the generated motion clips)
for ``--quick``.
"""

import dataclasses

from keras_stvideo.models.fstcn.fstcn_presets import FSTCN_COMPARE, FSTCN_PAPER

# Table 1: HMDB51 split 1, the TCL path alone (no SCI fusion), top-1 %.
TABLE1 = {"TCL (3 x 3 kernel only)": 46.0, "TCL (5 x 5 kernel only)": 47.1, "TCL (5 x 5 + 3 x 3 kernels)": 48.4}
# Table 2: mean accuracy (%) over the three splits, per strategy: (UCF101, HMDB51).
TABLE2 = {
    "only SCL path": (71.3, 42.0),
    "only TCL path": (72.6, 45.8),
    "only TCL path (SCI fusion)": (76.0, 49.3),
    "FstCN (single randomly selected clip)": (84.5, 54.1),
    "FstCN (averaging fusion)": (87.9, 58.6),
    "FstCN (SCI fusion)": (88.1, 59.1),
}
# Table 3: FstCN against the state of the art, mean of three splits (%): (UCF101, HMDB51); None: not reported.
TABLE3 = {
    "Improved dense trajectories (IDT)": (85.9, 57.2),
    "IDT higher-dimensional encodings": (87.9, 61.1),
    "Spatio-temporal HMAX network": (None, 22.8),
    "\"Slow fusion\" spatio-temporal ConvNet": (65.4, None),
    "Two-stream model (averaging fusion)": (86.9, 58.0),
    "Two-stream model (SVM fusion)": (88.0, 59.4),
    "FstCN (averaging fusion)": (87.9, 58.6),
    "FstCN (SCI fusion)": (88.1, 59.1),
}
PRESETS = {FSTCN_PAPER.name: FSTCN_PAPER, FSTCN_COMPARE.name: FSTCN_COMPARE}
OPTIMIZERS = ("caffe_sgd", "adam")


def _min_input_size():
    """The smallest crop the lower SCLs and an SCL pool take (conv 7/2, pool 3/2, conv 5/2, pool 3/2, pool 3/3):
    ``fstcn_classifier.MIN_INPUT_SIZE``, computed here without importing Keras."""
    for side in range(1, 1000):
        size = side
        for kernel, stride in ((7, 2), (3, 2), (5, 2), (3, 2), (3, 3)):
            size = (size - kernel) // stride + 1
        if size >= 1:
            return side


MIN_INPUT_SIZE = _min_input_size()


def _preset_values(preset):
    config, training = preset.config, preset.training
    return dict(
        preset=preset.name,
        input_size=config["input_size"],
        clip_length=config["clip_length"],
        lower_filters=tuple(config["lower_filters"]),
        fc_units=tuple(config["fc_units"]),
        fusion_units=config["fusion_units"],
        stride=training["clip_stride"],
        diff_offset=training["diff_offset"],
        optimizer=training["optimizer"],
        learning_rate=training["learning_rate"],
        input_scale=training["input_scale"],
    )


@dataclasses.dataclass(frozen=True)
class FstcnSettings:
    """One run; the defaults are the paper's (the ``fstcn_paper`` preset, section 2.5 and section 3).

    Pixels: the model takes the frames as they decode ([0, 255], what ``read_fstcn_clip_pair`` and
    ``evaluate_fstcn`` give it) and scales them by ``input_scale / 255`` inside (``input_scale`` 1: the
    preset's [0, 1] clips; 255: Caffe's pixel range, the reduced recipe's), so the saved model is evaluated by
    ``stvideo evaluate`` as it is.
    """

    preset: str = FSTCN_PAPER.name
    input_size: int = FSTCN_PAPER.config["input_size"]  # crop side (204, section 2.5)
    clip_length: int = FSTCN_PAPER.config["clip_length"]  # l_t (5, section 3)
    stride: int = FSTCN_PAPER.training["clip_stride"]  # s_t (5, section 3)
    diff_offset: int = FSTCN_PAPER.training["diff_offset"]  # d_t (9, section 3)
    lower_filters: tuple = tuple(FSTCN_PAPER.config["lower_filters"])
    fc_units: tuple = tuple(FSTCN_PAPER.config["fc_units"])
    fusion_units: int = FSTCN_PAPER.config["fusion_units"]
    optimizer: str = FSTCN_PAPER.training["optimizer"]  # "caffe_sgd": fstcn_optimizer (momentum 0.9, wd 5e-4)
    learning_rate: float = FSTCN_PAPER.training["learning_rate"]  # not stated (0.01)
    input_scale: float = FSTCN_PAPER.training["input_scale"]
    batch_size: int = FSTCN_PAPER.training["batch_size"]  # 32 (section 2.5)
    epochs: int = 50  # not stated (one clip pair per training video per epoch)
    frame_size: tuple = None  # (height, width) the videos are resized to before cropping; None: as they are
    flip: bool = True  # section 2.5: the pair is flipped together; off on motion clips ("left" would be "right")
    num_test_clips: int = 5  # M clip pairs per test video (not stated; the package's default)
    split: str = "split1"
    max_videos: int = None  # use at most this many training (and test) videos of the split: tiny runs only
    quick: bool = False
    quick_classes: int = 6  # MotionClips' first motions: left, right, up, down, zoom in, zoom out
    quick_videos_per_class: int = 60
    quick_video_frames: int = 24
    quick_video_size: int = 32  # generated frames (side); read back resized to frame_size

    def __post_init__(self):
        if self.preset not in PRESETS:
            raise ValueError(f"preset must be one of {sorted(PRESETS)}, got {self.preset!r}")
        for name in ("input_size", "clip_length", "stride", "diff_offset", "fusion_units", "batch_size", "epochs",
                     "num_test_clips"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.input_size < MIN_INPUT_SIZE:
            raise ValueError(f"input_size must be at least {MIN_INPUT_SIZE} (the lower SCLs' strides), got "
                             f"{self.input_size}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {self.optimizer!r}")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate!r}")
        if not self.input_scale > 0:
            raise ValueError(f"input_scale must be positive, got {self.input_scale!r}")
        if self.frame_size is not None:
            if len(self.frame_size) != 2 or min(self.frame_size) < self.input_size:
                raise ValueError(f"frame_size must be (height, width), each at least the {self.input_size}-pixel "
                                 f"crops, got {self.frame_size!r}")
        if self.max_videos is not None and self.max_videos < 1:
            raise ValueError(f"max_videos must be positive, got {self.max_videos!r}")
        if self.quick:
            if not 2 <= self.quick_classes <= 8:
                raise ValueError(f"quick_classes must lie in [2, 8] (MotionClips' motions), got {self.quick_classes}")
            if self.quick_videos_per_class < 4:
                raise ValueError(f"quick_videos_per_class must be at least 4 (split 1 tests a quarter), got "
                                 f"{self.quick_videos_per_class}")
            if self.quick_video_frames < self.span:
                raise ValueError(f"quick_video_frames ({self.quick_video_frames}) must hold a clip pair's "
                                 f"{self.span} frames")

    @property
    def span(self):
        """Frames a clip pair covers: (l_t - 1) s_t + d_t + 1."""
        return (self.clip_length - 1) * self.stride + self.diff_offset + 1

    @property
    def chance(self):
        """Chance top-1 (%) of the generated set; None on a user's index (1/classes, known when it loads)."""
        return 100.0 / self.quick_classes if self.quick else None

    @classmethod
    def paper(cls, **changes):
        """The paper's setting (``fstcn_paper``): 204 x 204 crops, the paper's SGD, batch 32."""
        return dataclasses.replace(cls(**_preset_values(FSTCN_PAPER)), **changes)

    @classmethod
    def quick_run(cls, **changes):
        """``--quick``: ``stvideo compare``'s reduced FstCN (``fstcn_compare``) on generated MotionClips videos.

        6 motions (chance 16.7%), 60 videos per class of 24 frames at 32 x 32 (split 1: 45 training and 15
        test videos per class), read back resized to 88 x 88 by the decoder and cropped to 80 x 80 (random
        crops in training, the 9 crops and their flips at test), clip pairs l_t = 4, s_t = 3, d_t = 3, lower
        SCLs 24-64-128-128, FC 256-128, fusion 128, Adam 1e-4 on [0, 255] pixels, batch 16, 30 epochs, no
        flips (a mirrored "left" is a "right"), 5 test clip pairs per video.
        """
        values = _preset_values(FSTCN_COMPARE)
        values.update(quick=True, batch_size=16, epochs=30, frame_size=(88, 88), flip=False)
        values.update(changes)
        return cls(**values)


__all__ = ["FstcnSettings", "TABLE1", "TABLE2", "TABLE3"]
