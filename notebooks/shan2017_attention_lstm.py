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
# # Shan & Atanasov 2017: a spatiotemporal model with visual attention
#
# This notebook retells the paper with `keras_stvideo`: the augmented Moving MNIST data (section III, Fig. 3), the elastic deformation of the digit-gesture set (section IV-D, Fig. 5), the three frame CNNs (LeNet, STN-LeNet, DCN-LeNet, Fig. 1) and what the spatial transformer looks at (Fig. 4); then it trains the LeNet-LSTM until it learns (training and validation curves, a confusion matrix on test clips) and shows the paper's claim, attention frame CNNs against LeNet, as measured by `stvideo claims`.
#
# **Mode.** The committed outputs were executed in *demo* mode (no `KERAS_STVIDEO_SMOKE`): it took 212 s of wall-clock time on the 2 cores of an Intel(R) Xeon(R) Processor (`/proc/cpuinfo`, AVX-512) with one TensorFlow thread (`TF_NUM_INTRAOP_THREADS=1`), full MNIST (`KERAS_STVIDEO_MNIST`), while other jobs ran beside it (an earlier run with the cores nearly idle took 127 s); the claim figure reads docs/results/claims.json. An idle machine takes less. `KERAS_STVIDEO_SMOKE=1` runs the *smoke* mode instead (the embedded MNIST digits, 24 tiny training clips, 1 epoch: seconds, for the tests and CI; its numbers mean nothing).

# %%
import os

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
from keras_stvideo.utils.quiet import quiet_tensorflow

quiet_tensorflow()  # before TensorFlow is imported: no C++ log lines in the outputs
import json
import pathlib
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

import keras_stvideo
from keras_stvideo.data import MovingMNIST, load_mnist
from keras_stvideo.data.mnist import load_embedded_digits
from keras_stvideo.data.moving_mnist import VARIANTS
from keras_stvideo.data.scaled_mnist import ScaledMNIST
from keras_stvideo.data.warp import elastic_displacements, warp_canvases
from keras_stvideo.models.attention_lstm.training import TwoStageTrainer
from keras_stvideo.plots import claim_arms_figure, confusion_matrix_figure, training_curves
from keras_stvideo.reproductions import comparison
from keras_stvideo.reproductions.attention_lstm import comparison as recipe

SMOKE = os.environ.get('KERAS_STVIDEO_SMOKE') == '1'
print('mode:', 'smoke (tiny data, 1 epoch; numbers mean nothing)' if SMOKE else 'demo')
keras.utils.set_random_seed(0)
notebook_start, cpu_start = time.time(), time.process_time()
# Smoke mode uses the embedded digits, so its results do not depend on what ~/.keras holds.
mnist = load_embedded_digits() if SMOKE else load_mnist()
print('training digits:', len(mnist[0][0]))


def show(figure):
    """Display a figure made by keras_stvideo.plots (which draws off screen) and free it."""
    display(figure)
    plt.close(figure)


# %% [markdown]
# ## Augmented Moving MNIST (section III, Fig. 3)
#
# Two digits bounce on a 64 x 64 canvas at 4 to 12 pixels per frame; the label is `10 * d1 + d2`. Each row below is one 5-frame video of class 03 in one variant: normal, rotated, scaled, both, and the elastic digit-gesture variant.

# %%
fig, axes = plt.subplots(len(VARIANTS), 5, figsize=(8, 1.7 * len(VARIANTS)))
for row, variant in enumerate(VARIANTS):
    x, y = MovingMNIST.from_variant(variant, mnist=mnist, seed=3).generate(1, labels=np.array([3]))
    for t in range(5):
        axes[row, t].imshow(x[0, t, ..., 0], cmap='gray', vmin=0, vmax=1)
        axes[row, t].axis('off')
    axes[row, 0].set_title(f'{variant} (class {y[0]:02d})', loc='left', fontsize=9)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Elastic deformation (section IV-D, Fig. 5): two readings
#
# Uniform random displacement fields in [-1, 1] are smoothed with a Gaussian of sigma 10 and scaled by alpha = 300 (Simard et al. 2003). Read literally, the Gaussian is cut to 7 x 7: at sigma 10 that is almost a flat box, which averages only 49 values, so the field keeps a standard deviation of about 25 px and the "deformed" frame is scattered dots with no digit left (top row, the package's default, `elastic_reading="literal"`). Simard et al.'s Gaussian is not truncated: the same sigma and alpha then give a smooth field of about 5 px that bends the strokes (bottom row, `elastic_reading="smooth"`). Left to right: the frame, the displacement field (same arrow scale in both rows), the deformed frame.

# %%
x, _ = MovingMNIST(mnist=mnist, seed=1).generate(1)
frame = x[0, 0, ..., 0]
step = 4
grid_r, grid_c = np.mgrid[0:64:step, 0:64:step]
fig, axes = plt.subplots(2, 3, figsize=(9, 6))
for row, (reading, kernel_size) in enumerate((('literal: 7 x 7', 7), ('smooth: untruncated', None))):
    field = elastic_displacements(np.random.default_rng(0), 1, 64, alpha=300.0, sigma=10.0, kernel_size=kernel_size)
    deformed = warp_canvases(frame[None], np.zeros(1), np.ones(1), field)[0]
    axes[row, 0].imshow(frame, cmap='gray', vmin=0, vmax=1); axes[row, 0].set_title('original')
    axes[row, 1].quiver(grid_c, grid_r, field[1, 0, ::step, ::step], -field[0, 0, ::step, ::step],
                        angles='xy', scale_units='xy', scale=4)
    axes[row, 1].set_xlim(-4, 64); axes[row, 1].set_ylim(64, -4); axes[row, 1].set_aspect('equal')
    axes[row, 1].set_title(f'{reading}: std {field.std():.1f} px', fontsize=9)
    axes[row, 2].imshow(deformed, cmap='gray', vmin=0, vmax=1); axes[row, 2].set_title('deformed')
for ax in axes.ravel(): ax.set_xticks([]); ax.set_yticks([])
plt.tight_layout()
plt.show()

# %% [markdown]
# ## The frame CNNs (Fig. 1) and their parameter counts (section IV-A)
#
# The paper states 6,431,080 trainable parameters for LeNet and 102,483,280 for DCN at 64 x 64.

# %%
for builder in (keras_stvideo.build_lenet, keras_stvideo.build_stn_lenet, keras_stvideo.build_dcn_lenet):
    model = builder()
    print(f'{model.name:10s} {model.count_params():>12,d} parameters')
    del model

# %% [markdown]
# ## Stage 1: pre-training the STN-LeNet on Scaled MNIST, and what the STN looks at (Fig. 4)
#
# Scaled MNIST shifts digits by up to 0.2 of the frame and zooms them by a factor in [1, 2.5] (Adadelta, learning rate 1). After pre-training (one epoch here), the spatial transformer's 32 x 32 output shows how it centres and rescales the scene.

# %%
(x_digits, y_digits), _ = mnist
count = 1000 if SMOKE else 2000
stn_trainer = TwoStageTrainer(keras_stvideo.build_stn_lenet())
start = time.time()
stn_history = stn_trainer.pretrain(ScaledMNIST(x_digits[:count], y_digits[:count], seed=0), epochs=1, verbose=0)
print(f'pre-training on {count} digits took {time.time() - start:.0f} s; '
      f'digit accuracy on them {100 * stn_history.history["accuracy"][-1]:.1f}% (chance 10%)')
stn = stn_trainer.frame_encoder.get_layer('stn')
fig, axes = plt.subplots(2, 5, figsize=(10, 4))
for col, variant in enumerate(('normal', 'rotation', 'scaling', 'rotation_scaling', 'elastic')):
    x, _ = MovingMNIST.from_variant(variant, mnist=mnist, seed=6).generate(1, labels=np.array([6]))
    axes[0, col].imshow(x[0, 0, ..., 0], cmap='gray'); axes[0, col].set_title(variant, fontsize=9)
    axes[1, col].imshow(keras.ops.convert_to_numpy(stn(x[:, 0]))[0, ..., 0], cmap='gray')
for ax in axes.ravel(): ax.axis('off')
axes[0, 0].text(-8, 32, 'input', rotation=90, va='center'); axes[1, 0].text(-4, 16, 'STN', rotation=90, va='center')
plt.show()

# %% [markdown]
# ## Demo: the LeNet-LSTM learns motions
#
# **Why this task, not Table I.** The paper's stage 2 (an LSTM(8) over frozen LeNet features, 100 two-digit classes of Moving MNIST) needs tens of thousands of videos before it leaves chance: at the sizes a notebook can afford it stays at 0-1% (chance 1%), and `stvideo reproduce shan2017 --quick` (the `attention_lstm_quick` preset: 20,000 videos, LSTM(128)) takes longer than this whole notebook. So the demo trains the LeNet-LSTM of `stvideo compare` (`reproductions/attention_lstm/comparison.py`, the `attention_lstm_compare` preset: LeNet on every frame and its difference from the previous one, LSTM(64), Adam) on generated motion clips, where the class is the motion (left, right, up, down, ...) and no single frame tells it: 65% in `stvideo compare --quick` (3 seeds, chance 16.7%, about 1.5 minutes a seed on 2 idle cores). It is also the task on which `stvideo claims` measured the paper's claim (the last section), so the demo is that claim's control arm. Below: one clip per class (frames 0, 3, ..., 15).

# %%
size = comparison.CompareSettings.smoke() if SMOKE else comparison.CompareSettings.quick()
task = comparison.make_task(size)
held_out = max(1, len(task.x_train) // 5)  # validation: the last fifth of the training clips
x_fit, y_fit = task.x_train[:-held_out], task.y_train[:-held_out]
x_val, y_val = task.x_train[-held_out:], task.y_train[-held_out:]
print(f'{len(x_fit)} training, {len(x_val)} validation and {len(task.x_test)} test clips of {size.num_frames} '
      f'frames of {size.frame_size} x {size.frame_size}, {task.num_classes} classes (chance '
      f'{100 / task.num_classes:.1f}%), {task.epochs} epoch(s)')
shown_frames = range(0, size.num_frames, 3)
fig, axes = plt.subplots(task.num_classes, len(shown_frames), figsize=(1.2 * len(shown_frames), 1.3 * task.num_classes))
for row in range(task.num_classes):
    where = np.flatnonzero(task.y_train == row)
    for col, t in enumerate(shown_frames):
        if len(where):
            axes[row, col].imshow(task.x_train[where[0], t])
        axes[row, col].axis('off')
    axes[row, 0].set_title(task.class_names[row], fontsize=8, loc='left')
plt.tight_layout()
plt.show()

# %% [markdown]
# ### Training, with a validation curve
#
# The recipe's model and optimiser (`recipe.build_model`, Adam 1e-3, batch 16), fitted with Keras on four fifths of the training clips and watched on the fifth held out.

# %%
keras.utils.set_random_seed(task.seed)
model = recipe.build_model(task.x_train.shape[1:], task.num_classes)
optimizer = {'adam': keras.optimizers.Adam, 'rmsprop': keras.optimizers.RMSprop}[recipe.OPTIMIZER](recipe.LEARNING_RATE)
model.compile(optimizer=optimizer, loss='sparse_categorical_crossentropy', metrics=['accuracy'])
start = time.time()
history = model.fit(x_fit, y_fit, validation_data=(x_val, y_val), batch_size=task.batch_size, epochs=task.epochs,
                    verbose=0)
print(f'{model.count_params():,} parameters, trained in {time.time() - start:.0f} s; last epoch: training accuracy '
      f'{100 * history.history["accuracy"][-1]:.1f}%, validation {100 * history.history["val_accuracy"][-1]:.1f}%')
show(training_curves({'LeNet-LSTM': history}, title='LeNet-LSTM on motion clips (compare recipe)'))

# %% [markdown]
# ### Test clips: accuracy and confusion matrix

# %%
predictions = model.predict(task.x_test, batch_size=task.batch_size, verbose=0).argmax(-1)
accuracy = 100 * float(np.mean(predictions == task.y_test))
print(f'test accuracy {accuracy:.1f}% on {len(task.y_test)} clips (chance {100 / task.num_classes:.1f}%)')
show(confusion_matrix_figure(task.y_test, predictions, task.class_names, title='LeNet-LSTM, test clips:'))
display(Markdown(f'| model | task | test accuracy | chance |\n| --- | --- | --- | --- |\n'
                 f'| LeNet-LSTM (compare recipe) | {len(x_fit)} training clips, {task.epochs} epochs | '
                 f'{accuracy:.1f}% | {100 / task.num_classes:.1f}% |'))

# %% [markdown]
# ## The claim: attention frame CNNs (STN, DCN) against LeNet
#
# The paper's Table I has STN- and DCN-LeNet beat LeNet on Rotation+Scaling Moving MNIST. `stvideo claims` tests the idea on the task above: the same recipe with STN-LeNet or DCN-LeNet in place of LeNet (`recipe.train(task, frame_encoder=...)`), everything else alike, paired by seed (same clips). Its records are in `docs/results/claims.json`, measured at the claim's size (600 training clips, 6 epochs: `claims.SIZES`, smaller than the demo's, so its LeNet arm scores below the demo above); each figure shows one claim's two arms, a dot per seed, each seed's pair joined.

# %%
# docs/results/claims.json of the repository; KERAS_STVIDEO_CLAIMS may name another (a `stvideo claims --out` folder's)
claims_path = pathlib.Path(os.environ.get('KERAS_STVIDEO_CLAIMS') or pathlib.Path(keras_stvideo.__file__).resolve()
                           .parents[1] / 'docs' / 'results' / 'claims.json')
records = [r for r in json.loads(claims_path.read_text()) if r['paper'] == recipe.PAPER] if claims_path.is_file() else []
if not claims_path.is_file():
    print(f'no claims measured yet: {claims_path} is absent (run `stvideo claims`)')
elif not records:
    print(f'{claims_path} holds no {recipe.PAPER} record yet (run `stvideo claims --paper attention_lstm`)')
if records:
    print(f'claims read from {claims_path}')
for record in records:
    print(f"{record['method']} vs {record['control']}: {np.mean(record['method_accuracy']):.1f}% vs "
          f"{np.mean(record['control_accuracy']):.1f}% over seeds {record.get('seeds')}: {record['verdict']}")
    show(claim_arms_figure(record, chance=record.get('chance')))
print(f'notebook ran in {(time.time() - notebook_start) / 60:.1f} min wall-clock, '
      f'{(time.process_time() - cpu_start) / 60:.1f} min of CPU in this process')
