"""Unsupervised pre-training and supervised fine-tuning for the Siamese C3D (Paul et al. 2018, section 3).

* ``pretrain_siamese``: Adam on mined pairs (``PairMiningDataset``: batch 10, 30% positives).
* ``ClipDataset`` / ``volume_sampler``: labelled 16 x 112 x 112 volumes for the classifier.
* ``fine_tune``: a C3D classifier from the tower's weights ("Ours") or from random
  initialisation ("C3D [27]"), Table 1's comparison, with clip- and video-level accuracy.
"""

import numpy as np
import keras

from keras_stvideo.models.siamese_c3d.c3d_backbone import build_c3d_classifier
from keras_stvideo.models.siamese_c3d.siamese_model import build_siamese_c3d


def adam(learning_rate=1e-3):
    """Section 3's optimiser: Adam (Kingma & Ba). The paper gives no learning rate; Keras' default 1e-3."""
    return keras.optimizers.Adam(learning_rate=learning_rate)


def pretrain_siamese(pair_dataset, model=None, epochs=1, learning_rate=1e-3, callbacks=None, verbose=1, **build_kwargs):
    """Train a Siamese C3D on mined pairs with Eq. 2 (section 3); returns ``(model, history)``.

    Args:
        pair_dataset: a ``PairMiningDataset`` (or any PyDataset of ((first, second), y)).
        model: a ``SiameseC3D`` to continue; a new one for the dataset's volume shape when None.
        epochs, learning_rate: Adam's schedule (not stated in the paper).
        build_kwargs: forwarded to ``build_siamese_c3d`` for a new model.
    """
    if model is None:
        t0, y0, x0 = pair_dataset.volume_shape
        model = build_siamese_c3d(input_shape=(t0, y0, x0, 3), **build_kwargs)
    if not model.compiled:
        model.compile(optimizer=adam(learning_rate))
    history = model.fit(pair_dataset, epochs=epochs, callbacks=callbacks, verbose=verbose)
    return model, history


def volume_sampler(volume_shape, flip=True):
    """A ``VideoClipDataset`` sampler: one random (t0, y0, x0) volume in [0, 1], optionally flipped (C3D training)."""
    t0, y0, x0 = volume_shape

    def sample(video, rng):
        frames, height, width = video.shape[:3]
        if frames < t0 or height < y0 or width < x0:
            raise ValueError(f"a video of shape {video.shape[:3]} is smaller than the volume {volume_shape}")
        t, y, x = (int(rng.integers(n - s + 1)) for n, s in zip((frames, height, width), (t0, y0, x0)))
        clip = video[t : t + t0, y : y + y0, x : x + x0].astype(np.float32) / 255.0
        if flip and rng.random() < 0.5:
            clip = clip[:, :, ::-1]
        return np.ascontiguousarray(clip)

    return sample


def video_volumes(video, volume_shape, num_volumes=10, rng=None):
    """``num_volumes`` volumes of one (T, H, W, C) video in [0, 1]: random ones when ``rng`` is given
    (section 3's nearest-neighbour features: "10 random s-t volumes"), else evenly spaced centre crops."""
    t0, y0, x0 = volume_shape
    frames, height, width = video.shape[:3]
    if frames < t0 or height < y0 or width < x0:
        raise ValueError(f"a video of shape {video.shape[:3]} is smaller than the volume {volume_shape}")
    out = []
    starts = np.linspace(0, frames - t0, num_volumes).round().astype(int)
    for i in range(num_volumes):
        if rng is None:
            t, y, x = int(starts[i]), (height - y0) // 2, (width - x0) // 2
        else:
            t, y, x = (int(rng.integers(n - s + 1)) for n, s in zip((frames, height, width), (t0, y0, x0)))
        out.append(video[t : t + t0, y : y + y0, x : x + x0])
    return np.stack(out).astype(np.float32) / 255.0


def video_level_accuracy(model, videos, labels, volume_shape, num_volumes=5, batch_size=20):
    """Accuracy of the class with the highest mean softmax over ``num_volumes`` evenly spaced centre volumes per
    video."""
    correct = 0
    for video, label in zip(videos, labels):
        scores = model.predict(video_volumes(video, volume_shape, num_volumes), batch_size=batch_size, verbose=0)
        correct += int(np.argmax(scores.mean(axis=0)) == int(label))
    return correct / max(1, len(videos))


def fine_tune(train_data, num_classes, tower=None, epochs=1, learning_rate=1e-4, validation_data=None,
              input_shape=None, callbacks=None, verbose=1, seed=None, head_initializer="glorot_uniform"):
    """Train a C3D classifier, from ``tower``'s weights or from scratch (Table 1: "Ours" against "C3D [27]").

    Args:
        train_data: a PyDataset of (volumes, integer labels), e.g. ``VideoClipDataset(..., volume_sampler(...))``.
        num_classes: 51 (HMDB51) or 101 (UCF101).
        tower: the pre-trained tower (``siamese.tower``); None for random initialisation.
        epochs, learning_rate: Adam's schedule (the paper gives neither for fine-tuning).
        input_shape: the volume shape when ``tower`` is None.
        seed: seeds Keras before the classifier is built, so both arms start from the same head.
        head_initializer: fc8's kernel initialiser (``build_c3d_classifier``); "zeros" starts at the uniform
            prediction whatever the tower's feature scale.

    Returns:
        ``(classifier, history)``.
    """
    if seed is not None:
        keras.utils.set_random_seed(seed)
    if tower is None and input_shape is None:
        raise ValueError("input_shape is needed when no tower is given")
    classifier = build_c3d_classifier(num_classes, input_shape=input_shape or (16, 112, 112, 3), tower=tower,
                                      head_initializer=head_initializer)
    classifier.compile(optimizer=adam(learning_rate), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = classifier.fit(train_data, epochs=epochs, validation_data=validation_data, callbacks=callbacks,
                             verbose=verbose)
    return classifier, history
