"""FstCN's entry in ``stvideo compare``: the two-path network on V_clip / V_diff pairs of each clip.

See ``keras_stvideo.comparison`` for the task and the budget.
"""

import numpy as np

PAPER = "Sun et al. 2015"
REDUCED = ("clip pairs of l_t = 4 frames at stride s_t = 3, d_t = 3 (16-frame clips hold no 30-frame span), "
           "frames upsampled to 80 x 80 (the lower SCLs' strides need at least 75; 80 leaves the same 1 x 1 top "
           "as 112), lower SCLs a quarter as wide (24-64-128-128 filters instead of 96-256-512-512), FC 256-128 "
           "and fusion 128 instead of 4096-2048-2048 (a few hundred clips on 2 CPU cores), trained from scratch "
           "(no ImageNet) with Adam 1e-4 on [0, 255] pixels instead of SGD 0.01 on [0, 1] clips (with those the "
           "un-normalised network's activations shrank to about 0.005 and it collapsed to one class: 16.7% on its "
           "training clips)")
CLIP_LENGTH, STRIDE, DIFF_OFFSET, INPUT_SIZE = 4, 3, 3, 80
LOWER_FILTERS = (24, 64, 128, 128)
# Adam 1e-4 on [0, 255] pixels (Caffe's range, as in the paper's setup): with [0, 1] inputs the un-normalised
# network's activations shrink to about 0.005 by the lower SCLs' output, and SGD 0.01 from scratch collapsed to
# one class (measured training-clip accuracy 16.7% in the quick comparison)
LEARNING_RATE = 1e-4  # Adam's
INPUT_SCALE = 255.0


def clip_pairs(clips, starts):
    """(V_clip, V_diff) of every clip from its start frame (section 2.2), frames resized to ``INPUT_SIZE`` and
    scaled from [0, 1] to [0, ``INPUT_SCALE``]."""
    import keras

    from keras_stvideo.data.samplers import fstcn_clip_pair_at

    pairs = [fstcn_clip_pair_at(clip, int(start), CLIP_LENGTH, STRIDE, DIFF_OFFSET)
             for clip, start in zip(clips, starts)]
    v_clip = np.stack([pair.v_clip for pair in pairs])
    v_diff = np.stack([pair.v_diff for pair in pairs])
    n, t, h, w, c = v_clip.shape

    def resize(frames):
        frames = keras.ops.image.resize(frames.reshape(n * t, h, w, c), (INPUT_SIZE, INPUT_SIZE))
        return INPUT_SCALE * keras.ops.convert_to_numpy(frames).reshape(n, t, INPUT_SIZE, INPUT_SIZE, c)

    return [resize(v_clip), resize(v_diff)]


def _latest_start(clips):
    latest = clips.shape[1] - ((CLIP_LENGTH - 1) * STRIDE + DIFF_OFFSET + 1)
    if latest < 0:
        raise ValueError(f"FstCN's clip pairs need at least {(CLIP_LENGTH - 1) * STRIDE + DIFF_OFFSET + 1} frames, "
                         f"got clips of {clips.shape[1]}")
    return latest


def train(task):
    """Train a reduced FstCN on ``task`` (random pair starts each epoch); return (model, predict)."""
    import keras

    from keras_stvideo.models.fstcn.fstcn_model import build_fstcn, build_lower_scls

    latest = _latest_start(task.x_train)
    lower = build_lower_scls((INPUT_SIZE, INPUT_SIZE, 3), filters=LOWER_FILTERS)
    model = build_fstcn(task.num_classes, input_size=INPUT_SIZE, clip_length=CLIP_LENGTH, fc_units=(256, 128),
                        fusion_units=128, lower_scls=lower)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    rng = np.random.default_rng(task.seed)
    for _ in range(task.epochs):
        starts = rng.integers(0, latest + 1, size=len(task.x_train))
        model.fit(clip_pairs(task.x_train, starts), task.y_train, batch_size=task.batch_size, epochs=1, verbose=0)

    def predict(clips):
        starts = np.full(len(clips), _latest_start(clips) // 2)  # the middle pair
        return model.predict(clip_pairs(clips, starts), batch_size=task.batch_size, verbose=0)

    return model, predict
