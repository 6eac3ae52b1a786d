import keras
import numpy as np
import pytest
from keras import ops

from keras_stvideo.layers import FrameSelector
from tests.layer_checks import run_layer_checks


def numbered_clip(batch=4, frames=5, size=3, channels=2):
    """Frame t of sample b is filled with 10 * b + t, so a picked frame names itself."""
    values = 10 * np.arange(batch)[:, None] + np.arange(frames)[None, :]
    return np.broadcast_to(values[:, :, None, None, None], (batch, frames, size, size, channels)).astype("float32")


def test_standard_checks_and_middle_frame_at_inference():
    x = numbered_clip()
    out = run_layer_checks(FrameSelector, {"seed": 3}, x, expected_output_shape=(4, 3, 3, 2),
                           run_training_step=False)
    np.testing.assert_array_equal(out, x[:, 2])  # frame T // 2 (section 2.2: "the selected middle one")
    even = numbered_clip(frames=4)
    np.testing.assert_array_equal(ops.convert_to_numpy(FrameSelector()(even)), even[:, 2])


def test_training_picks_whole_frames_uniformly():
    x = numbered_clip(batch=400, frames=5, size=1, channels=1)
    picked = ops.convert_to_numpy(FrameSelector(seed=0)(x, training=True))[:, 0, 0, 0]
    frame = picked - 10 * np.arange(400)
    assert set(np.unique(frame)) <= set(range(5))
    np.testing.assert_array_equal(frame, np.round(frame))  # one whole frame, not a blend
    counts = np.bincount(frame.astype(int), minlength=5)
    assert counts.min() > 50 and counts.max() < 110  # 80 expected per frame; uniform within 4 sigma
    # Rank 3 inputs (batch, frames, features) work too.
    feats = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(ops.convert_to_numpy(FrameSelector()(feats)), feats[:, 1])


def test_same_seed_same_choice():
    x = numbered_clip(batch=32)
    a = ops.convert_to_numpy(FrameSelector(seed=7)(x, training=True))
    b = ops.convert_to_numpy(FrameSelector(seed=7)(x, training=True))
    np.testing.assert_array_equal(a, b)


def test_errors():
    with pytest.raises(ValueError, match="known number of frames"):
        FrameSelector()(np.zeros((2, 3), "float32"))
    inputs = keras.Input((None, 4, 4, 1))
    with pytest.raises(ValueError, match="known number of frames"):
        FrameSelector()(inputs)
