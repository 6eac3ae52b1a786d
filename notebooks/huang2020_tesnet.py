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
# # Huang & Bors 2020: Temporal Squeeze pooling (TeSNet)
#
# A Temporal Squeeze (TS) layer projects every pixel's K-vector of a clip onto a learned K x D
# hyperplane and keeps the D coefficients: K frames become D "squeezed images" (Eqs. 1-5).
# TeSNet puts TS layers inside Inception-ResNet-V2 (Table 1). This notebook shows squeezed
# images of RGB and flow clips (Figs. 1 and 2) and the placements of Table 1 with their shapes and
# costs, then trains `stvideo compare`'s reduced TeSNet on generated motion clips (training and validation
# curves, the confusion matrix on the test clips, the learned squeezed frames), shows the paper's claim
# (learned squeeze against uniform averaging) from `docs/results/claims.json`, and says how to run the full
# experiments.
#
# **Mode.** The committed outputs were executed in *demo* mode (`CompareSettings.quick()`: 960 training,
# 240 validation and 480 test clips, 10 epochs; the paper-scale sections at 299 x 299) in 1.6 minutes of
# wall-clock time, 1.5 minutes of CPU time in the kernel with one TensorFlow thread, on an Intel(R) Xeon(R)
# Processor with 2 cores (other jobs kept the load average at about 1.5): about 2 minutes on an idle 2-core
# machine.
# `KERAS_STVIDEO_SMOKE=1` runs the *smoke* mode instead (`CompareSettings.smoke()`: 20 training clips, one
# epoch, 75 x 75 for Table 1; what CI runs), whose figures show the code working, not learning.

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

from keras_stvideo.reproductions.claims import claim_records
from keras_stvideo.plots import claim_arms_figure, clip_grid_figure, confusion_matrix_figure, training_curves
from keras_stvideo.utils.machine import describe_machine
from skimage import data as skdata
from skimage.transform import resize

from keras_stvideo.data.flow import TVL1, decode_flow, encode_flow
from keras_stvideo.layers import TemporalSqueeze
from keras_stvideo.models.tesnet.tesnet_classifier import TABLE1_PLACEMENTS, backbone_macs, tesnet_macs

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


# %% [markdown]
# ## Two real-looking clips (K = 10)
#
# No real video ships with the package, so the clips are made from scikit-image's photographs:
# clip A moves a cut-out (the coffee cup) across the astronaut photograph while the camera pans
# slowly, a clear salient movement like Fig. 1's first row; clip B is the cat photograph with no
# movement at all, like Fig. 1's second row.

# %%
H, W, K, D = (48, 64, 10, 2) if SMOKE else (120, 160, 10, 2)


def photo(image, height, width):
    return (resize(image, (height, width), anti_aliasing=True) * 255).astype(np.uint8)


scene = photo(skdata.astronaut(), H + 20, W + 40)
cup = photo(skdata.coffee(), H // 2, W // 3)
clip_a = []
for t in range(K):
    frame = scene[5 : 5 + H, 2 * t : 2 * t + W].copy()  # slow pan
    x = int(4 + t * (W - cup.shape[1] - 8) / (K - 1))  # the cup crosses the frame
    frame[H // 4 : H // 4 + cup.shape[0], x : x + cup.shape[1]] = cup
    clip_a.append(frame)
clip_a = np.stack(clip_a)
clip_b = np.repeat(photo(skdata.chelsea(), H, W)[None], K, axis=0)
rng = np.random.default_rng(0)
clip_b = np.clip(clip_b.astype(int) + rng.integers(-3, 4, clip_b.shape), 0, 255).astype(np.uint8)  # sensor noise

fig, axes = plt.subplots(2, K, figsize=(1.6 * K, 3))
for row, clip in enumerate((clip_a, clip_b)):
    for t in range(K):
        axes[row, t].imshow(clip[t])
        axes[row, t].axis("off")
fig.suptitle("Fig. 1a-like input: 10 consecutive frames (top: movement; bottom: none)")
show(fig)

# %% [markdown]
# ## Squeezed images (Fig. 1b): K = 10, D = 2
#
# A TS layer with the package's start (A's columns average the two halves of the clip) and the
# same layer after fitting A to the clip alone by minimising the projection loss l_proj (Eq. 5)
# with Adam. In TeSNet A is learnt with the classification loss too (Eq. 6); fitting l_proj
# alone shows what the projection keeps. Squeezed frames are coefficients, not images, so each
# is shown rescaled to [0, 1].


# %%
def squeeze(clip, steps):
    x = (clip.astype("float32") / 127.5 - 1.0)[None]
    layer = TemporalSqueeze(D, beta=1.0)
    layer(x)
    optimizer = keras.optimizers.Adam(0.005)
    import tensorflow as tf

    for _ in range(steps):
        with tf.GradientTape() as tape:
            layer(x)
            loss = tf.add_n(layer.losses)
        optimizer.apply(tape.gradient(loss, layer.trainable_weights), layer.trainable_weights)
    out = keras.ops.convert_to_numpy(layer(x))[0]
    return out, float(layer.losses[-1])


def show01(ax, image):
    lo, hi = np.percentile(image, 1), np.percentile(image, 99)
    ax.imshow(np.clip((image - lo) / max(hi - lo, 1e-6), 0, 1))
    ax.axis("off")


steps = 5 if SMOKE else 150
fig, axes = plt.subplots(2, 2 * D, figsize=(3 * 2 * D, 4.5))
for row, (name, clip) in enumerate((("A (movement)", clip_a), ("B (still)", clip_b))):
    start, start_loss = squeeze(clip, 0)
    fitted, fitted_loss = squeeze(clip, steps)
    for d in range(D):
        show01(axes[row, d], start[d])
        axes[row, d].set_title(f"{name}: start, y{d + 1}", fontsize=8)
        show01(axes[row, D + d], fitted[d])
        axes[row, D + d].set_title(f"{name}: fitted, y{d + 1}", fontsize=8)
    print(f"clip {name}: l_proj {start_loss:.4f} at the start, {fitted_loss:.4f} after {steps} steps")
show(fig)

# %% [markdown]
# ## Flow clips and their squeezed images (Fig. 2)
#
# TV-L1 flow (scikit-image) between consecutive frames, coded as colour images the way the flow
# stream stores them (`keras_stvideo.data.flow`: red = horizontal, green = vertical, blue =
# magnitude, clipped at 20 pixels), and the same D = 2 squeeze on the flow images.

# %%
tvl1 = TVL1("skimage")
flow_a = np.stack([encode_flow(tvl1(clip_a[t], clip_a[t + 1])) for t in range(K - 1)])
flow_a = np.concatenate([flow_a, flow_a[-1:]])  # 10 flow images for a 10-frame clip
fig, axes = plt.subplots(2, K, figsize=(1.6 * K, 3))
for t in range(K):
    axes[0, t].imshow(clip_a[t])
    axes[1, t].imshow(flow_a[t])
for ax in axes.ravel():
    ax.axis("off")
fig.suptitle("Fig. 2a/c-like: frames and their colour-coded TV-L1 flow")
show(fig)
u = decode_flow(flow_a)[..., 0]
print(f"median horizontal flow on the moving cup: {np.median(u[:, H // 4 : H // 4 + cup.shape[0]][u[:, H // 4 : H // 4 + cup.shape[0]] > 1]):.1f} px/frame")

fig, axes = plt.subplots(1, 2 * D, figsize=(3 * 2 * D, 2.5))
rgb_squeezed, _ = squeeze(clip_a, steps)
flow_squeezed, _ = squeeze(flow_a, steps)
for d in range(D):
    show01(axes[d], rgb_squeezed[d])
    axes[d].set_title(f"RGB squeezed y{d + 1}", fontsize=8)
    show01(axes[D + d], flow_squeezed[d])
    axes[D + d].set_title(f"flow squeezed y{d + 1}", fontsize=8)
fig.suptitle("Fig. 2b/d-like: TS outputs of RGB frames and of flow images (K = 10, D = 2)")
show(fig)

# %% [markdown]
# ## Table 1's placements: where the TS layers go, their shapes and their costs
#
# The paper names TF-slim end points; `endpoint_layers` finds them in Keras's
# InceptionResNetV2 by structure (docs/faithfulness.md). Shapes and multiply-accumulates
# (convolutions and TS layers) per clip of K = 10 frames at the paper's 299 x 299.

# %%
size = 75 if SMOKE else 299
names, macs, points, backbone = costs = backbone_macs(size)
print(f"end points at {size} x {size}:")
for point, layer in points.items():
    print(f"  {point:15s} -> {layer:15s} {tuple(backbone.get_layer(layer).output.shape[1:])}")
rows = []
for setting, placements in TABLE1_PLACEMENTS.items():
    cost = tesnet_macs(10, setting, size, backbone_costs=costs)
    where = " + ".join(f"{p} (D={d})" for p, d in placements)
    shapes = []
    k = 10
    for p, d in placements:
        shape = (size, size, 3) if p == "input" else tuple(backbone.get_layer(points[p]).output.shape[1:])
        shapes.append(f"{(k,) + shape} -> {(d,) + shape}")
        k = d
    rows.append((setting, where, "; ".join(shapes), cost["total"] / 1e9, cost["ts_macs"] / 1e9))
tsn = tesnet_macs(10, 1, size, squeezed_frames=(3,), backbone_costs=costs)["stages"][1]["macs"] / 3
print(f"\nInception-ResNet-V2: {tsn / 1e9:.2f} GMACs per image")
print(f"{'No.':4s} {'TS layers':45s} {'GMACs/clip':>10s} {'of which TS':>12s}  shapes (K or D, H, W, C)")
for setting, where, shapes, total, ts in rows:
    print(f"{setting:<4d} {where:45s} {total:10.2f} {ts:12.4f}  {shapes}")

# %% [markdown]
# No. 5 costs less than No. 1 because only Conv2d_1a_3x3 sees all K frames and the deep layers
# run on one frame — the paper's "requires less computation" (section 3.3).

# %% [markdown]
# ## The data: generated motion clips
#
# `stvideo compare`'s task (`keras_stvideo.reproductions.comparison`, `MotionClips`): 16 frames of 32 x 32,
# the label is the motion of a textured sprite (left, right, up, down, zoom in, zoom out) over a textured,
# drifting background with clutter and camera jitter, so one frame does not tell the class; chance is 1/6.
# Demo mode uses `CompareSettings.quick()` (1,200 training clips, of which the last fifth is held out here
# for the validation curve, 480 test clips, 10 epochs); smoke mode `CompareSettings.smoke()`.

# %%
from keras_stvideo.reproductions.comparison import CompareSettings, make_task
from keras_stvideo.reproductions.tesnet import comparison as recipe

settings = CompareSettings.smoke() if SMOKE else CompareSettings.quick()
task = make_task(settings)
held_out = max(1, len(task.x_train) // 5)
x_fit, y_fit = task.x_train[:-held_out], np.asarray(task.y_train[:-held_out])
x_val, y_val = task.x_train[-held_out:], np.asarray(task.y_train[-held_out:])
chance = 100 / task.num_classes
print(f"{len(x_fit)} training, {len(x_val)} validation and {len(task.x_test)} test clips of shape "
      f"{task.x_train.shape[1:]}; classes {task.class_names}; chance {chance:.1f}%")

show(clip_grid_figure(task.x_train, task.y_train, task.class_names,
                      title="two training clips per class (rows), six of their frames"))

# %% [markdown]
# ## Training the reduced TeSNet (`stvideo compare`'s recipe)
#
# `reproductions/tesnet/comparison.py` with its `tesnet_compare` preset: Table 1's setting No. 1 (a TS layer
# on the input squeezes the K = 16 frames into D = 3) with Eq. 6's loss, on a small Inception-ResNet-style
# 2D CNN instead of Inception-ResNet-V2 (no ImageNet start here). The recipe's model, optimiser, batches and
# epochs; only the validation split is added, so that the curve shows how it generalises.

# %%
print(recipe.REDUCED)
keras.utils.set_random_seed(task.seed)
model = recipe.build_recipe_model(task.num_classes, task.x_train.shape[1:])
recipe.compile_recipe(model)
print(f"{model.count_params():,} parameters")
start = time.perf_counter()
history = model.fit(recipe._batches(recipe.to_pixels(x_fit), y_fit, task.batch_size, np.random.default_rng(task.seed)),
                    validation_data=(recipe.to_pixels(x_val).astype("float32"), y_val), epochs=task.epochs, verbose=0)
print(f"trained {task.epochs} epoch(s) in {time.perf_counter() - start:.0f} s; final training accuracy "
      f"{100 * history.history['accuracy'][-1]:.1f}%, validation {100 * history.history['val_accuracy'][-1]:.1f}%")
show(training_curves({"TeSNet": history}, title="TeSNet (setting 1, D = 3) on motion clips"))

# %% [markdown]
# ## Test clips: accuracy and confusion matrix
#
# One forward pass per clip (the whole 16 frames), as the recipe scores it.

# %%
probabilities = model.predict(recipe.to_pixels(task.x_test).astype("float32"), batch_size=task.batch_size, verbose=0)
predictions = probabilities.argmax(axis=-1)
accuracy = 100 * np.mean(predictions == task.y_test)
print(f"test top-1 {accuracy:.1f}% on {len(task.x_test)} clips (chance {chance:.1f}%; "
      "docs/results/compare_quick.json: 62.0% over 3 seeds with all 1,200 training clips)")
show(confusion_matrix_figure(task.y_test, predictions, task.class_names, title="TeSNet, test clips:"))

# %% [markdown]
# ## What the trained TS layer makes of a clip: its D = 3 squeezed frames
#
# The TS layer's output for one test clip of each class (each squeezed frame rescaled to [0, 1] for display):
# TeSNet's view of the clip. The backbone sees only these three images.

# %%
squeeze_layer = next(layer for layer in model.layers if isinstance(layer, TemporalSqueeze))
squeezer = keras.Model(model.input, squeeze_layer.output)
examples = [int(np.flatnonzero(task.y_test == c)[0]) for c in range(task.num_classes) if np.any(task.y_test == c)]
squeezed = keras.ops.convert_to_numpy(squeezer(recipe.to_pixels(task.x_test[examples]).astype("float32")))
fig, axes = plt.subplots(len(examples), 3 + squeezed.shape[1], figsize=(1.4 * (3 + squeezed.shape[1]), 1.4 * len(examples)))
for row, i in enumerate(examples):
    for col, t in enumerate((0, task.x_test.shape[1] // 2, task.x_test.shape[1] - 1)):
        axes[row, col].imshow(task.x_test[i, t])
        axes[row, col].axis("off")
        axes[0, col].set_title(f"frame {t}", fontsize=8)
    for d in range(squeezed.shape[1]):
        show01(axes[row, 3 + d], squeezed[row, d])
        axes[0, 3 + d].set_title(f"squeezed y{d + 1}", fontsize=8)
    axes[row, 0].text(-4, 16, task.class_names[task.y_test[i]], ha="right", va="center", fontsize=8)
fig.suptitle("test clips (three of their frames) and the trained TS layer's squeezed frames", fontsize=9)
show(fig)

# %% [markdown]
# ## The claim: learned squeeze against uniform averaging
#
# `stvideo claims` trains the recipe twice per seed on the same clips: with the learned TS layer, and with
# the TS layer frozen at the block-mean basis (the uniform average of each third of the frames, TSN-style
# segment averaging at the same placement). Both arms side by side, from `docs/results/claims.json`. Its task
# is smaller than this notebook's (800 training clips, 8 epochs: `keras_stvideo.reproductions.claims.SIZES`),
# so its accuracies are lower.

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
# 1. Get UCF101 (or HMDB51) and index it with its three splits:
#    `python data_scripts/ucf101.py --root data/ucf101`.
# 2. For the flow stream, compute TV-L1 flow once (resumable; `--backend opencv` with
#    `pip install opencv-contrib-python-headless` is faster, see `benchmarks/tesnet.py`):
#    `python data_scripts/compute_flow.py --index data/ucf101/index.json --out data/ucf101/flow`.
# 3. Train and test, ImageNet-initialised, 30 epochs, batch 32, 20 test clips:
#    * Table 1: `stvideo reproduce tesnet --root data/ucf101 --split 1 --stream rgb --setting N`
#    * Table 2 (64 frames): `... --setting 5 --frames 64 --squeezed-frames 16 4 --batch-size 8`
#    * Table 3: `... --stream both` for TeSNet, `--model tsn` and `--model baseline` for the comparisons
#    * Table 4: `... --split all --stream both` (and `--dataset hmdb51 --root data/hmdb51`)
#
#    An interrupted run continues from its last finished epoch when the same command is run again;
#    results.json and results.md land in `--out`, beside the paper's numbers.
# 4. `stvideo reproduce tesnet --quick --stream both` runs the whole pipeline (videos, flow, both
#    streams, 20-clip test, fusion) on generated videos in minutes; `stvideo compare --quick` and
#    `stvideo claims` run the reduced recipe trained above.
