"""Paul, Roy & Roy-Chowdhury 2018's entry in ``stvideo compare``: unsupervised Siamese C3D, then fine-tuning.

The paper's protocol (section 3): the Siamese C3D learns from pairs mined from
the training clips *without their labels* (Algorithm 1: two non-intersecting
volumes of one clip are a positive pair, volumes of two clips a negative one,
the second volume under F1 / F2), then a C3D classifier starts from the tower's
weights and is fine-tuned on the labels. See ``keras_stvideo.comparison`` for
the task and the budget.
"""

import numpy as np

PAPER = "Paul et al. 2018"
REDUCED = ("a quarter of the budget's clip-epochs to Siamese pre-training on unlabelled mined pairs (Algorithm 1 "
           "as printed: F1 / F2 on negatives only, since flipped positives teach that left = right; Eq. 2), the rest "
           "to fine-tuning a C3D classifier from the tower; volumes of 8 frames of the whole 32 x 32 frame (a "
           "clip's two halves are a positive pair); C3D filters 16-32-64-64-64 and fc 256 instead of "
           "64-128-256-256-256 and 2048; not in C3D: conv1 also sees each frame's difference from the previous one "
           "(from raw frames the tower fitted appearance only: 18% validation), batch normalisation (without it "
           "fine-tuning stayed at ln 6), He-normal kernels, a zero fc8, no dropout (0.5 kept the pre-training loss "
           "flat); Adam 1e-3 pre-training, 3e-4 fine-tuning (no rate in the paper); test: the mean of 3 volumes")
FILTERS = (16, 32, 64, 64, 64)
FC_UNITS = 256
DOWNSAMPLE = 1  # frames are shrunk by this factor before cutting volumes (2: 16 x 16; 1: the whole 32 x 32)
DROPOUT = 0.0  # after fc6, fc7 and the Siamese head (paper: 0.5; see REDUCED)
PRETRAIN_SHARE = 0.25  # of the budget's frames, to the unsupervised stage
PRETRAIN_LEARNING_RATE = 1e-3
FINETUNE_LEARNING_RATE = 3e-4
HEAD_INITIALIZER = "zeros"  # fc8's kernels when fine-tuning
BATCH_NORM = True  # batch normalisation in the tower (not in C3D)
FRAME_DIFFERENCES = True  # conv1 also sees each frame's difference from the previous one (not in C3D)
TRANSFORM_ON = "negative"  # which pairs' second volume gets F1 / F2 (sample_volume_pairs' transform_on)
TEST_VOLUMES = 3


def downsample(clips, batch_size=64, factor=None):
    """Clips (N, T, H, W, 3) in [0, 1] -> (N, T, H // f, W // f, 3) float32 (f = ``DOWNSAMPLE``), antialiased."""
    import keras

    factor = DOWNSAMPLE if factor is None else int(factor)
    n, t, h, w, c = clips.shape
    if factor == 1:
        return np.asarray(clips, np.float32)
    size = (h // factor, w // factor)
    out = np.empty((n, t) + size + (c,), np.float32)
    for start in range(0, n, batch_size):
        part = clips[start : start + batch_size]
        frames = keras.ops.image.resize(part.reshape(-1, h, w, c), size, antialias=True)
        out[start : start + len(part)] = keras.ops.convert_to_numpy(frames).reshape((len(part), t) + size + (c,))
    return np.clip(out, 0.0, 1.0)


def volume_shape(clips):
    """(t0, y0, x0) of the volumes: T // 2 frames of the whole (downsampled) frame."""
    frames, height, width = clips.shape[1:4]
    if frames < 2:
        raise ValueError(f"clips need at least 2 frames for two disjoint volumes, got {frames}")
    return frames // 2, height, width


def mine_pairs(videos, num_pairs, batch_size, rng):
    """``num_pairs`` (rounded up to whole batches) of Algorithm 1, each batch with its own 30% positives."""
    from keras_stvideo.data.samplers import sample_volume_pairs

    shape = volume_shape(videos)
    batches = [sample_volume_pairs(list(videos), rng, batch_size, volume_shape=shape, transform_on=TRANSFORM_ON)
               for _ in range(-(-num_pairs // batch_size))]
    first, second, targets = (np.concatenate(parts) for parts in zip(*batches))
    return first, second, 2 * targets - 1  # Eq. 2's y in {+1, -1}


def volumes_at(videos, starts, frames):
    rows = np.arange(len(videos))[:, None]
    return videos[rows, starts[:, None] + np.arange(frames)[None, :]]


def train(task):
    """Pre-train a narrow Siamese C3D on unlabelled pairs, fine-tune a classifier from its tower; (model, predict)."""
    from keras_stvideo.models.siamese_c3d.c3d_backbone import build_c3d_classifier, build_c3d_small
    from keras_stvideo.models.siamese_c3d.siamese_model import build_siamese_c3d
    from keras_stvideo.models.siamese_c3d.training import adam

    rng = np.random.default_rng(task.seed)
    videos = downsample(task.x_train)
    t0, y0, x0 = volume_shape(videos)
    budget = task.epochs * len(videos)  # clip-epochs: a mined pair or a fine-tuning volume costs one
    pairs = max(int(round(PRETRAIN_SHARE * budget)), task.batch_size)

    # Stage 1: unsupervised. Labels are not read; batches keep Algorithm 1's positive ratio (no shuffling).
    tower = build_c3d_small((t0, y0, x0, 3), filters=FILTERS, fc_units=FC_UNITS, dropout=DROPOUT,
                            batch_norm=BATCH_NORM, frame_differences=FRAME_DIFFERENCES)
    siamese = build_siamese_c3d(tower=tower, dropout=DROPOUT)
    siamese.compile(optimizer=adam(PRETRAIN_LEARNING_RATE))
    first, second, y = mine_pairs(videos, pairs, task.batch_size, rng)
    siamese.fit((first, second), y, batch_size=task.batch_size, epochs=1, shuffle=False, verbose=0)
    del first, second

    # Stage 2: supervised fine-tuning of a C3D classifier initialised from the tower.
    model = build_c3d_classifier(task.num_classes, tower=siamese.tower, head_initializer=HEAD_INITIALIZER)
    model.compile(optimizer=adam(FINETUNE_LEARNING_RATE), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    labels = np.asarray(task.y_train)
    remaining = max(budget - pairs, task.batch_size)
    while remaining > 0:
        rows = rng.permutation(len(videos))[:remaining]
        starts = rng.integers(0, videos.shape[1] - t0 + 1, size=len(rows))
        model.fit(volumes_at(videos[rows], starts, t0), labels[rows], batch_size=task.batch_size, epochs=1,
                  verbose=0)
        remaining -= len(rows)

    def predict(clips):
        small = downsample(np.asarray(clips))
        latest = small.shape[1] - t0
        if latest < 0:
            raise ValueError(f"clips need at least {t0} frames, got {small.shape[1]}")
        scores = [model.predict(volumes_at(small, np.full(len(small), start), t0), batch_size=task.batch_size,
                                verbose=0)
                  for start in np.linspace(0, latest, TEST_VOLUMES).round().astype(int)]
        return np.mean(scores, axis=0)

    return model, predict

