import keras
import numpy as np
import pytest
from keras import ops

from keras_stvideo.layers import SpatialTransformer
from tests.layer_checks import run_layer_checks
from tests.layers.test_sampling import numpy_bilinear


def test_standard_checks_and_output_size():
    x = np.random.default_rng(0).random((2, 40, 40, 1)).astype("float32")
    out = run_layer_checks(SpatialTransformer, {"output_size": (32, 32)}, x, expected_output_shape=(2, 32, 32, 1))
    assert np.isfinite(out).all()


def test_identity_theta_returns_input_exactly():
    x = np.random.default_rng(1).random((3, 30, 34, 2)).astype("float32")
    layer = SpatialTransformer(output_size=None)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), x)


def test_sampling_matches_numpy_for_an_affine_theta():
    rng = np.random.default_rng(2)
    x = rng.random((1, 28, 28, 1)).astype("float32")
    theta = np.array([0.8, -0.3, 0.1, 0.25, 0.9, -0.2], "float32")
    layer = SpatialTransformer(output_size=(9, 11))
    layer.build(x.shape)
    layer.theta_head.set_weights([np.zeros((50, 6), "float32"), theta])
    out = ops.convert_to_numpy(layer(x))[0]
    for i in range(9):
        for j in range(11):
            xt, yt = -1 + 2 * j / 10, -1 + 2 * i / 8
            xs = theta[0] * xt + theta[1] * yt + theta[2]
            ys = theta[3] * xt + theta[4] * yt + theta[5]
            expected = numpy_bilinear(x[0], (ys + 1) / 2 * 27, (xs + 1) / 2 * 27)
            np.testing.assert_allclose(out[i, j], expected, atol=1e-5)


def test_outside_is_zero():
    x = np.ones((1, 28, 28, 1), "float32")
    layer = SpatialTransformer(output_size=(8, 8))
    layer.build(x.shape)
    layer.theta_head.set_weights([np.zeros((50, 6), "float32"), np.array([1, 0, 5, 0, 1, 0], "float32")])
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), 0.0)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="uses tf.GradientTape")
def test_gradients_reach_theta_and_input():
    import tensorflow as tf

    x = tf.constant(np.random.default_rng(3).random((2, 32, 32, 1)).astype("float32"))
    layer = SpatialTransformer(output_size=(16, 16))
    layer.build(x.shape)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(tf.square(layer(x) - 0.3))
    grads = tape.gradient(loss, [x, layer.theta_head.bias, layer.theta_head.kernel])
    for g in grads:
        g = np.asarray(g)
        assert np.isfinite(g).all() and np.abs(g).sum() > 0


def test_return_theta_and_custom_localization_roundtrip(tmp_path):
    loc = keras.Sequential([keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(4, activation="tanh")])
    inputs = keras.Input((20, 20, 3))
    out, theta = SpatialTransformer(output_size=(10, 10), localization_network=loc, return_theta=True)(inputs)
    model = keras.Model(inputs, [out, theta])
    x = np.random.default_rng(4).random((2, 20, 20, 3)).astype("float32")
    got_out, got_theta = model.predict(x, verbose=0)
    assert got_out.shape == (2, 10, 10, 3)
    np.testing.assert_allclose(got_theta, np.tile([[1, 0, 0], [0, 1, 0]], (2, 1, 1)), atol=1e-7)
    model.save(tmp_path / "stn.keras")
    reloaded = keras.saving.load_model(tmp_path / "stn.keras")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0)[0], got_out, atol=1e-6)


def test_time_distributed():
    x = np.random.default_rng(5).random((2, 3, 32, 32, 1)).astype("float32")
    out = keras.layers.TimeDistributed(SpatialTransformer(output_size=(16, 16)))(x)
    assert tuple(out.shape) == (2, 3, 16, 16, 1)


@pytest.mark.parametrize(
    "kwargs, shape, match",
    [
        ({"output_size": (0, 3)}, None, "output_size"),
        ({}, (2, 32, 32), "rank 4"),
        ({}, (2, 16, 16, 1), "at least 28"),
    ],
)
def test_errors(kwargs, shape, match):
    with pytest.raises(ValueError, match=match):
        layer = SpatialTransformer(**kwargs)
        layer(np.zeros(shape, "float32"))
