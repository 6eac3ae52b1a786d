# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Paul et al. 2018: unsupervised Siamese C3D with scalable pair mining
#
# Paul et al. 2018, "Incorporating Scalability in Unsupervised Spatio-Temporal Feature Learning". A Siamese
# network of two shared small-C3D towers learns from pairs mined without labels (Algorithm 1): two
# non-intersecting volumes of one video are a positive pair, volumes of two videos a negative one, and the
# second volume may be recoloured (F1) and flipped (F2). The loss is Eq. 2's class-balanced hinge plus
# lambda ||W||_F; a C3D classifier is then fine-tuned from the tower. Here `stvideo compare`'s reduced recipe
# runs both stages on generated motion clips: the data and the mined pairs, the unsupervised stage's curve,
# an ASLAN-style same/not-same ROC of its features (Table 3, Fig. 5), fine-tuning with its validation curve,
# the test confusion matrix, and the paper's claim (pre-training helps fine-tuning on few labels) from
# `docs/results/claims.json`.
#
# **Mode.** The committed outputs were executed in *demo* mode (`CompareSettings.quick()`: 960 training,
# 240 validation and 480 test clips, a budget of 10 epochs) in 2.1 minutes of wall-clock time, 1.7 minutes of
# CPU time in the kernel with one TensorFlow thread, on an Intel(R) Xeon(R) Processor with 2 cores (other jobs
# kept the load average at about 1.5 to 2): about 2 minutes on an idle 2-core machine. `KERAS_STVIDEO_SMOKE=1` runs the
# *smoke* mode instead (`CompareSettings.smoke()`: 20 training clips, one epoch; what CI runs), whose figures
# show the code working, not learning.

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow is imported: no C++ log lines
from keras_stvideo.utils.quiet import quiet_tensorflow

quiet_tensorflow()  # also hides the lines TensorFlow writes to stderr while it is imported

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

import keras_stvideo
from keras_stvideo.reproductions.claims import claim_records
from keras_stvideo.plots import claim_arms_figure, clip_grid_figure, confusion_matrix_figure, training_curves
from keras_stvideo.utils.machine import describe_machine

SMOKE = os.environ.get("KERAS_STVIDEO_SMOKE") == "1"
notebook_start = time.perf_counter()
machine = describe_machine()
print("mode:", "smoke" if SMOKE else "demo", "(KERAS_STVIDEO_SMOKE=1: tiny sizes, for CI)" if SMOKE else
      "(the stvideo compare recipe's model and settings)")
load = machine["load_average_1min"]
print(f"CPU: {machine['cpu']}, {machine['cores']} cores" + ("" if load is None else f", 1-minute load average {load:.1f}"))
keras.utils.set_random_seed(0)


def show(figure):
    """Show a figure in the notebook once (keras_stvideo.plots draws with Agg, so plt.show() would not)."""
    display(figure)
    plt.close(figure)


from keras_stvideo.data.pair_mining import ColourParams, PairMiner, colour_transform, flip_transform, materialize
from keras_stvideo.models.siamese_c3d.aslan import roc_curve, ten_fold_evaluation
from keras_stvideo.models.siamese_c3d.c3d_backbone import build_c3d_classifier
from keras_stvideo.models.siamese_c3d.siamese_model import build_siamese_c3d
from keras_stvideo.models.siamese_c3d.training import adam
from keras_stvideo.reproductions.comparison import CompareSettings, make_task
from keras_stvideo.reproductions.siamese_c3d import comparison as recipe

# %% [markdown]
# ## The paper's tower: the smaller C3D of Tran et al. 2015 (section 3.1)
# Five 3x3x3 convolutions (64, 128, 256, 256, 256), each followed by max pooling (1x2x2, then 2x2x2),
# fc6 and fc7 of 2048: the 2048-d feature f of Eq. 1. The Siamese head concatenates two features (4096),
# then fc 64 and fc 1.

# %%
tower = keras_stvideo.build_c3d_small()
print(f"small C3D at 16x112x112x3: {tower.count_params():,} parameters")
siamese = keras_stvideo.build_siamese_c3d(tower=tower)
print(f"Siamese C3D: {siamese.count_params():,} parameters (tower shared by both inputs)")
del tower, siamese

# %% [markdown]
# ## The data: generated motion clips
#
# `stvideo compare`'s task (`keras_stvideo.reproductions.comparison`, `MotionClips`): 16 frames of 32 x 32,
# the label is the motion of a textured sprite (left, right, up, down, zoom in, zoom out) over a textured,
# drifting background with clutter and camera jitter; chance is 1/6. Demo mode uses `CompareSettings.quick()`
# (1,200 training clips, of which the last fifth is held out here for the validation curves, 480 test clips,
# a budget of 10 epochs); smoke mode `CompareSettings.smoke()`. The unsupervised stage reads the training
# clips without their labels.

# %%
settings = CompareSettings.smoke() if SMOKE else CompareSettings.quick()
task = make_task(settings)
held_out = max(2, len(task.x_train) // 5)
videos = recipe.downsample(task.x_train)  # the recipe's frames (its DOWNSAMPLE is 1: the whole 32 x 32)
x_fit, y_fit = videos[:-held_out], np.asarray(task.y_train[:-held_out])
x_val, y_val = videos[-held_out:], np.asarray(task.y_train[-held_out:])
x_test = recipe.downsample(task.x_test)
chance = 100 / task.num_classes
t0, y0, x0 = recipe.volume_shape(videos)
print(f"{len(x_fit)} training, {len(x_val)} validation and {len(x_test)} test clips of shape {videos.shape[1:]}; "
      f"volumes of {t0} x {y0} x {x0}; classes {task.class_names}; chance {chance:.1f}%")

show(clip_grid_figure(x_fit, y_fit, task.class_names,
                      title="two training clips per class (rows), six of their frames"))

# %% [markdown]
# ## Mined pairs (Algorithm 1), shown as their first frames
# A batch of B = 10 holds exactly N_p = round(0.3 x 10) = 3 positives (the two halves of one clip, which do
# not intersect), then 7 negatives (volumes of two clips). The recipe applies F1 (colour) and F2 (flip) to the
# second volume of negative pairs only, each with probability 1/2 (Algorithm 1 as printed: flipped positives
# would teach that left = right, and left against right is a class here).

# %%
miner = PairMiner([v.shape[:3] for v in x_fit], (t0, y0, x0), 0.3, 10, recipe.TRANSFORM_ON)
plans = miner.mine_batch(np.random.default_rng(3))
first, second, labels = materialize(plans, lambda volume: x_fit[volume.video][volume.t : volume.t + t0],
                                    miner.volume_shape)
fig, axes = plt.subplots(2, len(plans), figsize=(1.5 * len(plans), 3.6))
for i, plan in enumerate(plans):
    axes[0, i].imshow(first[i, 0])
    axes[1, i].imshow(np.clip(second[i, 0], 0, 1))
    transforms = "+".join(name for name, on in (("F1", plan.colour is not None), ("F2", plan.flip)) if on) or "I"
    axes[0, i].set_title(f"{'pos' if labels[i] > 0 else 'neg'} v{plan.first.video} t{plan.first.t}", fontsize=7)
    axes[1, i].set_title(f"v{plan.second.video} t{plan.second.t} {transforms}", fontsize=7)
for ax in axes.ravel():
    ax.axis("off")
fig.suptitle("first volume (top) and second volume (bottom) of one mined batch", fontsize=9)
show(fig)

# %% [markdown]
# ### F1 and F2 on one volume
# F1 in HSV (section 3): + u to H, S and V, u in (-0.1, 0.1); S and V to an exponent in (0.5, 2); S and V
# scaled by a number in (0.7, 2). F2: X A with A anti-diagonal, a horizontal flip. One draw for all frames.

# %%
volume = first[0]
shown = {
    "original": volume,
    "F1 +0.1 to H, S, V": colour_transform(volume, ColourParams(0.1, 1.0, 1.0)),
    "F1 exponent 2": colour_transform(volume, ColourParams(0.0, 2.0, 1.0)),
    "F1 scale 1.8": colour_transform(volume, ColourParams(0.0, 1.0, 1.8)),
    "F2 flip": flip_transform(volume),
}
fig, axes = plt.subplots(1, len(shown), figsize=(10, 2.4))
for ax, (title, v) in zip(axes, shown.items()):
    ax.imshow(np.clip(v[0], 0, 1))
    ax.set_title(title, fontsize=9)
    ax.axis("off")
show(fig)

# %% [markdown]
# ## Stage 1: unsupervised pre-training (the recipe's)
# The recipe's narrow tower (`siamese_c3d_compare` preset), Adam, batches of mined pairs with 30% positives,
# Eq. 2 with lambda = 0.0005. The recipe gives a quarter of the budget (epochs x training clips) to mined pairs
# and trains on them in one pass, in order; here that pass is cut into chunks so that the curve has points,
# each followed by the same measures on pairs mined from the held-out clips.

# %%
print(recipe.REDUCED)
keras.utils.set_random_seed(task.seed)
rng = np.random.default_rng(task.seed)
budget = task.epochs * len(x_fit)  # clip-epochs: a mined pair or a fine-tuning volume costs one
num_pairs = max(int(round(recipe.PRETRAIN_SHARE * budget)), task.batch_size)
tower = recipe.PRESET.build(input_shape=(t0, y0, x0, 3))
siamese = build_siamese_c3d(tower=tower, dropout=recipe.DROPOUT)
siamese.compile(optimizer=adam(recipe.PRETRAIN_LEARNING_RATE))
pair_first, pair_second, pair_y = recipe.mine_pairs(x_fit, num_pairs, task.batch_size, rng)
val_first, val_second, val_y = recipe.mine_pairs(x_val, max(len(x_val), task.batch_size), task.batch_size,
                                                 np.random.default_rng(1))
batches = np.arange(len(pair_y) // task.batch_size)
chunks = [chunk for chunk in np.array_split(batches, 2 if SMOKE else 8) if len(chunk)]  # whole batches
pretrain_history = {}
start = time.perf_counter()
for chunk in chunks:
    rows = np.concatenate([np.arange(b * task.batch_size, (b + 1) * task.batch_size) for b in chunk])
    h = siamese.fit((pair_first[rows], pair_second[rows]), pair_y[rows], batch_size=task.batch_size, epochs=1,
                    shuffle=False, validation_data=((val_first, val_second), val_y), verbose=0).history
    for key, values in h.items():
        pretrain_history.setdefault(key, []).extend(values)
print(f"{len(pair_y)} mined pairs in {time.perf_counter() - start:.0f} s; pair accuracy (sign(t) == y): "
      f"training {pretrain_history['pair_accuracy'][-1]:.2f}, held-out pairs {pretrain_history['val_pair_accuracy'][-1]:.2f}")
fig = training_curves({"Siamese C3D": pretrain_history}, metrics=("loss", "pair_accuracy"),
                      title=f"stage 1, one pass over {len(pair_y)} mined pairs in {len(chunks)} chunks "
                            "(x axis: chunk, not epoch)")
show(fig)
del pair_first, pair_second


# %% [markdown]
# ## Same / not-same, ASLAN-style (Table 3, Fig. 5)
# Pairs of test clips in 4 folds, half of one class and half of two; the score is the cosine similarity of
# the clips' mean fc7 features (3 evenly spaced volumes, centred on the mean feature); the threshold comes from
# the other folds. The unsupervised tower (no label seen) against a tower of the same shape with random
# weights. Real ASLAN: `data_scripts/aslan.py` prepares a copy and `stvideo reproduce siamese-c3d --aslan
# pairs.json` runs this protocol on it.

# %%
def tower_features(tower, clips):
    starts = np.linspace(0, clips.shape[1] - t0, recipe.TEST_VOLUMES).round().astype(int)
    features = np.mean([tower.predict(recipe.volumes_at(clips, np.full(len(clips), s), t0),
                                      batch_size=task.batch_size, verbose=0) for s in starts], axis=0)
    return features - features.mean(axis=0)


pair_rng = np.random.default_rng(7)
folds = []
for _ in range(4):
    fold = []
    for k in range(8 if SMOKE else 40):
        a = int(pair_rng.integers(len(x_test)))
        same = k % 2 == 0
        candidates = np.flatnonzero((task.y_test == task.y_test[a]) == same)
        candidates = candidates[candidates != a]
        if len(candidates):
            fold.append((a, int(pair_rng.choice(candidates)), same))
    folds.append(fold)


def same_not_same(features):
    scores, labels = [], []
    for fold in folds:
        a, b = np.array([p[0] for p in fold]), np.array([p[1] for p in fold])
        fa, fb = features[a], features[b]
        scores.append(np.sum(fa * fb, axis=1) / np.maximum(np.linalg.norm(fa, axis=1) * np.linalg.norm(fb, axis=1),
                                                           1e-12))
        labels.append(np.array([p[2] for p in fold], bool))
    return scores, labels


keras.utils.set_random_seed(1)
random_tower = recipe.PRESET.build(input_shape=(t0, y0, x0, 3))
features = {"unsupervised tower": tower_features(siamese.tower, x_test),
            "random tower": tower_features(random_tower, x_test)}


def plot_roc(features, title):
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    for name, table in features.items():
        scores, labels = same_not_same(table)
        result = ten_fold_evaluation(scores, labels)
        fpr, tpr, _ = roc_curve(np.concatenate(labels), np.concatenate(scores))
        ax.plot(fpr, tpr, label=f"{name}: acc {result['accuracy']:.1f}%, AUC {result['auc']:.1f}%")
        print(f"{name:31s} same/not-same accuracy {result['accuracy']:.1f}%, AUC {result['auc']:.1f}%")
    ax.plot([0, 1], [0, 1], "k:", lw=0.8)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.legend(fontsize=7)
    ax.set_title(title, fontsize=9)
    show(fig)


plot_roc(features, "ROC of same/not-same on test-clip pairs")
print("paper, Table 3 (ASLAN): C3D 57.3 / 67.2, ours 63.5 / 69.3 (accuracy / AUC)")

# %% [markdown]
# ## Stage 2: fine-tuning a C3D classifier from the tower (the recipe's)
# The classifier is the pre-trained tower and a zero-initialised softmax layer, Adam 3e-4, one volume (8
# frames at a random start) per clip and pass, for the budget's remaining three quarters of clip-epochs. After
# each pass: the accuracy of the middle volume of each held-out clip.

# %%
model = build_c3d_classifier(task.num_classes, tower=siamese.tower, head_initializer=recipe.HEAD_INITIALIZER)
model.compile(optimizer=adam(recipe.FINETUNE_LEARNING_RATE), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
val_volumes = recipe.volumes_at(x_val, np.full(len(x_val), (x_val.shape[1] - t0) // 2), t0)
remaining = max(budget - num_pairs, task.batch_size)
finetune_history = {}
start = time.perf_counter()
while remaining > 0:
    rows = rng.permutation(len(x_fit))[:remaining]
    starts = rng.integers(0, x_fit.shape[1] - t0 + 1, size=len(rows))
    h = model.fit(recipe.volumes_at(x_fit[rows], starts, t0), y_fit[rows], batch_size=task.batch_size, epochs=1,
                  validation_data=(val_volumes, y_val), verbose=0).history
    for key, values in h.items():
        finetune_history.setdefault(key, []).extend(values)
    remaining -= len(rows)
print(f"{len(finetune_history['loss'])} passes in {time.perf_counter() - start:.0f} s; validation accuracy "
      f"{100 * finetune_history['val_accuracy'][-1]:.1f}%")
show(training_curves({"C3D from the Siamese tower": finetune_history},
                     title="stage 2: fine-tuning (one epoch = one volume per training clip)"))

# %% [markdown]
# ## Test clips: video accuracy and confusion matrix
# The recipe's test: the softmax averaged over 3 evenly spaced volumes of each test clip.

# %%
test_starts = np.linspace(0, x_test.shape[1] - t0, recipe.TEST_VOLUMES).round().astype(int)
probabilities = np.mean([model.predict(recipe.volumes_at(x_test, np.full(len(x_test), s), t0),
                                       batch_size=task.batch_size, verbose=0) for s in test_starts], axis=0)
predictions = probabilities.argmax(axis=-1)
accuracy = 100 * np.mean(predictions == task.y_test)
print(f"test video accuracy {accuracy:.1f}% on {len(x_test)} clips (chance {chance:.1f}%; "
      "docs/results/compare_quick.json: 67.4% over 3 seeds with all 1,200 training clips)")
show(confusion_matrix_figure(task.y_test, predictions, task.class_names, title="Siamese C3D, fine-tuned, test clips:"))

# %% [markdown]
# The fine-tuned tower's features on the same pairs (it has seen the labels, so it is no unsupervised result):

# %%
features["fine-tuned tower (labels seen)"] = tower_features(model.get_layer(siamese.tower.name), x_test)
plot_roc(features, "ROC of same/not-same: unsupervised, random and fine-tuned towers")

# %% [markdown]
# ## The claim: Siamese pre-training helps fine-tuning on few labels
#
# `stvideo claims` runs the recipe twice per seed on the same clips: Siamese pre-training on every training
# clip (labels unread), then fine-tuning on 10% of the labelled clips; against the same fine-tuning from
# random weights (Table 1's comparison, "C3D [27]" against "Ours"). Both arms side by side, from
# `docs/results/claims.json`; the paper's Table 1: HMDB51 19.2 (random) vs 20.6 (ours), UCF101 44.1 vs 48.5.
# With only 10% of the labels for fine-tuning, its accuracies are far below this notebook's run on all of them.

# %%
records = claim_records(recipe.PAPER)
if records is None:
    print(f"docs/results/claims.json is absent or holds no record of {recipe.PAPER}: run `stvideo claims` "
          "to make it")
else:
    for record in records:
        print(f"{record['claim']}: {record['verdict']} (seeds {record['seeds']}, method "
              f"{np.round(record['method_accuracy'], 1).tolist()}, control "
              f"{np.round(record['control_accuracy'], 1).tolist()})")
        show(claim_arms_figure(record, chance=record.get("chance", chance)))
print(f"notebook ran in {(time.perf_counter() - notebook_start) / 60:.1f} min wall-clock, "
      f"{time.process_time() / 60:.1f} min of CPU time in this process ({'smoke' if SMOKE else 'demo'} mode, "
      f"{machine['cpu']}, {machine['cores']} cores, TF_NUM_INTRAOP_THREADS={os.environ.get('TF_NUM_INTRAOP_THREADS')}, "
      f"1-minute load average now {os.getloadavg()[0]:.1f})")

# %% [markdown]
# ## On real data
# `python data_scripts/ucf101.py --root data/ucf101`, `data_scripts/hmdb51.py`, then
# `stvideo reproduce siamese-c3d --ucf101 data/ucf101/index.json --hmdb51 data/hmdb51/index.json` runs the
# paper's sizes (16 x 112 x 112 volumes, the full small C3D); it is resumable step by step and writes
# results.md with Table 1 (and Table 3 with `--aslan`) beside the measured numbers.
