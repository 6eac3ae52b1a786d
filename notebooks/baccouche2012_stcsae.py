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
# # Baccouche et al. 2012: the spatio-temporal convolutional sparse auto-encoder (ST-CSAE)
#
# Baccouche et al. 2012 learns sparse-overcomplete spatio-temporal features without labels, with an auto-encoder
# whose encoder is a 2D+t convolution the size of a patch, a sparsifying logistic (Ranzato et al. 2007)
# and a fully connected decoder, trained on motion-selected patches with a best-shift search; then an
# LSTM labels whole sequences from the features of every grid location. Here it runs on generated
# motion clips (`keras_stvideo.data.MotionClips`: the class is the motion, the appearance is random),
# made grey and small, then the last section shows
# how to run KTH. `KERAS_STVIDEO_SMOKE=1` makes everything tiny (the tests run it so).

# %%
import os

import keras
import matplotlib.pyplot as plt
import numpy as np

import keras_stvideo
from keras_stvideo.data.patches import motion_scores, sample_moving_patches
from keras_stvideo.models.stcsae import shift_offsets
from keras_stvideo.reproductions.stcsae import experiment
from keras_stvideo.reproductions.stcsae.settings import STCSAESettings
from keras_stvideo.data.motion_clips import CLASS_NAMES, MOTIONS
from keras_stvideo.reproductions.stcsae.quick_data import QUICK_OPTIONS, grey_motion_clips

SMOKE = os.environ.get("KERAS_STVIDEO_SMOKE") == "1"
print("mode:", "smoke (tiny data, 1 epoch)" if SMOKE else "full (the --quick reproduction's sizes)")
keras.utils.set_random_seed(0)
settings = STCSAESettings.quick()
if SMOKE:
    import dataclasses
    settings = dataclasses.replace(settings, synthetic_train_clips=40, synthetic_test_clips=20, ae_epochs=1,
                                   lstm_epochs=2)

# %% [markdown]
# ## Clips whose class is the motion
# `MotionClips` renders textured shapes or digits that move left, right, up or down over a textured
# background (32 x 32), made grey and downsampled to 16 x 16 here. As in `stvideo reproduce stcsae
# --quick`, the background stays still (no clutter, drift or camera jitter: `QUICK_OPTIONS`), so the
# motion criterion below has still patches to drop. No single frame tells the class.

# %%
frames, size, classes = settings.sequence_length, settings.frame_size, settings.synthetic_classes
train = grey_motion_clips(settings.synthetic_train_clips, frames, size, classes, seed=0, **QUICK_OPTIONS)
test = grey_motion_clips(settings.synthetic_test_clips, frames, size, classes, seed=1, **QUICK_OPTIONS)
fig, axes = plt.subplots(classes, 6, figsize=(8, 1.4 * classes))
for row in range(classes):
    clip = train[0][np.flatnonzero(train[1] == row)[0]]
    for col in range(6):
        axes[row, col].imshow(clip[2 * col, ..., 0], cmap="gray", vmin=0, vmax=1)
        axes[row, col].axis("off")
    axes[row, 0].set_title(CLASS_NAMES[MOTIONS[row]], fontsize=8, loc="left")
plt.suptitle("frames 0, 2, ..., 10 of one clip per class")
plt.show()

# %% [markdown]
# ## Motion-based patch selection
# A patch is kept when the mean absolute frame difference inside it exceeds a threshold (0.02 for
# intensities in [0, 1]; the paper does not state its criterion, see docs/faithfulness.md).

# %%
patch_size = settings.patch_shape[:3]
kept, kept_where, dropped, dropped_where = sample_moving_patches(
    train[0][:20], patch_size, settings.shift_range, patches_per_clip=4, threshold=settings.motion_threshold,
    seed=0, return_dropped=True)
print(f"{len(kept)} kept and {len(dropped)} dropped samples from 20 clips")
fig, axes = plt.subplots(2, 8, figsize=(10, 3))
for col in range(8):
    for row, (samples, name) in enumerate(((kept, "kept"), (dropped, "dropped"))):
        if col < len(samples):
            axes[row, col].imshow(samples[col, 1, ..., 0], cmap="gray", vmin=0, vmax=1)
        axes[row, col].axis("off")
    axes[0, 0].set_title("kept (moving)", fontsize=8, loc="left")
    axes[1, 0].set_title("dropped (static)", fontsize=8, loc="left")
plt.show()
scores = motion_scores(train[0][0], patch_size)
plt.imshow(scores[0], cmap="magma"); plt.colorbar(); plt.title("motion score of every patch position, frame 0")
plt.show()

# %% [markdown]
# ## Training: energy, best shifts, sparse codes
# `model.fit(neighbourhoods)` runs the paper's step in the model's own `train_step`: best-shift search
# over the 27 shifts of ±1 voxel, a few gradient steps on the code, then one update of encoder and
# decoder with the code fixed.

# %%
autoencoder, history = experiment.train_autoencoder(train[0], settings, seed=0)
fig, axes = plt.subplots(1, 2, figsize=(10, 3))
axes[0].plot(history["energy"], label="energy")
axes[0].plot(history["reconstruction_error"], label="reconstruction")
axes[0].plot(history["prediction_error"], label="prediction")
axes[0].set_xlabel("epoch"); axes[0].legend(); axes[0].set_title("energy and its two terms")
axes[1].plot(history["sparsity"]); axes[1].set_xlabel("epoch"); axes[1].set_title("fraction of sparse-code units < 0.1")
plt.show()

# %% [markdown]
# ### The learned 2D+t filters, each kernel's frames side by side

# %%
kernel = keras.ops.convert_to_numpy(autoencoder.encoder.get_layer("encoder_conv").kernel)[..., 0, :]  # (T, H, W, K)
norms = np.sqrt((kernel ** 2).sum(axis=(0, 1, 2)))
shown = np.argsort(-norms)[:12]
fig, axes = plt.subplots(len(shown) // 2, 2 * kernel.shape[0], figsize=(9, 7))
for i, unit in enumerate(shown):
    limit = np.abs(kernel[..., unit]).max()
    for t in range(kernel.shape[0]):
        ax = axes[i // 2, (i % 2) * kernel.shape[0] + t]
        ax.imshow(kernel[t, :, :, unit], cmap="RdBu", vmin=-limit, vmax=limit); ax.axis("off")
plt.suptitle("12 kernels (largest norm): frames t = 0..T-1 left to right")
plt.show()

# %% [markdown]
# ### Code sparsity

# %%
patches = kept[:, 1:-1, 1:-1, 1:-1]
code = autoencoder.encoder.predict(patches, verbose=0)
sparse = keras.ops.convert_to_numpy(autoencoder._logistic_frozen(code))
fig, axes = plt.subplots(1, 3, figsize=(12, 3))
axes[0].hist(code.ravel(), bins=60); axes[0].set_title("encoder output P(x)")
axes[1].hist(sparse.ravel(), bins=60, log=True); axes[1].set_title("sparse code S(P(x)) (log counts)")
axes[2].hist((sparse < autoencoder.sparsity_threshold).mean(axis=1), bins=20)
axes[2].set_title("per patch: fraction of units < 0.1")
plt.show()

# %% [markdown]
# ### The best shift found on example patches
# Each training sample is a patch with a one-voxel margin; the search picks the shifted patch of lowest
# energy. Left: the centred patch (first frame); right: the chosen one, with its shift (dt, dy, dx).

# %%
best, index, _ = autoencoder.best_shift(kept[:6])
vectors = autoencoder.shift_vectors(index)
fig, axes = plt.subplots(2, 6, figsize=(10, 3.6))
for i in range(6):
    axes[0, i].imshow(kept[i, 1, 1:-1, 1:-1, 0], cmap="gray", vmin=0, vmax=1); axes[0, i].axis("off")
    axes[1, i].imshow(keras.ops.convert_to_numpy(best)[i, 0, ..., 0], cmap="gray", vmin=0, vmax=1)
    axes[1, i].axis("off"); axes[1, i].set_title(str(tuple(int(v) for v in vectors[i])), fontsize=8)
plt.show()
_, index, _ = autoencoder.best_shift(kept)
counts = np.bincount(keras.ops.convert_to_numpy(index), minlength=len(shift_offsets(autoencoder.shift_range)))
print("how often each of the 27 shifts is chosen:", counts.tolist())

# %% [markdown]
# ## Stage 2: the LSTM on the frozen features
# The encoder slides over whole clips; the sparse codes of every grid location are concatenated per
# frame, computed once (`keras_stvideo.training.two_stage.TwoStage`), and an LSTM labels the clip.

# %%
result, stages = experiment.train_and_test_classifier(autoencoder, train, test, settings, classes, seed=0)
print(f"test accuracy {result['accuracy']:.1f}% (chance {100 / classes:.1f}%), training accuracy {result['train_accuracy']:.1f}%")
classifier = keras_stvideo.build_stcsae_lstm(autoencoder, (frames,) + size + (1,), num_classes=classes,
                                             head=stages.head)
probabilities = classifier.predict(test[0], verbose=0)
print("the end-to-end classifier agrees:", f"{100 * np.mean(probabilities.argmax(1) == test[1]):.1f}%")

# %% [markdown]
# ## KTH (the paper's experiment)
# ```
# python data_scripts/kth.py --root data/kth            # download, verify, index (KTH1 and KTH2 splits)
# stvideo reproduce stcsae --root data/kth --out out/stcsae_kth
# ```
# Both protocols on Schuldt et al.'s person split (docs/datasets.md): KTH1 (the four scenarios together)
# and KTH2 (each scenario on its own, averaged), beside the paper's 95.83% and 93.74%. The run keeps the
# trained auto-encoder, the features and each finished protocol in `--out`, so the same command resumes
# it. GEMEP-FERA, the paper's second dataset, is not public.
