# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Sun et al. 2015: factorized spatio-temporal convolutional networks (FstCN)
#
# The paper's network (spatial convolutions, the T-P operator, parallel temporal convolutions), its clip
# sampling (V_clip and V_diff, Fig. 2), multi-view testing (Fig. 3) and SCI score fusion (Eqs. 5-7). Here
# `stvideo compare`'s reduced FstCN is trained on generated motion clips (training and validation curves, the
# test confusion matrix), its scores of several views per test clip are fused by averaging and by SCI, and the
# paper's claims are shown from `docs/results/claims.json`; the last section explains the full UCF101 and
# HMDB51 runs.
#
# **Mode.** The committed outputs were executed in *demo* mode (`CompareSettings.quick()`: 960 training,
# 240 validation and 240 test clips, 10 epochs) in 6.7 minutes of wall-clock time, 5.3 minutes of CPU time in
# the kernel with one TensorFlow thread, on an Intel(R) Xeon(R) Processor with 2 cores (other jobs kept the load
# average at about 1.5): under 7 minutes on an idle 2-core machine. `KERAS_STVIDEO_SMOKE=1` runs the *smoke*
# mode instead (`CompareSettings.smoke()`: 20 training clips, one epoch; what CI runs), whose figures show the
# code working, not learning.

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


import dataclasses

from keras_stvideo.inference.fusion import average_fusion, sci_fusion
from keras_stvideo.reproductions.claims import FSTCN_CROP_SHIFTS, fstcn_view_scores
from keras_stvideo.reproductions.comparison import CompareSettings, make_task
from keras_stvideo.reproductions.fstcn import comparison as recipe

# %% [markdown]
# ## The paper's network (section 2.5), at 204 x 204 with 101 classes

# %%
paper_model = keras_stvideo.build_fstcn(num_classes=101)
paper_model.summary(line_length=100)
print(f"{paper_model.count_params():,} parameters")
del paper_model

# %% [markdown]
# ## The data: generated motion clips
#
# `stvideo compare`'s task (`keras_stvideo.reproductions.comparison`, `MotionClips`): 16 frames of 32 x 32,
# the label is the motion of a textured sprite (left, right, up, down, zoom in, zoom out) over a textured,
# drifting background with clutter and camera jitter, so one frame does not tell the class; chance is 1/6.
# Demo mode uses `CompareSettings.quick()` (1,200 training clips, of which the last fifth is held out here for
# the validation curve, 10 epochs) with 240 test clips instead of 480 (each is scored in 6 views below); smoke
# mode `CompareSettings.smoke()`.

# %%
settings = CompareSettings.smoke() if SMOKE else dataclasses.replace(CompareSettings.quick(), test_clips=240)
task = make_task(settings)
held_out = max(1, len(task.x_train) // 5)
x_fit, y_fit = task.x_train[:-held_out], np.asarray(task.y_train[:-held_out])
x_val, y_val = task.x_train[-held_out:], np.asarray(task.y_train[-held_out:])
chance = 100 / task.num_classes
print(f"{len(x_fit)} training, {len(x_val)} validation and {len(task.x_test)} test clips of shape "
      f"{task.x_train.shape[1:]}; classes {task.class_names}; chance {chance:.1f}%")

show(clip_grid_figure(x_fit, y_fit, task.class_names,
                      title="two training clips per class (rows), six of their frames"))

# %% [markdown]
# ## FstCN's input: a V_clip / V_diff pair (Fig. 2)
#
# A clip pair takes l_t frames at stride s_t; V_diff is |V(i) - V(i + d_t)| at the same frames (section 2.2).
# The paper: l_t = 5, s_t = 5, d_t = 9 on 30-frame spans; the recipe: l_t = 4, s_t = 3, d_t = 3 (16-frame clips),
# frames upsampled to 80 x 80 (the lower SCLs' strides need at least 75) and scaled to [0, 255]. The SCL path
# reads one frame of V_clip, the TCL path V_diff.

# %%
examples = [int(np.flatnonzero(y_fit == c)[0]) for c in (0, 4)]  # a left and a zoom-in clip
pair_start = min(2, recipe._latest_start(x_fit))
v_clip, v_diff = recipe.clip_pairs(x_fit[examples], np.full(len(examples), pair_start))
frames = [pair_start + k * recipe.STRIDE for k in range(recipe.CLIP_LENGTH)]
fig, axes = plt.subplots(2 * len(examples), recipe.CLIP_LENGTH, figsize=(1.8 * recipe.CLIP_LENGTH, 3.6 * len(examples)))
for e, i in enumerate(examples):
    for k, t in enumerate(frames):
        axes[2 * e, k].imshow(np.clip(v_clip[e, k] / recipe.INPUT_SCALE, 0, 1))
        axes[2 * e, k].set_title(f"V_clip: frame {t}", fontsize=8)
        axes[2 * e + 1, k].imshow(np.clip(3 * v_diff[e, k] / recipe.INPUT_SCALE, 0, 1))
        axes[2 * e + 1, k].set_title(f"V_diff: |{t} - {t + recipe.DIFF_OFFSET}| x 3", fontsize=8)
    axes[2 * e, 0].text(-8, 40, task.class_names[y_fit[i]], rotation=90, ha="right", va="center", fontsize=9)
for ax in axes.ravel():
    ax.axis("off")
show(fig)

# %% [markdown]
# ## Training the reduced FstCN (`stvideo compare`'s recipe)
#
# `reproductions/fstcn/comparison.py` with its `fstcn_compare` preset: the paper's two paths and layers, a
# quarter as wide, smaller FC layers, trained from scratch with Adam 1e-4 (the paper: SGD from ImageNet-like
# starts; see the preset's description). Each epoch draws a new random clip-pair start per training clip, as the
# recipe does; after each epoch the middle clip pair of every held-out clip is scored (the recipe's test view).

# %%
print(recipe.REDUCED)
keras.utils.set_random_seed(task.seed)
model = recipe.PRESET.build(num_classes=task.num_classes)
model.compile(optimizer=keras.optimizers.Adam(recipe.LEARNING_RATE), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
print(f"{model.count_params():,} parameters")
rng = np.random.default_rng(task.seed)
latest = recipe._latest_start(x_fit)
val_inputs = recipe.clip_pairs(x_val, np.full(len(x_val), latest // 2))
history = {}
start = time.perf_counter()
for epoch in range(task.epochs):
    starts = rng.integers(0, latest + 1, size=len(x_fit))
    h = model.fit(recipe.clip_pairs(x_fit, starts), y_fit, batch_size=task.batch_size, epochs=1,
                  validation_data=(val_inputs, y_val), verbose=0).history
    for key, values in h.items():
        history.setdefault(key, []).extend(values)
print(f"trained {task.epochs} epoch(s) in {time.perf_counter() - start:.0f} s; final training accuracy "
      f"{100 * history['accuracy'][-1]:.1f}%, validation {100 * history['val_accuracy'][-1]:.1f}%")
show(training_curves({"FstCN": history}, title="FstCN (both paths) on motion clips"))

# %% [markdown]
# ## Test clips: one view, accuracy and confusion matrix
#
# The recipe's test: the middle clip pair of each test clip, one view.

# %%
test_inputs = recipe.clip_pairs(task.x_test, np.full(len(task.x_test), recipe._latest_start(task.x_test) // 2))
predictions = model.predict(test_inputs, batch_size=task.batch_size, verbose=0).argmax(axis=-1)
print(f"test top-1 (middle clip pair) {100 * np.mean(predictions == task.y_test):.1f}% on {len(task.x_test)} clips "
      f"(chance {chance:.1f}%; docs/results/compare_quick.json: 53.0% over 3 seeds with all 1,200 training clips)")
show(confusion_matrix_figure(task.y_test, predictions, task.class_names, title="FstCN, test clips:"))

# %% [markdown]
# ## Averaging vs SCI fusion of several views (Table 3)
#
# The paper scores 18 views per clip pair (9 crops and their flips, Fig. 3) and fuses them with SCI: a view's
# scores weigh by their sparsity concentration index within a clip (Eq. 6) and the clips are combined by a max
# (Eq. 7). Here, as in `stvideo claims`: 2 clip pairs (the first and the last start) x 3 crops of a 2-pixel
# edge-padded frame (centre, up-left, down-right; no flips, since left against right is a class) per test clip,
# fused by the plain average and by SCI, from the same trained network.

# %%
padded = np.pad(task.x_test[:1], ((0, 0), (0, 0), (2, 2), (2, 2), (0, 0)), mode="edge")
view_starts = (0, recipe._latest_start(task.x_test))
fig, axes = plt.subplots(1, len(view_starts) * len(FSTCN_CROP_SHIFTS), figsize=(9, 1.9))
for s, view_start in enumerate(view_starts):
    for c, (dy, dx) in enumerate(FSTCN_CROP_SHIFTS):
        ax = axes[s * len(FSTCN_CROP_SHIFTS) + c]
        ax.imshow(padded[0, view_start, dy : dy + task.x_test.shape[2], dx : dx + task.x_test.shape[3]])
        ax.set_title(f"start {view_start}, shift {dy, dx}", fontsize=7)
        ax.axis("off")
fig.suptitle("the 6 views of a test clip (first frame of each clip pair)", fontsize=9)
show(fig)

views = fstcn_view_scores(model, task.x_test, task.batch_size)  # (clips, clip pairs, crops, classes)
sci = 100 * np.mean(np.stack([sci_fusion(v) for v in views]).argmax(axis=-1) == task.y_test)
average = 100 * np.mean(np.stack([average_fusion(v) for v in views]).argmax(axis=-1) == task.y_test)
print(f"averaging: top-1 {average:.1f}%")
print(f"SCI:       top-1 {sci:.1f}%   ({views.shape[1]} clip pairs x {views.shape[2]} crops per test clip; "
      f"chance {chance:.1f}%)")
this_run = {"paper": recipe.PAPER, "method": "SCI fusion", "control": "average fusion", "method_accuracy": [sci],
            "control_accuracy": [average], "verdict": "this notebook's run (one seed)"}
show(claim_arms_figure(this_run, chance=chance))

# %% [markdown]
# ## The claims over several seeds
#
# `stvideo claims` trains the recipe per seed and scores both fusions of the same network (SCI against
# averaging, Table 3), and the two-path network against its temporal (TCL) path alone trained alike (Table 2).
# Both arms side by side, from `docs/results/claims.json`. Its FstCN task is smaller than this notebook's (600
# training clips, 6 epochs: `keras_stvideo.reproductions.claims.SIZES`), so its accuracies are lower.

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
# ## The full experiments
#
# ```
# python data_scripts/ucf101.py --root data/ucf101     # or hmdb51.py; see docs/datasets.md
# ```
# Then train `build_fstcn(101)` on `VideoClipDataset(index, 'split1', 'train', partial(sample_fstcn_clip_pair, crop_size=204), inputs=('v_clip', 'v_diff'))` with `fstcn_optimizer()` and batch 32 (section 2.5), and evaluate with `stvideo evaluate model.keras data/ucf101/index.json --frame-size 240 320`, which prints top-1 and mean class accuracy for averaging and SCI fusion over the 18 views. The lower SCLs can first be pre-trained with `build_fstcn_auxiliary` (section 2.3).
