"""Paul, Roy & Roy-Chowdhury 2018's entry in ``stvideo compare``: unsupervised Siamese C3D, then fine-tuning.

The paper's protocol (section 3): the Siamese C3D learns from pairs mined from
the training clips *without their labels* (Algorithm 1: two non-intersecting
volumes of one clip are a positive pair, volumes of two clips a negative one,
the second volume under F1 / F2), then a C3D classifier starts from the tower's
weights and is fine-tuned on the labels. See ``keras_stvideo.reproductions.comparison`` for
the task and the budget.
"""

import numpy as np

from keras_stvideo.models.siamese_c3d.siamese_c3d_presets import SIAMESE_C3D_COMPARE

PAPER = "Paul et al. 2018"
# The recipe's numbers: the "siamese_c3d_compare" preset's (models/siamese_c3d/siamese_c3d_presets.py).
PRESET = SIAMESE_C3D_COMPARE
REDUCED = PRESET.description
FILTERS = PRESET.config["filters"]
FC_UNITS = PRESET.config["fc_units"]
DOWNSAMPLE = PRESET.training["downsample"]  # frames shrunk by this factor before cutting volumes (1: 32 x 32)
DROPOUT = PRESET.config["dropout"]  # after fc6, fc7 and the Siamese head (paper: 0.5; see REDUCED)
PRETRAIN_SHARE = PRESET.training["pretrain_share"]  # of the budget's frames, to the unsupervised stage
PRETRAIN_LEARNING_RATE = PRESET.training["pretrain_learning_rate"]
FINETUNE_LEARNING_RATE = PRESET.training["finetune_learning_rate"]
HEAD_INITIALIZER = PRESET.training["head_initializer"]  # fc8's kernels when fine-tuning
BATCH_NORM = PRESET.config["batch_norm"]  # batch normalisation in the tower (not in C3D)
FRAME_DIFFERENCES = PRESET.config["frame_differences"]  # conv1 also sees frame differences (not in C3D)
TRANSFORM_ON = PRESET.training["transform_on"]  # which pairs' second volume gets F1 / F2
TEST_VOLUMES = PRESET.training["test_volumes"]


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


def train(task, pretrain=True, labelled=None, finetune_volumes=None):
    """Pre-train a narrow Siamese C3D on unlabelled pairs, fine-tune a classifier from its tower; (model, predict).

    The switches of ``stvideo claims`` (the defaults are the recipe): ``pretrain=False`` skips stage 1, so
    fine-tuning starts from the tower's random weights; ``labelled`` (indices into the training clips) restricts
    fine-tuning to those clips' labels (stage 1 still mines pairs from every clip, labels unread), drawn by a
    generator of their own so that both arms fine-tune on the same volumes; ``finetune_volumes`` sets stage 2's
    budget (default: the budget's clip-epochs less the mined pairs).
    """
    from keras_stvideo.models.siamese_c3d.c3d_backbone import build_c3d_classifier
    from keras_stvideo.models.siamese_c3d.siamese_model import build_siamese_c3d
    from keras_stvideo.models.siamese_c3d.training import adam

    rng = np.random.default_rng(task.seed)
    videos = downsample(task.x_train)
    t0, y0, x0 = volume_shape(videos)
    budget = task.epochs * len(videos)  # clip-epochs: a mined pair or a fine-tuning volume costs one
    pairs = max(int(round(PRETRAIN_SHARE * budget)), task.batch_size)

    # Stage 1: unsupervised. Labels are not read; batches keep Algorithm 1's positive ratio (no shuffling).
    tower = PRESET.build(input_shape=(t0, y0, x0, 3))  # build_c3d_small
    siamese = build_siamese_c3d(tower=tower, dropout=DROPOUT)
    siamese.compile(optimizer=adam(PRETRAIN_LEARNING_RATE))
    if pretrain:
        first, second, y = mine_pairs(videos, pairs, task.batch_size, rng)
        siamese.fit((first, second), y, batch_size=task.batch_size, epochs=1, shuffle=False, verbose=0)
        del first, second

    # Stage 2: supervised fine-tuning of a C3D classifier initialised from the tower.
    model = build_c3d_classifier(task.num_classes, tower=siamese.tower, head_initializer=HEAD_INITIALIZER)
    model.compile(optimizer=adam(FINETUNE_LEARNING_RATE), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    labels = np.asarray(task.y_train)
    remaining = max(budget - pairs, task.batch_size) if finetune_volumes is None else int(finetune_volumes)
    pool = np.arange(len(videos)) if labelled is None else np.asarray(labelled)
    if labelled is not None:
        rng = np.random.default_rng((task.seed, 1))
    while remaining > 0:
        rows = pool[rng.permutation(len(pool))[:remaining]]
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

