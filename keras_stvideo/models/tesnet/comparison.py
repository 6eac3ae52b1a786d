"""Huang & Bors 2020's entry in ``stvideo compare``: TeSNet (setting 1) on whole clips.

See ``keras_stvideo.comparison`` for the task and the budget.
"""

import numpy as np

PAPER = "Huang & Bors 2020"
REDUCED = ("Table 1's setting 1 (a TS layer on the input squeezes the clip's K = 16 frames into D = 3), frames "
           "upsampled to 75 x 75 (the smallest size Inception-ResNet-V2 accepts, instead of 299), backbone from "
           "random weights (no ImageNet: no network here), SGD momentum 0.9 at 0.003 (the paper's 0.001 is for "
           "an ImageNet start) with batch-norm momentum 0.9 (a few dozen steps), no TSN augmentation, "
           "one clip per video at test time (not 20)")
INPUT_SIZE = 75  # Inception-ResNet-V2's smallest input (keras.applications)
SETTING = 1  # Table 1, No. 1: TS layer on the input, D = 3 (the paper's best)
LEARNING_RATE = 0.003
BATCHNORM_MOMENTUM = 0.9


def resize_clips(clips, batch_size=64):
    """Clips (N, T, H, W, 3) in [0, 1] -> (N, T, INPUT_SIZE, INPUT_SIZE, 3) uint8 pixels, resized bilinearly."""
    import keras

    n, t, h, w, c = clips.shape
    out = np.empty((n, t, INPUT_SIZE, INPUT_SIZE, c), np.uint8)
    for start in range(0, n, batch_size):
        part = clips[start : start + batch_size]
        frames = keras.ops.image.resize(part.reshape(-1, h, w, c) * 255.0, (INPUT_SIZE, INPUT_SIZE))
        frames = np.clip(np.rint(keras.ops.convert_to_numpy(frames)), 0, 255).astype(np.uint8)
        out[start : start + len(part)] = frames.reshape(len(part), t, INPUT_SIZE, INPUT_SIZE, c)
    return out


def _batches(pixels, labels, batch_size, rng):
    """A PyDataset over uint8 clips that serves float32 batches in [0, 255] (the builder's input range)."""
    import keras

    class Batches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.order = rng.permutation(len(pixels))

        def __len__(self):
            return -(-len(pixels) // batch_size)

        def __getitem__(self, index):
            rows = np.sort(self.order[index * batch_size : (index + 1) * batch_size])
            return pixels[rows].astype(np.float32), labels[rows]

        def on_epoch_end(self):
            self.order = rng.permutation(len(pixels))

    return Batches()


def train(task):
    """Train a reduced TeSNet on ``task``; return (model, predict)."""
    from keras_stvideo.models.tesnet.tesnet_model import build_tesnet
    from keras_stvideo.models.tesnet.training import compile_tesnet

    frames = task.x_train.shape[1]
    model = build_tesnet(task.num_classes, frames=frames, setting=SETTING, input_size=INPUT_SIZE,
                         backbone_weights=None, batchnorm_momentum=BATCHNORM_MOMENTUM)
    compile_tesnet(model, "rgb", LEARNING_RATE)
    rng = np.random.default_rng(task.seed)
    model.fit(_batches(resize_clips(task.x_train), np.asarray(task.y_train), task.batch_size, rng),
              epochs=task.epochs, verbose=0)

    def predict(clips):
        pixels = resize_clips(np.asarray(clips))
        return np.concatenate([model.predict_on_batch(pixels[i : i + task.batch_size].astype(np.float32))
                               for i in range(0, len(pixels), task.batch_size)])

    return model, predict
