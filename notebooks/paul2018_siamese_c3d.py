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
# lambda ||W||_F. Here: mined pairs as frames, a reduced unsupervised run on generated motion clips,
# fine-tuning against random initialisation (Table 1's comparison), nearest neighbours (Fig. 4) and an
# ASLAN-style ROC curve (Fig. 5). `KERAS_STVIDEO_SMOKE=1` makes everything tiny (the tests run it so).

# %%
import logging
import os
import pathlib
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
logging.getLogger("tensorflow").setLevel(logging.ERROR)  # fine-tuning several models retraces; harmless

import keras
import matplotlib.pyplot as plt
import numpy as np

import keras_stvideo
from keras_stvideo.data.pair_mining import ColourParams, PairMiningDataset, colour_transform, flip_transform
from keras_stvideo.models.siamese_c3d.aslan import roc_curve, ten_fold_evaluation, cosine_pair_scores, load_pairs
from keras_stvideo.reproductions.siamese_c3d.experiment import generate_aslan_pairs, generate_clip_dataset
from keras_stvideo.models.siamese_c3d.retrieval import nearest_neighbours, video_features
from keras_stvideo.models.siamese_c3d.training import fine_tune, pretrain_siamese, video_level_accuracy, volume_sampler
from keras_stvideo.data.video_dataset import VideoClipDataset
from keras_stvideo.data.video import read_video

SMOKE = os.environ.get("KERAS_STVIDEO_SMOKE") == "1"
print("mode:", "SMOKE (tiny data and epochs)" if SMOKE else "full notebook run (reduced sizes, ~10 minutes on 2 cores)")
keras.utils.set_random_seed(0)
WORK = pathlib.Path(tempfile.mkdtemp(prefix="paul2018_"))

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
# ## Data: generated motion clips
# `MotionClips` (`keras_stvideo.data.motion_clips`): the class is the motion (left, right, up, down; zoom in,
# zoom out, rotate), on textured drifting backgrounds with clutter and camera jitter. Two sets stand in for UCF101 (unlabelled pre-training, then fine-tuning) and HMDB51 (fine-tuning only).

# %%
VOLUME = (8, 32, 32)
FRAME = (36, 44)
FILTERS, FC = ((4, 8, 8, 8, 8), 32) if SMOKE else ((16, 32, 64, 64, 64), 128)
per_class = 4 if SMOKE else 10
ucf_like = generate_clip_dataset(WORK / "ucf_like", num_classes=4, videos_per_class=per_class, size=FRAME, seed=0)
hmdb_like = generate_clip_dataset(WORK / "hmdb_like", num_classes=3, videos_per_class=per_class, size=FRAME, seed=1,
                                  motions=("zoom_in", "zoom_out", "rotate_ccw"))
print("ucf-like:", ucf_like.counts("split1"), " hmdb-like:", hmdb_like.counts("split1"))

# %% [markdown]
# ## Mined pairs (Algorithm 1), shown as their first frames
# A batch holds exactly N_p = round(0.3 x 10) = 3 positives, then 7 negatives. The second volume of each
# pair gets F1 (colour) and F2 (flip) each with probability 1/2 (section 2's reading; Algorithm 1 as printed
# transforms only negatives: `transform_on="negative"`).

# %%
pairs = PairMiningDataset(ucf_like, volume_shape=VOLUME, frame_size=FRAME, batches_per_epoch=1, seed=3)
(first, second), labels = pairs[0]
plans = pairs.batch_plans(0)
fig, axes = plt.subplots(2, 10, figsize=(16, 3.8))
for i, plan in enumerate(plans):
    axes[0, i].imshow(first[i, 0])
    axes[1, i].imshow(second[i, 0])
    transforms = "+".join(name for name, on in (("F1", plan.colour is not None), ("F2", plan.flip)) if on) or "I"
    axes[0, i].set_title(f"{'pos' if labels[i] > 0 else 'neg'} v{plan.first.video} t{plan.first.t}", fontsize=8)
    axes[1, i].set_title(f"v{plan.second.video} t{plan.second.t} {transforms}", fontsize=8)
for ax in axes.ravel():
    ax.axis("off")
plt.suptitle("first volume (top) and second volume (bottom) of one mined batch")
plt.show()

# %% [markdown]
# ### F1 and F2 on one volume
# F1 in HSV (section 3): hue + u, u in (-0.1, 0.1); S and V to an exponent in (0.5, 2); S and V scaled by
# a number in (0.7, 2). F2: X A with A anti-diagonal, a horizontal flip. One draw for all frames.

# %%
volume = first[0]
shown = {
    "original": volume,
    "F1 +0.1 to H, S, V": colour_transform(volume, ColourParams(0.1, 1.0, 1.0)),
    "F1 exponent 2": colour_transform(volume, ColourParams(0.0, 2.0, 1.0)),
    "F1 scale 1.8": colour_transform(volume, ColourParams(0.0, 1.0, 1.8)),
    "F2 flip": flip_transform(volume),
}
fig, axes = plt.subplots(1, len(shown), figsize=(12, 2.6))
for ax, (title, v) in zip(axes, shown.items()):
    ax.imshow(np.clip(v[0], 0, 1))
    ax.set_title(title, fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# ## A reduced unsupervised run
# Adam, batches of 10 mined pairs with 30% positives (section 3), Eq. 2 with lambda = 0.0005. The training
# step logs the positive and negative hinge terms and the pair accuracy.

# %%
epochs, batches = (2, 3) if SMOKE else (8, 30)
pairs = PairMiningDataset(ucf_like, volume_shape=VOLUME, frame_size=FRAME, batches_per_epoch=batches, seed=0)
tower = keras_stvideo.build_c3d_small(VOLUME + (3,), filters=FILTERS, fc_units=FC)
model = keras_stvideo.build_siamese_c3d(tower=tower)
model, history = pretrain_siamese(pairs, model, epochs=epochs, learning_rate=1e-3, verbose=0)
h = history.history
fig, axes = plt.subplots(1, 2, figsize=(11, 3.2))
for key in ("loss", "positive_hinge", "negative_hinge"):
    axes[0].plot(h[key], label=key)
axes[0].set_xlabel("epoch")
axes[0].legend()
axes[1].plot(h["pair_accuracy"])
axes[1].set_title("pair accuracy (sign(t) == y)")
axes[1].set_xlabel("epoch")
plt.show()
print({k: round(v[-1], 4) for k, v in h.items()})

# %% [markdown]
# ## Fine-tuning against random initialisation (Table 1's comparison)
# A C3D classifier (tower + softmax) starts once from a copy of the unsupervised tower and once at random,
# trained the same way; video accuracy averages the softmax of evenly spaced volumes.

# %%
ft_epochs = 1 if SMOKE else 8
results = {}
for name, index in (("ucf-like", ucf_like), ("hmdb-like", hmdb_like)):
    test = index.entries_for("split1", "test")
    test_videos = [read_video(index.path_of(e), size=FRAME) for e in test]
    for init in ("random", "siamese"):
        data = VideoClipDataset(index, "split1", "train", volume_sampler(VOLUME), batch_size=10, frame_size=FRAME,
                                cache_size=100, seed=0)
        if init == "random":
            keras.utils.set_random_seed(1)
            start = keras_stvideo.build_c3d_small(VOLUME + (3,), filters=FILTERS, fc_units=FC)
        else:
            start = model.tower
        classifier, _ = fine_tune(data, len(index.class_names), tower=start, epochs=ft_epochs, learning_rate=1e-3,
                                  verbose=0, seed=2)
        results[(name, init)] = 100 * video_level_accuracy(classifier, test_videos, [e.label for e in test], VOLUME, 3)
for (name, init), accuracy in results.items():
    print(f"{name:9s} {init:8s} video accuracy {accuracy:5.1f}%")
print("paper, Table 1: HMDB51 19.2 (random) vs 20.6 (ours); UCF101 44.1 vs 48.5")

# %% [markdown]
# ## Nearest neighbours (Fig. 4)
# Each video: the mean fc7 feature of random volumes (section 3 uses 10); neighbours by cosine similarity
# (centred on the gallery mean). Query videos on the left, their top 3 on the right.

# %%
entries = ucf_like.entries
videos = [read_video(ucf_like.path_of(e), size=FRAME) for e in entries]
features = video_features(model.tower, videos, VOLUME, num_volumes=4 if SMOKE else 10, seed=0)
queries = [0, len(entries) // 2, len(entries) - 1]
indices, sims = nearest_neighbours(features[queries], features, k=3, exclude=queries, centre=True)
fig, axes = plt.subplots(len(queries), 4, figsize=(8, 2 * len(queries)))
for row, q in enumerate(queries):
    axes[row, 0].imshow(videos[q][0])
    axes[row, 0].set_title(f"query ({ucf_like.class_names[entries[q].label]})", fontsize=8)
    for col in range(3):
        j = indices[row, col]
        axes[row, col + 1].imshow(videos[j][0])
        axes[row, col + 1].set_title(f"{ucf_like.class_names[entries[j].label]} {sims[row, col]:.2f}", fontsize=8)
for ax in axes.ravel():
    ax.axis("off")
plt.show()
same = np.mean([entries[j].label == entries[q].label for q, row in zip(queries, indices) for j in row])
print(f"share of top-3 neighbours with the query's class: {same:.2f} (chance {1 / len(ucf_like.class_names):.2f})")

# %% [markdown]
# ## Same / not-same, ASLAN-style (Table 3, Fig. 5)
# Pairs of videos in folds, half of one class, half of two; the score is the cosine similarity of mean
# features; the threshold comes from the other folds. Real ASLAN: `data_scripts/aslan.py` prepares a copy and
# `stvideo reproduce siamese-c3d --aslan pairs.json` runs this protocol on it.

# %%
pairs_path = generate_aslan_pairs(ucf_like, WORK / "aslan_like.json", folds=4, pairs_per_fold=8 if SMOKE else 20)
root, folds = load_pairs(pairs_path)
feature_of = {e.path: f for e, f in zip(entries, features)}
keras.utils.set_random_seed(1)
random_tower = keras_stvideo.build_c3d_small(VOLUME + (3,), filters=FILTERS, fc_units=FC)
random_features = video_features(random_tower, videos, VOLUME, num_volumes=4 if SMOKE else 10, seed=0)
random_of = {e.path: f for e, f in zip(entries, random_features)}
plt.figure(figsize=(4.5, 4.2))
for name, table in (("unsupervised tower", feature_of), ("random tower", random_of)):
    scores = [cosine_pair_scores(table, fold) for fold in folds]
    labels = [np.array([same for _, _, same in fold]) for fold in folds]
    result = ten_fold_evaluation(scores, labels)
    fpr, tpr, _ = roc_curve(np.concatenate(labels), np.concatenate(scores))
    plt.plot(fpr, tpr, label=f"{name}: acc {result['accuracy']:.1f}%, AUC {result['auc']:.1f}%")
plt.plot([0, 1], [0, 1], "k:", lw=0.8)
plt.xlabel("false positive rate")
plt.ylabel("true positive rate")
plt.legend(fontsize=8)
plt.title("ROC of same/not-same (generated pairs)")
plt.show()
print("paper, Table 3 (ASLAN): C3D 57.3 / 67.2, ours 63.5 / 69.3 (accuracy / AUC)")

# %% [markdown]
# ## On real data
# `python data_scripts/ucf101.py --root data/ucf101`, `data_scripts/hmdb51.py`, then
# `stvideo reproduce siamese-c3d --ucf101 data/ucf101/index.json --hmdb51 data/hmdb51/index.json` runs the
# paper's sizes (16 x 112 x 112 volumes, the full small C3D); it is resumable step by step and writes
# results.md with Table 1 (and Table 3 with `--aslan`) beside the measured numbers.
