"""The attention_lstm recipe of ``stvideo compare``: LeNet on every frame, then an LSTM, on motion clips."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_stvideo.reproductions.attention_lstm import comparison as recipe  # noqa: E402


def _lstm(model):
    return [layer for layer in model._flatten_layers() if isinstance(layer, keras.layers.LSTM)]


def test_recipe_is_lenet_convs_then_an_lstm():
    model = recipe.build_model((16, 32, 32, 3), 6)
    encoder = model.get_layer("lenet_lstm").get_layer("frame_encoder").layer
    convs = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.filters for c in convs] == list(recipe.CONV_FILTERS)
    assert all(c.kernel_size == (5, 5) for c in convs)
    assert sum(isinstance(layer, keras.layers.MaxPooling2D) for layer in encoder.layers) == 2
    assert encoder.get_layer("features").units == recipe.FEATURE_UNITS
    assert [lstm.units for lstm in _lstm(model)] == [recipe.LSTM_UNITS]
    probabilities = keras.ops.convert_to_numpy(model(np.random.default_rng(0).random((2, 16, 32, 32, 3),
                                                                                    dtype=np.float32)))
    assert probabilities.shape == (2, 6)
    np.testing.assert_allclose(np.sum(probabilities, axis=-1), 1.0, rtol=1e-5)


def test_frame_differences_carry_the_motion_to_the_frame_cnn():
    """A still clip and a moving clip with the same frames in a different order must differ in the LSTM's input
    only through time; here: the difference channels are zero for a still clip and not for a moving one."""
    if not recipe.FRAME_DIFFERENCES:
        pytest.skip("the recipe does not use frame differences")
    model = recipe.build_model((4, 8, 8, 3), 6)
    pairs = keras.Model(model.input, model.get_layer("frames_and_differences").output)
    still = np.full((1, 4, 8, 8, 3), 0.25, np.float32)
    moving = still.copy()
    moving[0, np.arange(4), 0, np.arange(4)] = 1.0  # a bright pixel moving right
    out_still, out_moving = np.asarray(pairs(still)), np.asarray(pairs(moving))
    assert out_still.shape == (1, 3, 8, 8, 6)
    assert np.all(out_still[..., 3:] == 0)
    assert np.abs(out_moving[..., 3:]).max() == pytest.approx(0.75 * recipe.DIFFERENCE_SCALE)
    if recipe.CENTRE_FRAMES:
        np.testing.assert_allclose(out_still[..., :3], -0.25)


def test_recipe_trains_on_the_smoke_task():
    from keras_stvideo.reproductions.comparison import CompareSettings, make_task

    task = make_task(CompareSettings.smoke())
    model, predict = recipe.train(task)
    probabilities = np.asarray(predict(task.x_test))
    assert probabilities.shape == (len(task.x_test), task.num_classes)
    assert np.all(np.isfinite(probabilities))
