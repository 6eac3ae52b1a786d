"""ST-CSAE's entry in ``stvideo compare``: the auto-encoder on motion-selected patches, then an LSTM on its
frozen sparse codes (the paper's two steps).

See ``keras_stvideo.comparison`` for the task and the budget: the budget's epochs are split between the two
stages (stage 1 gets ``epochs // 2``, stage 2 the rest; one each when the budget is one epoch).
"""

PAPER = "Baccouche et al. 2012"
REDUCED = ("grey frames downsampled to 16 x 16 and contrast-stretched per clip, patches 3 x 6 x 6 with 128 code units and shifts of +-1 "
           "voxel, 8 motion-selected patches per training clip, LSTM(16) on the sparse codes of a 2 x 2 "
           "grid (the paper gives no sizes; docs/faithfulness.md); the budget's epochs split between the stages "
           "(auto-encoder epochs // 2, LSTM the rest; one each for a one-epoch budget)")


def stage_epochs(epochs):
    """(auto-encoder epochs, LSTM epochs) out of the budget's ``epochs``: at least one each."""
    first = max(1, epochs // 2)
    return first, max(1, epochs - first)


FRAME_SIZE = 16


def grey_small(clips):
    """(N, T, H, W, 3) in [0, 1] -> (N, T, 16, 16, 1): grey, area-averaged, each clip stretched to span [0, 1].

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
    from keras_stvideo.models.stcsae.settings import STCSAESettings

    x_train = grey_small(task.x_train)
    ae_epochs, lstm_epochs = stage_epochs(task.epochs)
    settings = dataclasses.replace(
        STCSAESettings.quick(), frame_size=(FRAME_SIZE, FRAME_SIZE), sequence_length=x_train.shape[1],
        ae_epochs=ae_epochs, lstm_epochs=lstm_epochs, lstm_batch_size=task.batch_size,
        synthetic_train_clips=0, synthetic_test_clips=0)
    logged = experiment.log
    experiment.log = lambda message: None
    try:
        autoencoder, _ = experiment.train_autoencoder(x_train, settings, seed=task.seed)
        _, stages = experiment.train_and_test_classifier(
            autoencoder, (x_train, task.y_train), (x_train[:1], task.y_train[:1]), settings, task.num_classes,
            seed=task.seed)
    finally:
        experiment.log = logged
    model = build_stcsae_lstm(autoencoder, x_train.shape[1:], num_classes=task.num_classes, head=stages.head)

    def predict(clips):
        return model.predict(grey_small(clips), batch_size=task.batch_size, verbose=0)

    return model, predict
