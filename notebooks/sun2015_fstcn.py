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
# The paper's network (spatial convolutions, the T-P operator, parallel temporal convolutions), its clip sampling (V_clip and V_diff, Fig. 2), its 18-view testing (Fig. 3) and SCI score fusion (Eqs. 5-7). A reduced FstCN is trained here on generated videos; the last section explains the full UCF101 and HMDB51 runs.
#
# **Mode.** The committed outputs were executed in *smoke* mode (`KERAS_STVIDEO_SMOKE=1`: 8 training and 4 test videos, one epoch) and took about 2 minutes of wall-clock time on 2 CPU cores that about eight other jobs shared; the tests run the same mode. The figures show what the code does; the accuracies of so small a run mean nothing. Without the variable the notebook runs its *demo* mode (160 training and 40 test videos of 120 x 120, 8 epochs of the reduced FstCN).

# %%
import os

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')  # keep TensorFlow's start-up log out of the outputs
import time

import keras
import matplotlib.pyplot as plt
import numpy as np

import keras_stvideo
from keras_stvideo.data import MovingMNIST, load_mnist
from keras_stvideo.data.mnist import load_embedded_digits
from keras_stvideo.data.samplers import sample_fstcn_clip_pair
from keras_stvideo.inference import eighteen_views, predict_video, top_k_accuracy
from keras_stvideo.models.fstcn.fstcn_video_inference import fstcn_test_pairs

SMOKE = os.environ.get('KERAS_STVIDEO_SMOKE') == '1'
keras.utils.set_random_seed(0)
notebook_start = time.time()
print('smoke mode' if SMOKE else 'demo mode')

# %% [markdown]
# ## The paper's network (section 2.5), at 204 x 204 with 101 classes

# %%
paper_model = keras_stvideo.build_fstcn(num_classes=101)
paper_model.summary(line_length=100)
print(f'{paper_model.count_params():,} parameters')
del paper_model

# %% [markdown]
# ## Videos to play with, and a V_clip / V_diff pair (Fig. 2)
#
# Moving MNIST rendered as 3-channel 120 x 120 video: one digit, 10 classes. A clip takes l_t = 5 frames with stride s_t = 5; V_diff is |V(i) - V(i + 9)| at the same frames (section 2.2).

# %%
mnist = load_embedded_digits() if SMOKE else load_mnist()
def make_videos(count, split, seed):
    gen = MovingMNIST(num_digits=1, canvas_size=120, speed_range=(2, 4), sequence_length=30,
                      split=split, mnist=mnist, seed=seed)
    x, y = gen.generate(count)
    return (np.repeat(x, 3, axis=-1) * 255).astype('uint8'), y

train_videos, train_labels = make_videos(8 if SMOKE else 160, 'train', 0)
test_videos, test_labels = make_videos(4 if SMOKE else 40, 'test', 1)
v_clip, v_diff, indices = sample_fstcn_clip_pair(train_videos[0], np.random.default_rng(0), crop_size=112)
fig, axes = plt.subplots(2, 5, figsize=(10, 4))
for t in range(5):
    axes[0, t].imshow(v_clip[t].astype('uint8')); axes[0, t].set_title(f'frame {indices[t]}', fontsize=8)
    axes[1, t].imshow(v_diff[t].astype('uint8'))
for ax in axes.ravel(): ax.axis('off')
axes[0, 0].text(-30, 56, 'V_clip', rotation=90); axes[1, 0].text(-30, 56, 'V_diff', rotation=90)
plt.show()

# %% [markdown]
# ## The 18 test views of a clip (Fig. 3): 9 crops and their horizontal flips

# %%
views = eighteen_views(train_videos[0][indices], 112)
fig, axes = plt.subplots(2, 9, figsize=(14, 3.4))
for k, ax in enumerate(axes.ravel()):
    ax.imshow(views[k, 0]); ax.axis('off')
plt.show()


# %% [markdown]
# ## Training a reduced FstCN
#
# The paper's layers with 112 x 112 crops and small fully connected layers, so that it trains on a CPU. Both paths. The paper trains with SGD, momentum 0.9 and weight decay 5e-4 (section 2.5: `fstcn_optimizer()`, Caffe's L2 decay); Adam is used here, for speed on this small set.

# %%
def pairs_dataset(videos, labels, seed):
    rng = np.random.default_rng(seed)
    clips, diffs = zip(*[sample_fstcn_clip_pair(v, rng, crop_size=112)[:2] for v in videos])
    return [np.stack(clips) / 255.0, np.stack(diffs) / 255.0], labels

model = keras_stvideo.build_fstcn(10, input_size=112, fc_units=(64, 64), fusion_units=64)
model.compile(optimizer=keras.optimizers.Adam(1e-4), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
x, y = pairs_dataset(train_videos, train_labels, 0)
history = model.fit(x, y, epochs=1 if SMOKE else 8, batch_size=8 if SMOKE else 32, verbose=2)
plt.plot(history.history['loss'], label='loss'); plt.plot(history.history['accuracy'], label='accuracy')
plt.xlabel('epoch'); plt.legend(); plt.show()

# %% [markdown]
# ## Averaging vs SCI fusion (Table 2)
#
# Every test video: 5 clip pairs (M; the paper does not state it) x 18 views, fused by the plain average and by SCI (Eq. 6 within a clip, Eq. 7 across clips).

# %%
average, sci = [], []
for video in test_videos:
    pairs = [(c / 255.0, d / 255.0) for c, d in fstcn_test_pairs(video, num_clips=2 if SMOKE else 5)]
    result = predict_video(model, pairs, 112, make_inputs=lambda parts: list(parts))
    average.append(result['average']); sci.append(result['sci'])
print(f'averaging: top-1 {100 * top_k_accuracy(np.stack(average), test_labels):.1f}%')
print(f'SCI:       top-1 {100 * top_k_accuracy(np.stack(sci), test_labels):.1f}%')
print(f'notebook ran in {(time.time() - notebook_start) / 60:.1f} min wall-clock, '
      f'{time.process_time() / 60:.1f} min of CPU in this process')

# %% [markdown]
# ## The full experiments
#
# ```
# python data_scripts/ucf101.py --root data/ucf101     # or hmdb51.py; see docs/datasets.md
# ```
# Then train `build_fstcn(101)` on `VideoClipDataset(index, 'split1', 'train', partial(sample_fstcn_clip_pair, crop_size=204), inputs=('v_clip', 'v_diff'))` with `fstcn_optimizer()` and batch 32 (section 2.5), and evaluate with `stvideo evaluate model.keras data/ucf101/index.json --frame-size 240 320`, which prints top-1 and mean class accuracy for averaging and SCI fusion. The lower SCLs can first be pre-trained with `build_fstcn_auxiliary` (section 2.3).
