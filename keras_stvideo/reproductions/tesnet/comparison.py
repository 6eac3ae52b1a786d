"""Huang & Bors 2020's entry in ``stvideo compare``: TeSNet (setting 1) on whole clips.

The paper's TS layer (Table 1, setting 1: on the input, the clip's K frames
squeezed into D = 3) and its Eq. 6 loss are kept; Inception-ResNet-V2 is
replaced by a small backbone of the same family (``build_small_backbone``: a
stem and two Inception-ResNet-A-style residual blocks), since Inception-ResNet-V2
trained from scratch on 2 CPU cores is hours per run and has no ImageNet start here.
See ``keras_stvideo.comparison`` for the task and the budget.
"""

import numpy as np

PAPER = "Huang & Bors 2020"
REDUCED = ("Table 1's setting 1 (a TS layer on the input squeezes the clip's K frames into D = 3; Eq. 6 with "
           "beta = 10), on a small Inception-ResNet-style 2D CNN (two stem convs, two Inception-ResNet-A blocks, "
           "0.2 M parameters) instead of Inception-ResNet-V2 at 299 x 299 from ImageNet (hours from scratch on 2 "
           "CPU cores; no ImageNet here); Adam 1e-3 instead of SGD 0.001 (the paper's rate is for an ImageNet "
           "start), batch-norm momentum 0.9, no TSN augmentation, one clip per video at test time (not 20). Where "
           "the paper is silent: A starts at overlapping Bernstein columns (block means are motion-blurred "
           "stills), and the D squeezed frames' last feature maps are stacked on the channels and combined by a "
           "3x3 conv before pooling (averaging per-frame scores cannot tell a clip from its time reversal)")
SETTING = 1  # Table 1, No. 1: TS layer on the input, D = 3 (the paper's best)
# SGD's, when OPTIMIZER is "sgd" (validation, seed 0, concat consensus: 0.01 -> 25.0%, 0.03 -> 40.8%)
LEARNING_RATE = 0.03
BATCHNORM_MOMENTUM = 0.9
STEM_FILTERS = (32, 64)
BLOCK_FILTERS = 32
BLOCKS = 2
RESIDUAL_SCALE = 0.17  # Inception-ResNet-V2's scale of the block-35 (A) residuals
TS_BASIS = "bernstein"  # the TS layer's start of A (the paper: "properly initialized"); see TemporalSqueeze
CONSENSUS = "fuse"  # how the D squeezed frames meet at the top (the paper is silent); see build_tesnet
OPTIMIZER = "adam"  # "sgd" (momentum 0.9 at LEARNING_RATE, the paper's) or "adam" (at ADAM_LEARNING_RATE)
ADAM_LEARNING_RATE = 1e-3
BETA = 10.0  # weight of the projection loss in Eq. 6 (the paper's 10)


def build_small_backbone(input_shape, stem_filters=STEM_FILTERS, block_filters=BLOCK_FILTERS, blocks=BLOCKS):
    """A small 2D CNN of Inception-ResNet-V2's family: frames (H, W, 3) in [-1, 1] -> (H/4, W/4, channels).

    Stem: conv 3x3 (stem_filters[0]), conv 3x3 stride 2 (stem_filters[1]), max-pool 2, each conv with batch
    norm and ReLU; then ``blocks`` Inception-ResNet-A blocks (Szegedy et al. 2017, Fig. 16 / Keras' block35:
    branches 1x1, 1x1-3x3 and 1x1-3x3-3x3 of ``block_filters``, concatenated, a linear 1x1 back to the
    input's channels, added with scale 0.17, ReLU).
    """
    import keras

    def conv(x, filters, kernel, strides=1, activation="relu", name=None):
        x = keras.layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False, name=name)(x)
        x = keras.layers.BatchNormalization(name=None if name is None else f"{name}_bn")(x)
        return keras.layers.Activation(activation)(x) if activation else x

    inputs = keras.Input(tuple(input_shape), name="frames")
    x = conv(inputs, stem_filters[0], 3, name="stem_conv1")
    x = conv(x, stem_filters[1], 3, strides=2, name="stem_conv2")
    x = keras.layers.MaxPooling2D(2, name="stem_pool")(x)
    channels = stem_filters[1]
    for number in range(1, blocks + 1):
        b0 = conv(x, block_filters, 1)
        b1 = conv(conv(x, block_filters, 1), block_filters, 3)
        b2 = conv(conv(conv(x, block_filters, 1), block_filters, 3), block_filters, 3)
        mixed = keras.layers.Concatenate(name=f"block_a{number}_mixed")([b0, b1, b2])
        up = keras.layers.Conv2D(channels, 1, name=f"block_a{number}_conv")(mixed)
        up = keras.layers.Rescaling(RESIDUAL_SCALE, name=f"block_a{number}_scale")(up)
        x = keras.layers.Add(name=f"block_a{number}")([x, up])
        x = keras.layers.Activation("relu", name=f"block_a{number}_ac")(x)
    return keras.Model(inputs, x, name="small_inception_resnet")


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
    """The recipe's TeSNet for clips of ``clip_shape`` (K, H, W, 3): the small backbone, ``SETTING``,
    ``TS_BASIS``, ``CONSENSUS``, ``BETA`` and ``BATCHNORM_MOMENTUM``."""
    from keras_stvideo.models.tesnet.tesnet_model import build_tesnet

    backbone = build_small_backbone(tuple(clip_shape[1:]))
    return build_tesnet(num_classes, frames=int(clip_shape[0]), setting=SETTING, backbone=backbone,
                        batchnorm_momentum=BATCHNORM_MOMENTUM, ts_basis=TS_BASIS, consensus=CONSENSUS, beta=BETA)


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


def train(task):
    """Train a reduced TeSNet on ``task``; return (model, predict)."""
    model = build_recipe_model(task.num_classes, task.x_train.shape[1:])
    compile_recipe(model)
    rng = np.random.default_rng(task.seed)
    model.fit(_batches(to_pixels(task.x_train), np.asarray(task.y_train), task.batch_size, rng),
              epochs=task.epochs, verbose=0)

    def predict(clips):
        pixels = to_pixels(clips)
        return np.concatenate([model.predict_on_batch(pixels[i : i + task.batch_size].astype(np.float32))
                               for i in range(0, len(pixels), task.batch_size)])

    return model, predict
