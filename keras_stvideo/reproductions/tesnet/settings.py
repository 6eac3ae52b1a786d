"""Huang & Bors 2020's reproduction as data: the paper's Tables 1 to 4 and the settings of one run.

Light to import (no Keras), so the command line validates options before TensorFlow loads.
"""

import dataclasses

from keras_stvideo.models.tesnet.tesnet_presets import (TESNET_PAPER, TESNET_PYRAMID_PAPER, TESNET_QUICK,
                                                        TESNET_QUICK_INCEPTION_RESNET)

# The run's paper numbers: the "tesnet_paper" preset's (models/tesnet/tesnet_presets.py).
_MODEL, _RUN = TESNET_PAPER.config, TESNET_PAPER.training

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
# "inception_resnet_v2": the paper's; "small": ``stvideo compare``'s recipe (comparison.build_recipe_model: a small
# Inception-ResNet-style 2D CNN, Bernstein start of A, "fuse" consensus, Adam 1e-3), TeSNet with setting 1 only.
BACKBONES = ("inception_resnet_v2", "small")
MIN_INCEPTION_RESNET_SIZE = 75  # keras.applications.InceptionResNetV2's smallest input


@dataclasses.dataclass(frozen=True)
class TesnetSettings:
    """One run; the defaults are the paper's (section 3.1, Table 1 No. 1)."""

    dataset: str = "ucf101"
    splits: tuple = (1,)
    stream: str = "rgb"
    model: str = "tesnet"  # "tsn" (3 segments) or "baseline" (1 frame): Table 3's comparisons
    setting: int = _MODEL["setting"]
    frames: int = _MODEL["frames"]  # K; Table 2 also uses 16 and 64 (64: the "tesnet_pyramid_paper" preset)
    squeezed_frames: tuple = None  # None: Table 1's D values; (16, 4) with setting 5 and 64 frames (Table 2)
    input_size: int = _MODEL["input_size"]
    frame_size: tuple = (256, 340)  # frames resized to TSN's 340 x 256 before cropping (not stated)
    batch_size: int = None  # None: 32 (section 3.1), or 8 for the 64-frame pyramid (section 3.3, its preset)
    epochs: int = _RUN["epochs"]
    learning_rate: float = None  # None: 0.001 (RGB), 0.005 (flow)
    plateau_patience: int = 2  # "divided by 10 when the validation accuracy saturates": patience not stated
    validation_fraction: float = 0.1  # training videos held out to watch for saturation (not stated)
    backbone_weights: str = _RUN["backbone_weights"]
    num_test_clips: int = _RUN["num_test_clips"]
    flow_backend: str = "skimage"
    flow_weight: float = 1.0  # RGB + OF fusion weight of the flow scores (not stated)
    flow_bound: float = 20.0  # pixels a frame at which the colour-coded flow saturates (TSN's 20, on 340 x 256)
    batchnorm_momentum: float = None  # None: Keras's 0.99
    backbone: str = "inception_resnet_v2"  # or "small" (BACKBONES): the quick run's
    flip: bool = True  # TSN's random mirroring; off on motion-labelled clips, where a mirrored "left" is a "right"
    quick: bool = False
    quick_classes: int = 6  # MotionClips' motions, in its order: left, right, up, down, zoom in, zoom out
    quick_videos_per_class: int = 300
    quick_video_frames: int = 24  # frames per generated video (K consecutive frames are drawn from them)

    def __post_init__(self):
        if self.batch_size is None:
            object.__setattr__(self, "batch_size", self.paper_batch_size)
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
        if self.backbone not in BACKBONES:
            raise ValueError(f"backbone must be one of {BACKBONES}, got {self.backbone!r}")
        if self.backbone == "small" and (self.model != "tesnet" or self.setting != 1):
            raise ValueError(f"backbone 'small' (stvideo compare's recipe) is for TeSNet with setting 1, got model "
                             f"{self.model!r} with setting {self.setting}: use backbone 'inception_resnet_v2'")
        if (self.backbone == "inception_resnet_v2" and self.input_size is not None
                and self.input_size < MIN_INCEPTION_RESNET_SIZE):
            raise ValueError(f"input_size (--input-size) must be at least {MIN_INCEPTION_RESNET_SIZE} for "
                             f"Inception-ResNet-V2 (its strided layers need it), got {self.input_size}")
        if self.quick and not 2 <= self.quick_classes <= 8:
            raise ValueError(f"quick_classes must lie in [2, 8] (MotionClips' motions), got {self.quick_classes!r}")
        if self.quick and self.quick_videos_per_class < 4:
            raise ValueError(f"quick_videos_per_class must be at least 4 (split 1 tests a quarter), got "
                             f"{self.quick_videos_per_class!r}")
        if self.quick and self.quick_video_frames < self.model_frames:
            raise ValueError(f"quick_video_frames ({self.quick_video_frames}) must be at least the clip's "
                             f"{self.model_frames} frames")
        if not self.flow_bound > 0:
            raise ValueError(f"flow_bound must be positive, got {self.flow_bound!r}")
        if not 0.0 <= self.validation_fraction < 0.5:
            raise ValueError(f"validation_fraction must lie in [0, 0.5), got {self.validation_fraction!r}")

    @property
    def paper_batch_size(self):
        """The paper's batch for this clip: 8 for Table 2's 64-frame pyramid ("a rather small batch size of 8",
        the ``tesnet_pyramid_paper`` preset), else 32 (section 3.1)."""
        pyramid = TESNET_PYRAMID_PAPER.config
        is_pyramid = (self.frames, self.setting, self.squeezed_frames) == (
            pyramid["frames"], pyramid["setting"], tuple(pyramid["squeezed_frames"]))
        return (TESNET_PYRAMID_PAPER if is_pyramid else TESNET_PAPER).training["batch_size"]

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
        """A reduced run on generated motion-labelled videos (``MotionClips``): about 10 minutes on 2 CPU cores.

        The class is the motion only (left, right, up, down, zoom in, zoom out: 6 classes, chance 16.7%), on
        textured drifting backgrounds with clutter and camera jitter; 300 videos per class of 24 frames at
        32 x 32 (split 1: 225 training and 75 test videos per class). TeSNet with setting 1 and K = 16 on
        ``stvideo compare``'s small Inception-ResNet-style backbone (``backbone="small"``: Bernstein start of A,
        "fuse" consensus, Adam 1e-3, batch-norm momentum 0.9, beta 10), 32 x 32 inputs, batch 16, 20 epochs,
        TSN's corner and scale-jitter crops without mirroring (mirroring turns "left" into "right"), and 20
        test clips per video on whole frames as in the paper. The flow's bound is TSN's 20 pixels scaled to the
        frames (20 x 32 / 256 = 2.5 pixels a frame): the motions move 1-2 pixels a frame at 32 x 32.

        ``model="tsn"`` or ``"baseline"`` (or ``backbone="inception_resnet_v2"``) keeps Inception-ResNet-V2 at
        its smallest input (75 x 75 crops of 80 x 80 videos), batch 8, 4 epochs at learning rate 0.003.
        """
        model = changes.get("model", "tesnet")
        backbone = changes.get("backbone", "small" if model == "tesnet" else "inception_resnet_v2")
        values = dict(quick=True, backbone=backbone, frames=16, flip=False, backbone_weights=None,
                      batchnorm_momentum=0.9, validation_fraction=0.0)
        if backbone == "small":  # the "tesnet_quick" preset
            values.update({key: TESNET_QUICK.training[key] for key in ("input_size", "frame_size", "batch_size",
                                                                       "epochs")})
        else:  # the "tesnet_quick_inception_resnet" preset
            values.update(TESNET_QUICK_INCEPTION_RESNET.training)
        # TSN's flow bound (20 pixels on 256-pixel-high frames) scaled to the generated frames' height
        values["flow_bound"] = 20.0 * values["frame_size"][0] / 256
        values.update(changes)
        return cls(**values)
