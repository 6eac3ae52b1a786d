"""ST-CSAE's entry in ``stvideo compare``: the auto-encoder on motion-selected patches, then an LSTM on its
frozen sparse codes (the paper's two steps).

See ``keras_stvideo.reproductions.comparison`` for the task and the budget: the
budget's epochs are split between the two
stages (``stage_epochs``). The recipe's numbers are the constants below (``recipe_settings``).
"""

from keras_stvideo.models.stcsae.stcsae_presets import STCSAE_COMPARE

PAPER = "Baccouche et al. 2012"

# The recipe (docs/results/diagnosis_stcsae.md: chosen on the validation split, seeds 0-2): the "stcsae_compare"
# preset's numbers (models/stcsae/stcsae_presets.py), which says why each was chosen.
PRESET = STCSAE_COMPARE
FRAME_SIZE = PRESET.training["frame_size"][0]
PATCH_SHAPE = PRESET.config["patch_shape"]
CODE_UNITS = PRESET.config["code_units"]
CENTRE_PATCHES = PRESET.config["centre_patches"]
GRID_STRIDE = PRESET.config["grid_stride"]
POOLING = PRESET.training["pooling"]
BETA = PRESET.config["beta"]
PATCHES_PER_CLIP = PRESET.training["patches_per_clip"]
LSTM_UNITS = PRESET.training["lstm_units"]
LSTM_LEARNING_RATE = PRESET.training["lstm_learning_rate"]
AE_EPOCH_SHARE = PRESET.training["ae_epoch_share"]

REDUCED = PRESET.description


def stage_epochs(epochs, share=AE_EPOCH_SHARE):
    """(auto-encoder epochs, LSTM epochs) out of the budget's ``epochs``: at least one each."""
    first = max(1, int(epochs * share))
    return first, max(1, epochs - first)


def recipe_settings(frames):
    """``STCSAESettings`` of the recipe above for clips of ``frames`` frames (epochs: see ``stage_epochs``)."""
    import dataclasses

    from keras_stvideo.reproductions.stcsae.settings import STCSAESettings

    return dataclasses.replace(
        STCSAESettings.quick(), frame_size=(FRAME_SIZE, FRAME_SIZE), sequence_length=frames,
        patch_shape=PATCH_SHAPE, code_units=CODE_UNITS, centre_patches=CENTRE_PATCHES, grid_stride=GRID_STRIDE,
        pooling=POOLING, beta=BETA, patches_per_clip=PATCHES_PER_CLIP, lstm_units=LSTM_UNITS,
        lstm_learning_rate=LSTM_LEARNING_RATE, synthetic_train_clips=0, synthetic_test_clips=0)


def grey_small(clips):
    """(N, T, H, W, 3) in [0, 1] -> (N, T, FRAME_SIZE, FRAME_SIZE, 1): grey, area-averaged, each clip stretched to
    span [0, 1].

    The stretch is what ``quick_data.grey_motion_clips`` (``stvideo reproduce stcsae --quick``) does and what the
    motion criterion's threshold (0.02) and the sparsifying logistic were set for: MotionClips' grey frames are
    faint (a frame's standard deviation about 0.05), and without it only about 5% of the patches passed the
    criterion and no code unit ever exceeded 0.1 (docs/results/diagnosis_stcsae.md).
    """
    from keras_stvideo.reproductions.stcsae.quick_data import grey_small as grey
    from keras_stvideo.reproductions.stcsae.quick_data import stretch_contrast

    return stretch_contrast(grey(clips, (FRAME_SIZE, FRAME_SIZE)))


def raw_patch_encoder(settings):
    """A frozen stand-in for the trained encoder that outputs the raw patch: one Conv3D filter per patch voxel
    (centred like the recipe's patches when ``settings.centre_patches``), on the same grid; no sparsifying
    logistic. ``train(task, features="raw_patches")``'s control for ``stvideo claims``."""
    import numpy as np

    from keras_stvideo.models.stcsae.stcsae_autoencoder import ENCODER_CONV, build_stcsae_encoder

    voxels = int(np.prod(settings.patch_shape))
    encoder = build_stcsae_encoder(settings.patch_shape, voxels, grid_stride=settings.grid_stride)
    kernel = np.eye(voxels, dtype="float32")
    if settings.centre_patches:
        kernel -= 1.0 / voxels  # each voxel minus the patch's mean
    conv = encoder.get_layer(ENCODER_CONV)
    conv.kernel.assign(kernel.reshape(tuple(settings.patch_shape) + (voxels,)))
    conv.bias.assign(np.zeros(voxels, "float32"))
    encoder.trainable = False
    return encoder


def train(task, features="sparse_codes"):
    """Train ST-CSAE (stage 1) and the LSTM on its frozen features (stage 2); return (model, predict).

    ``features="raw_patches"`` skips stage 1 and gives the same LSTM the raw (centred) patches of the same grid,
    pooled the same way (``raw_patch_encoder``): the control of ``stvideo claims``.
    """
    if features not in ("sparse_codes", "raw_patches"):
        raise ValueError(f"features must be 'sparse_codes' or 'raw_patches', got {features!r}")
    import dataclasses

    from keras_stvideo.reproductions.stcsae import experiment
    from keras_stvideo.models.stcsae.stcsae_classifier import build_stcsae_lstm

    x_train = grey_small(task.x_train)
    ae_epochs, lstm_epochs = stage_epochs(task.epochs)
    settings = dataclasses.replace(recipe_settings(x_train.shape[1]), ae_epochs=ae_epochs, lstm_epochs=lstm_epochs,
                                   lstm_batch_size=task.batch_size)
    logged = experiment.log
    experiment.log = lambda message: None
    try:
        if features == "raw_patches":
            autoencoder = raw_patch_encoder(settings)
        else:
            autoencoder, _ = experiment.train_autoencoder(x_train, settings, seed=task.seed)
        _, stages = experiment.train_and_test_classifier(
            autoencoder, (x_train, task.y_train), (x_train[:1], task.y_train[:1]), settings, task.num_classes,
            seed=task.seed)
    finally:
        experiment.log = logged
    model = build_stcsae_lstm(autoencoder, x_train.shape[1:], num_classes=task.num_classes, head=stages.head,
                              pooling=settings.pooling)

    def predict(clips):
        return model.predict(grey_small(clips), batch_size=task.batch_size, verbose=0)

    return model, predict
