"""ST-CSAE's entry in ``stvideo compare``: the auto-encoder on motion-selected patches, then an LSTM on its
frozen sparse codes (the paper's two steps).

See ``keras_stvideo.comparison`` for the task and the budget: the budget's epochs are split between the two
stages (``stage_epochs``). The recipe's numbers are the constants below (``recipe_settings``).
"""

PAPER = "Baccouche et al. 2012"

# The recipe (docs/results/diagnosis_stcsae.md: chosen on the validation split, seeds 0-2).
FRAME_SIZE = 32  # full resolution: at 16 x 16 a linear probe on grey frame differences got 28% (validation)
PATCH_SHAPE = (5, 6, 6, 1)  # 5 frames: probes 58-62% against 55-57% with 3 frames
CODE_UNITS = 192  # > 5 * 6 * 6 = 180: overcomplete
CENTRE_PATCHES = True  # each patch minus its mean, zero-sum encoder kernels
GRID_STRIDE = (2, 2)  # a dense grid: 14 x 14 locations on 32 x 32 frames
POOLING = "mean"  # each code unit averaged over the grid per time step: the LSTM gets (steps, CODE_UNITS)
BETA = 3.0
PATCHES_PER_CLIP = 8
LSTM_UNITS = 32
LSTM_LEARNING_RATE = 3e-3
AE_EPOCH_SHARE = 0.3  # the budget's epochs: this share (rounded down, at least one) to stage 1, the rest to stage 2

REDUCED = (f"grey frames at {FRAME_SIZE} x {FRAME_SIZE}, contrast-stretched per clip; patches "
           f"{' x '.join(map(str, PATCH_SHAPE[:3]))}, centred (each minus its mean; encoder kernels zero-sum), "
           f"{CODE_UNITS} code units, beta {BETA:g}, shifts of +-1 voxel, {PATCHES_PER_CLIP} motion-selected "
           f"patches per training clip; the encoder slid over a dense grid (stride {GRID_STRIDE[0]} pixels) and each "
           f"code unit {POOLING}-pooled over the grid per time step (the paper concatenates a grid's codes); "
           f"LSTM({LSTM_UNITS}) (the paper gives no sizes; docs/faithfulness.md); the budget's epochs split between "
           f"the stages (auto-encoder {AE_EPOCH_SHARE:g} of them rounded down, LSTM the rest; one each at least)")


def stage_epochs(epochs, share=AE_EPOCH_SHARE):
    """(auto-encoder epochs, LSTM epochs) out of the budget's ``epochs``: at least one each."""
    first = max(1, int(epochs * share))
    return first, max(1, epochs - first)


def recipe_settings(frames):
    """``STCSAESettings`` of the recipe above for clips of ``frames`` frames (epochs: see ``stage_epochs``)."""
    import dataclasses

    from keras_stvideo.models.stcsae.settings import STCSAESettings

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
    from keras_stvideo.models.stcsae.quick_data import grey_small as grey
    from keras_stvideo.models.stcsae.quick_data import stretch_contrast

    return stretch_contrast(grey(clips, (FRAME_SIZE, FRAME_SIZE)))


def train(task):
    """Train ST-CSAE (stage 1) and the LSTM on its frozen features (stage 2); return (model, predict)."""
    import dataclasses

    from keras_stvideo.models.stcsae import experiment
    from keras_stvideo.models.stcsae.model import build_stcsae_lstm

    x_train = grey_small(task.x_train)
    ae_epochs, lstm_epochs = stage_epochs(task.epochs)
    settings = dataclasses.replace(recipe_settings(x_train.shape[1]), ae_epochs=ae_epochs, lstm_epochs=lstm_epochs,
                                   lstm_batch_size=task.batch_size)
    logged = experiment.log
    experiment.log = lambda message: None
    try:
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
