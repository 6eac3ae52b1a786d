"""Training TeSNet and TSN (Huang & Bors 2020, section 3.1): Eq. 6's loss, SGD, TSN's augmentation.

Eq. 6, ``l_final = l_classif + beta * sum_i l_proj^i + lambda * l_L2``, needs no
custom training step: ``build_tesnet`` puts ``beta * l_proj`` of every TS layer
(``TemporalSqueeze.add_loss``) and the L2 term (kernel regularisers) into
``model.losses``, which ``Model.compute_loss`` adds to the cross-entropy
compiled here.
"""

import numpy as np

from keras_stvideo.data.samplers import sample_consecutive_clip
from keras_stvideo.models.tesnet.tesnet_presets import TESNET_PAPER

# Section 3.1: SGD, momentum 0.9, batch 32, 30 epochs, learning rate 0.001 (RGB) / 0.005 (optical flow): the
# "tesnet_paper" preset's training numbers.
LEARNING_RATES = dict(TESNET_PAPER.training["learning_rates"])
MOMENTUM = TESNET_PAPER.training["momentum"]
BATCH_SIZE = TESNET_PAPER.training["batch_size"]
EPOCHS = TESNET_PAPER.training["epochs"]
# TSN's scale jittering (Wang et al. 2016, section 3.2): crop sides drawn from these fractions of the short side.
TSN_SCALES = (1.0, 0.875, 0.75, 0.66)


def _check_stream(stream):
    if stream not in LEARNING_RATES:
        raise ValueError(f"stream must be one of {sorted(LEARNING_RATES)}, got {stream!r}")


def tesnet_optimizer(stream="rgb", learning_rate=None):
    """SGD with momentum 0.9 at the stream's learning rate (section 3.1)."""
    import keras

    _check_stream(stream)
    rate = LEARNING_RATES[stream] if learning_rate is None else learning_rate
    if not rate > 0:
        raise ValueError(f"learning_rate must be positive, got {rate!r}")
    return keras.optimizers.SGD(learning_rate=rate, momentum=MOMENTUM)


def compile_tesnet(model, stream="rgb", learning_rate=None, jit_compile=False, optimizer=None):
    """Compile ``model`` (from ``build_tesnet`` or ``build_tsn``) for Eq. 6 with the paper's optimiser.

    The loss is the cross-entropy on the model's softmax output; ``fit`` adds
    ``model.losses`` (the TS projection losses times beta and the L2 term).
    ``jit_compile`` is off by default: XLA-compiling Inception-ResNet-V2 takes
    minutes on a CPU; pass "auto" on a GPU. ``optimizer`` replaces the paper's (``tesnet_optimizer``).
    """
    import keras

    optimizer = tesnet_optimizer(stream, learning_rate) if optimizer is None else optimizer
    model.compile(optimizer=optimizer,
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"], jit_compile=jit_compile)
    return model


def reduce_on_plateau(patience=2, min_delta=1e-3):
    """Learning rate / 10 when validation accuracy stops rising ("when the validation accuracy saturates").

    The paper gives no patience; 2 epochs (of 30) is ours.
    """
    import keras

    return keras.callbacks.ReduceLROnPlateau(monitor="val_accuracy", mode="max", factor=0.1, patience=patience,
                                             min_delta=min_delta, verbose=1)


def flip_clip(clip, flow=False):
    """Mirror a clip (K, H, W, C) left-right; for colour-coded flow also negate the horizontal component.

    Flow images code u in the red channel as ``127.5 + 127.5 u / bound``
    (``keras_stvideo.data.flow``), so mirroring maps red r to 255 - r.
    """
    flipped = clip[:, :, ::-1].copy()
    if flow:
        flipped[..., 0] = 255 - flipped[..., 0]
    return flipped


def tsn_crop(clip, rng, input_size, scales=TSN_SCALES, flip=True, flow=False):
    """TSN's augmentation (Wang et al. 2016, section 3.2) on one clip: the same crop for every frame.

    Crop height and width are drawn independently from ``scales`` times the
    short side (TSN's scale jittering, aspect ratios differing by at most one
    step), placed at one of the four corners or the centre, resized to
    ``input_size`` squared, and mirrored with probability 1/2.
    """
    from skimage.transform import resize

    clip = np.asarray(clip)
    frames, height, width, channels = clip.shape
    short = min(height, width)
    sizes = [int(round(short * s)) for s in scales]
    i = int(rng.integers(len(sizes)))
    j = int(np.clip(i + rng.integers(-1, 2), 0, len(sizes) - 1))
    crop_h, crop_w = sizes[i], sizes[j]
    positions = [(0, 0), (0, width - crop_w), (height - crop_h, 0), (height - crop_h, width - crop_w),
                 ((height - crop_h) // 2, (width - crop_w) // 2)]
    top, left = positions[int(rng.integers(len(positions)))]
    crop = clip[:, top : top + crop_h, left : left + crop_w]
    if (crop_h, crop_w) != (input_size, input_size):
        crop = resize(crop.astype(np.float32), (frames, input_size, input_size, channels), order=1,
                      preserve_range=True, anti_aliasing=False)
        crop = np.clip(np.rint(crop), 0, 255).astype(np.uint8)
    if flip and rng.random() < 0.5:
        crop = flip_clip(crop, flow=flow)
    return np.ascontiguousarray(crop)


def centre_crop(clip, size):
    """The central ``size`` x ``size`` square of every frame of ``clip`` (K, H, W, C)."""
    clip = np.asarray(clip)
    height, width = clip.shape[1:3]
    if size > height or size > width:
        raise ValueError(f"crop size {size} is larger than the frames ({height} x {width})")
    top, left = (height - size) // 2, (width - size) // 2
    return clip[:, top : top + size, left : left + size]


class TesnetClipSampler:
    """K consecutive frames from a random start (section 3.1) with TSN's augmentation, for ``VideoClipDataset``.

    Args:
        frames: K (10).
        input_size: side of the crops (299, section 3.1).
        flow: the clip holds colour-coded flow images (mirroring negates u).
        augment: False gives the central crop, unflipped (validation).
        flip: TSN's random mirroring (True); off where mirroring changes the class (left / right motions).
    """

    def __init__(self, frames=10, input_size=299, flow=False, augment=True, flip=True):
        self.frames, self.input_size, self.flow, self.augment, self.flip = frames, input_size, flow, augment, flip

    def __call__(self, video, rng):
        clip = sample_consecutive_clip(video, rng, num_frames=self.frames)
        if self.augment:
            return tsn_crop(clip, rng, self.input_size, flip=self.flip, flow=self.flow)
        return np.ascontiguousarray(centre_crop(clip, min(self.input_size, *clip.shape[1:3])))


def segment_frames(num_video_frames, segments, rng=None, offset=None):
    """One frame index per segment of equal length (TSN's sparse sampling, Wang et al. 2016, section 3.1).

    ``rng`` draws a random frame in every segment (training); otherwise
    ``offset`` in [0, 1) picks the same relative place in each (testing; 0.5 by default).
    """
    if num_video_frames < segments:
        raise ValueError(f"video has {num_video_frames} frames, fewer than the {segments} segments")
    bounds = np.linspace(0, num_video_frames, segments + 1)
    if rng is not None:
        picks = bounds[:-1] + rng.random(segments) * np.diff(bounds)
    else:
        picks = bounds[:-1] + (0.5 if offset is None else offset) * np.diff(bounds)
    return np.minimum(np.floor(picks).astype(int), num_video_frames - 1)


class TsnSegmentSampler:
    """TSN's training input: one random frame per segment with TSN's augmentation."""

    def __init__(self, segments=3, input_size=299, flow=False, augment=True, flip=True):
        self.segments, self.input_size, self.flow, self.augment, self.flip = segments, input_size, flow, augment, flip

    def __call__(self, video, rng):
        clip = np.asarray(video)[segment_frames(len(video), self.segments, rng if self.augment else None)]
        if self.augment:
            return tsn_crop(clip, rng, self.input_size, flip=self.flip, flow=self.flow)
        return np.ascontiguousarray(centre_crop(clip, min(self.input_size, *clip.shape[1:3])))
