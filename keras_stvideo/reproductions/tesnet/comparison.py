"""Huang & Bors 2020's entry in ``stvideo compare``: TeSNet (setting 1) on whole clips.

The paper's TS layer (Table 1, setting 1: on the input, the clip's K frames
squeezed into D = 3) and its Eq. 6 loss are kept; Inception-ResNet-V2 is
replaced by a small backbone of the same family (``build_small_backbone``: a
stem and two Inception-ResNet-A-style residual blocks), since Inception-ResNet-V2
trained from scratch on 2 CPU cores is hours per run and has no ImageNet start here.
See ``keras_stvideo.reproductions.comparison`` for the task and the budget.
"""

import numpy as np

from keras_stvideo.models.tesnet.tesnet_presets import TESNET_COMPARE

PAPER = "Huang & Bors 2020"
# The recipe's numbers: the "tesnet_compare" preset's (models/tesnet/tesnet_presets.py).
PRESET = TESNET_COMPARE
REDUCED = PRESET.description
SETTING = PRESET.config["setting"]  # Table 1, No. 1: TS layer on the input, D = 3 (the paper's best)
# SGD's, when OPTIMIZER is "sgd" (validation, seed 0, concat consensus: 0.01 -> 25.0%, 0.03 -> 40.8%)
LEARNING_RATE = PRESET.training["sgd_learning_rate"]
BATCHNORM_MOMENTUM = PRESET.config["batchnorm_momentum"]
STEM_FILTERS = PRESET.config["stem_filters"]
BLOCK_FILTERS = PRESET.config["block_filters"]
BLOCKS = PRESET.config["blocks"]
RESIDUAL_SCALE = PRESET.config["residual_scale"]  # Inception-ResNet-V2's scale of the block-35 (A) residuals
TS_BASIS = PRESET.config["ts_basis"]  # the TS layer's start of A (the paper: "properly initialized")
CONSENSUS = PRESET.config["consensus"]  # how the D squeezed frames meet at the top (the paper is silent)
OPTIMIZER = PRESET.training["optimizer"]  # "sgd" (momentum 0.9 at LEARNING_RATE) or "adam" (ADAM_LEARNING_RATE)
ADAM_LEARNING_RATE = PRESET.training["learning_rate"]
BETA = PRESET.config["beta"]  # weight of the projection loss in Eq. 6 (the paper's 10)


def build_small_backbone(input_shape, stem_filters=STEM_FILTERS, block_filters=BLOCK_FILTERS, blocks=BLOCKS):
    """The small 2D CNN of Inception-ResNet-V2's family (``models.tesnet.small_backbone.build_small_backbone``):
    frames (H, W, 3) in [-1, 1] -> (H/4, W/4, channels), with the recipe's residual scale."""
    from keras_stvideo.models.tesnet.small_backbone import build_small_backbone as build

    return build(input_shape, stem_filters, block_filters, blocks, residual_scale=RESIDUAL_SCALE)


def _batches(pixels, labels, batch_size, rng):
    """A PyDataset over uint8 clips that serves float32 batches in [0, 255] (the builder's input range)."""
    import keras

    class Batches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.order = rng.permutation(len(pixels))

        def __len__(self):
            return -(-len(pixels) // batch_size)

        def __getitem__(self, index):
            rows = np.sort(self.order[index * batch_size : (index + 1) * batch_size])
            return pixels[rows].astype(np.float32), labels[rows]

        def on_epoch_end(self):
            self.order = rng.permutation(len(pixels))

    return Batches()


def to_pixels(clips):
    """Clips in [0, 1] -> uint8 pixels (the builder scales [0, 255] to [-1, 1])."""
    return np.clip(np.rint(np.asarray(clips, np.float32) * 255.0), 0, 255).astype(np.uint8)


def build_recipe_model(num_classes, clip_shape):
    """The recipe's TeSNet for clips of ``clip_shape`` (K, H, W, 3): the "tesnet_compare" preset (the small
    backbone, ``SETTING``, ``TS_BASIS``, ``CONSENSUS``, ``BETA`` and ``BATCHNORM_MOMENTUM``) at that shape."""
    return PRESET.build(num_classes=num_classes, frames=int(clip_shape[0]), frame_shape=tuple(clip_shape[1:]))


def compile_recipe(model, optimizer=None):
    """Compile ``model`` for Eq. 6 with the recipe's optimiser (``OPTIMIZER``)."""
    import keras

    from keras_stvideo.models.tesnet.training import compile_tesnet

    optimizer = OPTIMIZER if optimizer is None else optimizer
    if optimizer == "sgd":
        return compile_tesnet(model, "rgb", LEARNING_RATE)
    if optimizer == "adam":
        return compile_tesnet(model, optimizer=keras.optimizers.Adam(ADAM_LEARNING_RATE))
    raise ValueError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")


def train(task, squeeze="learned"):
    """Train a reduced TeSNet on ``task``; return (model, predict).

    ``squeeze="uniform"`` (the control of ``stvideo claims``): the TS layer starts at the block-mean basis and is
    frozen, so it outputs the uniform average of each of D consecutive blocks of the K frames (TSN-style segment
    averaging at the same placement) and its projection loss is a constant; the rest is trained alike.
    """
    if squeeze not in ("learned", "uniform"):
        raise ValueError(f"squeeze must be 'learned' or 'uniform', got {squeeze!r}")
    if squeeze == "learned":
        model = build_recipe_model(task.num_classes, task.x_train.shape[1:])
    else:
        from keras_stvideo.layers.temporal_squeeze import TemporalSqueeze
        from keras_stvideo.models.tesnet.tesnet_classifier import all_layers

        clip_shape = task.x_train.shape[1:]
        model = PRESET.build(num_classes=task.num_classes, frames=int(clip_shape[0]),
                             frame_shape=tuple(clip_shape[1:]), ts_basis="block")
        squeezes = [layer for layer in all_layers(model) if isinstance(layer, TemporalSqueeze)]
        if not squeezes:
            raise ValueError("the recipe's TeSNet has no TemporalSqueeze layer to freeze")
        for layer in squeezes:
            layer.trainable = False
    compile_recipe(model)
    rng = np.random.default_rng(task.seed)
    model.fit(_batches(to_pixels(task.x_train), np.asarray(task.y_train), task.batch_size, rng),
              epochs=task.epochs, verbose=0)

    def predict(clips):
        pixels = to_pixels(clips)
        return np.concatenate([model.predict_on_batch(pixels[i : i + task.batch_size].astype(np.float32))
                               for i in range(0, len(pixels), task.batch_size)])

    return model, predict
