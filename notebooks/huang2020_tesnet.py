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
# images of RGB and flow clips (Figs. 1 and 2), the placements of Table 1 with their shapes and
# costs, trains a reduced TeSNet and TSN on generated videos, and says how to run the full
# experiments. `KERAS_STVIDEO_SMOKE=1` makes everything tiny (the tests run it so).

# %%
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras
import matplotlib.pyplot as plt
import numpy as np
from skimage import data as skdata
from skimage.transform import resize

import keras_stvideo
from keras_stvideo.data.flow import TVL1, decode_flow, encode_flow
from keras_stvideo.layers import TemporalSqueeze
from keras_stvideo.models.tesnet.tesnet_classifier import (
    TABLE1_PLACEMENTS,
    backbone_macs,
    tesnet_macs,
)

SMOKE = os.environ.get("KERAS_STVIDEO_SMOKE") == "1"
keras.utils.set_random_seed(0)
print("mode:", "SMOKE (tiny sizes and 1 epoch, as the tests run it)" if SMOKE else
      "FULL (reduced training, 6 epochs; ~15 minutes on 2 unshared CPU cores)")

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
plt.show()

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
plt.show()

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
plt.show()
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
plt.show()

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
#
# ## A reduced TeSNet and TSN, trained here
#
# What this 2-core machine can handle: generated videos of a textured square moving in one of
# three directions over a noisy background (`keras_stvideo.reproductions.tesnet.quick_data`; the square's
# colour also differs per class so a from-scratch network learns something in minutes), 80 x 96
# frames, 75 x 75 crops (Inception-ResNet-V2's smallest), no ImageNet weights, a few epochs of SGD
# with the paper's loss (Eq. 6) and TSN's augmentation. TeSNet: setting No. 1 with K = 6, D = 3;
# TSN: 3 segments. Both are tested the paper's way: 20 clips per video on whole frames, scores averaged.

# %%
import tempfile

from keras_stvideo.data.video import read_video
from keras_stvideo.data.video_dataset import VideoClipDataset
from keras_stvideo.models.tesnet.tesnet_video_inference import evaluate_videos
from keras_stvideo.reproductions.tesnet.quick_data import make_moving_square_dataset
from keras_stvideo.models.tesnet.training import TesnetClipSampler, TsnSegmentSampler, compile_tesnet

folder = tempfile.mkdtemp(prefix="tesnet_notebook_")
index = make_moving_square_dataset(folder, num_classes=3, videos_per_class=3 if SMOKE else 9, frames=16,
                                   height=80, width=96, colour_cue=True)
print(f"{len(index.entries)} videos, split1: {index.counts('split1')}")
epochs, clips = (1, 2) if SMOKE else (6, 20)
test_entries = index.entries_for("split1", "test")
test_videos = [read_video(index.path_of(e)) for e in test_entries]
test_labels = [e.label for e in test_entries]
histories, results = {}, {}
for name, model, sampler, frames, kind in (
    ("TeSNet No. 1 (K=6, D=3)", keras_stvideo.build_tesnet(3, frames=6, setting=1, input_size=None, batchnorm_momentum=0.9),
     TesnetClipSampler(6, 75), 6, "tesnet"),
    ("TSN (3 segments)", keras_stvideo.build_tsn(3, segments=3, input_size=None, batchnorm_momentum=0.9), TsnSegmentSampler(3, 75), 3, "tsn"),
):
    train = VideoClipDataset(index, "split1", "train", sampler, batch_size=6, cache_size=100)
    compile_tesnet(model, learning_rate=0.003)
    start = time.perf_counter()
    histories[name] = model.fit(train, epochs=epochs, verbose=0).history
    results[name] = evaluate_videos(model, test_videos, test_labels, frames=frames, num_clips=clips, kind=kind)
    print(f"{name}: {time.perf_counter() - start:.0f} s, training loss {histories[name]['loss'][0]:.2f} -> "
          f"{histories[name]['loss'][-1]:.2f}, test top-1 ({clips} clips/video) {100 * results[name]['top1']:.1f}% "
          f"(chance 33.3%)")

fig, ax = plt.subplots(figsize=(5, 3))
for name, history in histories.items():
    ax.plot(range(1, len(history["loss"]) + 1), history["loss"], marker="o", label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (Eq. 6)")
ax.legend(fontsize=8)
plt.show()

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
#    streams, 20-clip test, fusion) on generated videos in minutes.
