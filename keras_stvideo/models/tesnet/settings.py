"""Huang & Bors 2020's reproduction as data: the paper's Tables 1 to 4 and the settings of one run.

Light to import (no Keras), so the command line validates options before TensorFlow loads.
"""

import dataclasses

# Table 1: UCF101 split 1, RGB, K = 10, top-1 % per setting No.
TABLE1 = {1: 85.4, 2: 83.1, 3: 81.7, 4: 84.9, 5: 85.3}
TABLE1_ROWS = {1: "Input D1=3", 2: "Input D1=1", 3: "Conv2d_1a_3x3 D1=3 + Conv2d_4a_3x3 D2=1",
               4: "Conv2d_1a_3x3 D1=3 + Block A D2=1", 5: "Conv2d_1a_3x3 D1=3 + Block B D2=1"}
# Table 2: UCF101 split 1, RGB, clip length -> top-1 % (10 and 16: setting 1; 64: setting 5 with D = 16, 4).
TABLE2 = {10: 85.3, 16: 86.2, 64: 87.8}
# Table 3: UCF101 split 1, architecture -> (length, RGB, OF, RGB + OF) top-1 %.
TABLE3 = {"baseline": (1, 83.5, 85.4, 92.5), "tsn": (3, 85.0, 85.1, 92.9), "tesnet": (64, 87.8, 88.2, 95.2)}
# Table 4: top-1 % averaged over the three splits, two streams.
TABLE4 = {"ucf101": 95.2, "hmdb51": 71.5}
DATASETS = {"ucf101": 101, "hmdb51": 51}
STREAMS = ("rgb", "flow", "both")
MODELS = ("tesnet", "tsn", "baseline")


@dataclasses.dataclass(frozen=True)
class TesnetSettings:
    """One run; the defaults are the paper's (section 3.1, Table 1 No. 1)."""

    dataset: str = "ucf101"
    splits: tuple = (1,)
    stream: str = "rgb"
    model: str = "tesnet"  # "tsn" (3 segments) or "baseline" (1 frame): Table 3's comparisons
    setting: int = 1
    frames: int = 10  # K; Table 2 also uses 16 and 64
    squeezed_frames: tuple = None  # None: Table 1's D values; (16, 4) with setting 5 and 64 frames (Table 2)
    input_size: int = 299
    frame_size: tuple = (256, 340)  # frames resized to TSN's 340 x 256 before cropping (not stated)
    batch_size: int = 32
    epochs: int = 30
    learning_rate: float = None  # None: 0.001 (RGB), 0.005 (flow)
    plateau_patience: int = 2  # "divided by 10 when the validation accuracy saturates": patience not stated
    validation_fraction: float = 0.1  # training videos held out to watch for saturation (not stated)
    backbone_weights: str = "imagenet"
    num_test_clips: int = 20
    flow_backend: str = "skimage"
    flow_weight: float = 1.0  # RGB + OF fusion weight of the flow scores (not stated)
    batchnorm_momentum: float = None  # None: Keras's 0.99
    quick: bool = False
    quick_classes: int = 3
    quick_videos_per_class: int = 12

    def __post_init__(self):
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {self.dataset!r}")
        if self.stream not in STREAMS:
            raise ValueError(f"stream must be one of {STREAMS}, got {self.stream!r}")
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}, got {self.model!r}")
        if self.setting not in TABLE1:
            raise ValueError(f"setting must be one of {sorted(TABLE1)} (Table 1), got {self.setting!r}")
        bad = [s for s in self.splits if s not in (1, 2, 3)]
        if bad or not self.splits:
            raise ValueError(f"splits must be among 1, 2, 3, got {self.splits!r}")
        for name in ("frames", "batch_size", "epochs", "num_test_clips", "plateau_patience"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.learning_rate is not None and not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate!r}")
        if not 0.0 <= self.validation_fraction < 0.5:
            raise ValueError(f"validation_fraction must lie in [0, 0.5), got {self.validation_fraction!r}")

    @property
    def streams(self):
        return ("rgb", "flow") if self.stream == "both" else (self.stream,)

    @property
    def num_classes(self):
        return self.quick_classes if self.quick else DATASETS[self.dataset]

    @property
    def model_frames(self):
        """Frames per training input: K for TeSNet, the segments for TSN (3) and the baseline (1)."""
        return {"tesnet": self.frames, "tsn": 3, "baseline": 1}[self.model]

    @classmethod
    def quick_run(cls, **changes):
        """A reduced run on generated moving-square videos: a few minutes on 2 CPU cores.

        Three classes (the direction of motion, and the square's colour), 12
        videos each, 80 x 96 frames, 75 x 75 inputs (Inception-ResNet-V2's
        smallest), no ImageNet weights, batch-norm momentum 0.9, batch 8, 4 epochs at learning rate 0.003,
        20 test clips as in the paper.
        """
        values = dict(quick=True, input_size=75, frame_size=(80, 96), batch_size=8, epochs=4, learning_rate=0.003,
                      backbone_weights=None, batchnorm_momentum=0.9, validation_fraction=0.0)
        values.update(changes)
        return cls(**values)
