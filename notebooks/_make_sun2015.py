"""Writes notebooks/sun2015_fstcn.ipynb (run: python notebooks/_make_sun2015.py)."""

import pathlib

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = [
    new_markdown_cell(
        "# Sun et al. 2015: factorized spatio-temporal convolutional networks (FstCN)\n\n"
        "The paper's network (spatial convolutions, the T-P operator, parallel temporal convolutions), its "
        "clip sampling (V_clip and V_diff, Fig. 2), its 18-view testing (Fig. 3) and SCI score fusion "
        "(Eqs. 5-7). A reduced FstCN is trained here on generated videos; the last section explains the full "
        "UCF101 and HMDB51 runs. `KERAS_STVIDEO_SMOKE=1` makes everything tiny (the tests run it so)."
    ),
    new_code_cell(
        "import os\n\n"
        "import keras\n"
        "import matplotlib.pyplot as plt\n"
        "import numpy as np\n\n"
        "import keras_stvideo\n"
        "from keras_stvideo.data import MovingMNIST, load_mnist\n"
        "from keras_stvideo.data.samplers import sample_fstcn_clip_pair\n"
        "from keras_stvideo.inference import eighteen_views, predict_video, top_k_accuracy\n"
        "from keras_stvideo.models.fstcn.inference import fstcn_test_pairs\n\n"
        "SMOKE = os.environ.get('KERAS_STVIDEO_SMOKE') == '1'\n"
        "keras.utils.set_random_seed(0)"
    ),
    new_markdown_cell("## The paper's network (section 2.5), at 204 x 204 with 101 classes"),
    new_code_cell(
        "paper_model = keras_stvideo.build_fstcn(num_classes=101)\n"
        "paper_model.summary(line_length=100)\n"
        "print(f'{paper_model.count_params():,} parameters')\n"
        "del paper_model"
    ),
    new_markdown_cell(
        "## Videos to play with, and a V_clip / V_diff pair (Fig. 2)\n\n"
        "Moving MNIST rendered as 3-channel 120 x 120 video: one digit, 10 classes. A clip takes l_t = 5 "
        "frames with stride s_t = 5; V_diff is |V(i) - V(i + 9)| at the same frames (section 2.2)."
    ),
    new_code_cell(
        "mnist = load_mnist()\n"
        "def make_videos(count, split, seed):\n"
        "    gen = MovingMNIST(num_digits=1, canvas_size=120, speed_range=(2, 4), sequence_length=30,\n"
        "                      split=split, mnist=mnist, seed=seed)\n"
        "    x, y = gen.generate(count)\n"
        "    return (np.repeat(x, 3, axis=-1) * 255).astype('uint8'), y\n\n"
        "train_videos, train_labels = make_videos(8 if SMOKE else 400, 'train', 0)\n"
        "test_videos, test_labels = make_videos(4 if SMOKE else 100, 'test', 1)\n"
        "v_clip, v_diff, indices = sample_fstcn_clip_pair(train_videos[0], np.random.default_rng(0), crop_size=112)\n"
        "fig, axes = plt.subplots(2, 5, figsize=(10, 4))\n"
        "for t in range(5):\n"
        "    axes[0, t].imshow(v_clip[t].astype('uint8')); axes[0, t].set_title(f'frame {indices[t]}', fontsize=8)\n"
        "    axes[1, t].imshow(v_diff[t].astype('uint8'))\n"
        "for ax in axes.ravel(): ax.axis('off')\n"
        "axes[0, 0].text(-30, 56, 'V_clip', rotation=90); axes[1, 0].text(-30, 56, 'V_diff', rotation=90)\n"
        "plt.show()"
    ),
    new_markdown_cell("## The 18 test views of a clip (Fig. 3): 9 crops and their horizontal flips"),
    new_code_cell(
        "views = eighteen_views(train_videos[0][indices], 112)\n"
        "fig, axes = plt.subplots(2, 9, figsize=(14, 3.4))\n"
        "for k, ax in enumerate(axes.ravel()):\n"
        "    ax.imshow(views[k, 0]); ax.axis('off')\n"
        "plt.show()"
    ),
    new_markdown_cell(
        "## Training a reduced FstCN\n\n"
        "The paper's layers with 112 x 112 crops and small fully connected layers, so that it trains on a CPU. "
        "Both paths, SGD with momentum 0.9 and weight decay 5e-4 as in section 2.5 (Adam here, for speed on "
        "this small set)."
    ),
    new_code_cell(
        "def pairs_dataset(videos, labels, seed):\n"
        "    rng = np.random.default_rng(seed)\n"
        "    clips, diffs = zip(*[sample_fstcn_clip_pair(v, rng, crop_size=112)[:2] for v in videos])\n"
        "    return [np.stack(clips) / 255.0, np.stack(diffs) / 255.0], labels\n\n"
        "model = keras_stvideo.build_fstcn(10, input_size=112, fc_units=(64, 64), fusion_units=64)\n"
        "model.compile(optimizer=keras.optimizers.Adam(1e-4), loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
        "x, y = pairs_dataset(train_videos, train_labels, 0)\n"
        "history = model.fit(x, y, epochs=1 if SMOKE else 15, batch_size=8 if SMOKE else 32)\n"
        "plt.plot(history.history['loss'], label='loss'); plt.plot(history.history['accuracy'], label='accuracy')\n"
        "plt.xlabel('epoch'); plt.legend(); plt.show()"
    ),
    new_markdown_cell(
        "## Averaging vs SCI fusion (Table 2)\n\n"
        "Every test video: 5 clip pairs x 18 views, fused by the plain average and by SCI (Eq. 6 within a "
        "clip, Eq. 7 across clips)."
    ),
    new_code_cell(
        "average, sci = [], []\n"
        "for video in test_videos:\n"
        "    pairs = [(c / 255.0, d / 255.0) for c, d in fstcn_test_pairs(video, num_clips=2 if SMOKE else 5)]\n"
        "    result = predict_video(model, pairs, 112, make_inputs=lambda parts: list(parts))\n"
        "    average.append(result['average']); sci.append(result['sci'])\n"
        "print(f'averaging: top-1 {100 * top_k_accuracy(np.stack(average), test_labels):.1f}%')\n"
        "print(f'SCI:       top-1 {100 * top_k_accuracy(np.stack(sci), test_labels):.1f}%')"
    ),
    new_markdown_cell(
        "## The full experiments\n\n"
        "```\n"
        "python data_scripts/ucf101.py --root data/ucf101     # or hmdb51.py; see docs/datasets.md\n"
        "```\n"
        "Then train `build_fstcn(101)` on `VideoClipDataset(index, 'split1', 'train', "
        "partial(sample_fstcn_clip_pair, crop_size=204))` with `fstcn_optimizer()` and batch 32 (section 2.5), "
        "and evaluate with `stvideo evaluate model.keras data/ucf101/index.json --frame-size 240 320`, which "
        "prints top-1 and mean class accuracy for averaging and SCI fusion. The lower SCLs can first be "
        "pre-trained with `build_fstcn_auxiliary` (section 2.3)."
    ),
]

notebook = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
path = pathlib.Path(__file__).with_name("sun2015_fstcn.ipynb")
nbformat.write(notebook, path)
print(f"wrote {path}")
