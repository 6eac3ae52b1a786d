"""FstCN's entry in ``stvideo compare``: the two-path network on V_clip / V_diff pairs of each clip.

See ``keras_stvideo.reproductions.comparison`` for the task and the budget.
"""

import numpy as np

from keras_stvideo.models.fstcn.fstcn_presets import FSTCN_COMPARE

PAPER = "Sun et al. 2015"
# The recipe's numbers are the "fstcn_compare" preset's (models/fstcn/fstcn_presets.py), which says why each is
# reduced: Adam 1e-4 on [0, 255] pixels (Caffe's range), since with [0, 1] inputs the un-normalised network's
# activations shrink to about 0.005 by the lower SCLs' output and SGD 0.01 from scratch collapsed to one class
# (measured training-clip accuracy 16.7% in the quick comparison).
PRESET = FSTCN_COMPARE
REDUCED = PRESET.description
CLIP_LENGTH, STRIDE, DIFF_OFFSET, INPUT_SIZE = (PRESET.config["clip_length"], PRESET.training["clip_stride"],
                                                PRESET.training["diff_offset"], PRESET.config["input_size"])
LOWER_FILTERS = PRESET.config["lower_filters"]
LEARNING_RATE = PRESET.training["learning_rate"]  # Adam's
INPUT_SCALE = PRESET.training["input_scale"]


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


def model_inputs(pairs, paths="both"):
    """What a network of ``paths`` ("both", "scl" or "tcl"; ``build_fstcn``) reads of ``clip_pairs``' output."""
    if paths not in ("both", "scl", "tcl"):
        raise ValueError(f"paths must be 'both', 'scl' or 'tcl', got {paths!r}")
    return pairs if paths == "both" else pairs[0] if paths == "scl" else pairs[1]


def train(task, paths="both"):
    """Train a reduced FstCN on ``task`` (random pair starts each epoch); return (model, predict).

    ``paths``: "both" (FstCN), or one path alone ("scl": spatial, "tcl": temporal; Table 2), trained alike.
    """
    import keras

    latest = _latest_start(task.x_train)
    model = PRESET.build(num_classes=task.num_classes) if paths == "both" else PRESET.build(
        num_classes=task.num_classes, paths=paths)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    rng = np.random.default_rng(task.seed)
    for _ in range(task.epochs):
        starts = rng.integers(0, latest + 1, size=len(task.x_train))
        model.fit(model_inputs(clip_pairs(task.x_train, starts), paths), task.y_train, batch_size=task.batch_size,
                  epochs=1, verbose=0)

    def predict(clips):
        starts = np.full(len(clips), _latest_start(clips) // 2)  # the middle pair
        return model.predict(model_inputs(clip_pairs(clips, starts), paths), batch_size=task.batch_size, verbose=0)

    return model, predict
