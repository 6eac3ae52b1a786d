import keras
import numpy as np
import pytest
from keras import ops

from keras_stvideo.layers import DeformableConv2D
from tests.layer_checks import layer_gradients, run_layer_checks
from tests.layers.test_bilinear import numpy_bilinear


def test_standard_checks():
    x = np.random.default_rng(0).random((2, 9, 9, 3)).astype("float32")
    run_layer_checks(DeformableConv2D, {"filters": 4, "kernel_size": 3, "padding": "same"}, x,
                     expected_output_shape=(2, 9, 9, 4))


@pytest.mark.parametrize("padding, strides, dilation",
                         [("same", 1, 1), ("valid", 1, 2), ("same", 2, 1), ("valid", 2, 1)])
def test_zero_offsets_equal_conv2d(padding, strides, dilation):
    x = np.random.default_rng(1).random((2, 11, 10, 3)).astype("float32")
    layer = DeformableConv2D(5, 3, strides=strides, padding=padding, dilation_rate=dilation)
    out = ops.convert_to_numpy(layer(x))
    conv = keras.layers.Conv2D(5, 3, strides=strides, padding=padding, dilation_rate=dilation)
    conv.build(x.shape)
    conv.set_weights([ops.convert_to_numpy(layer.kernel), ops.convert_to_numpy(layer.bias)])
    np.testing.assert_allclose(out, ops.convert_to_numpy(conv(x)), atol=1e-5)


def test_random_offsets_match_numpy_eq_1b():
    rng = np.random.default_rng(2)
    x = rng.random((1, 6, 7, 2)).astype("float32")
    layer = DeformableConv2D(3, 3, padding="same")
    layer.build(x.shape)
    offset_kernel = rng.normal(0, 0.3, (3, 3, 2, 18)).astype("float32")
    offset_bias = rng.normal(0, 0.5, (18,)).astype("float32")
    layer.offset_conv.set_weights([offset_kernel, offset_bias])
    out = ops.convert_to_numpy(layer(x))[0]
    offsets = ops.convert_to_numpy(layer.offset_conv(x))[0]
    kernel, bias = ops.convert_to_numpy(layer.kernel), ops.convert_to_numpy(layer.bias)
    for i in range(6):
        for j in range(7):
            total = bias.copy()
            for n, (a, b) in enumerate([(a, b) for a in range(3) for b in range(3)]):
                r = i - 1 + a + offsets[i, j, 2 * n]
                c = j - 1 + b + offsets[i, j, 2 * n + 1]
                total += numpy_bilinear(x[0], r, c) @ kernel[a, b]
            np.testing.assert_allclose(out[i, j], total, atol=1e-4)


def test_gradients_reach_offsets_kernel_and_input():
    x = np.random.default_rng(3).random((2, 8, 8, 3)).astype("float32")
    layer = DeformableConv2D(4, 3, padding="same", offset_initializer=keras.initializers.RandomNormal(stddev=0.1))
    layer.build(x.shape)
    grads = layer_gradients(layer, x, lambda y: ops.sum(ops.square(y)))
    assert len(grads) == 5  # input, kernel, bias, offset kernel, offset bias
    for g in grads:
        assert np.isfinite(g).all() and np.abs(g).sum() > 0


def test_zero_offset_gradients_equal_conv2d():
    x = np.random.default_rng(4).random((2, 9, 8, 3)).astype("float32")
    layer = DeformableConv2D(5, 3, padding="same", strides=2)
    layer.build(x.shape)
    conv = keras.layers.Conv2D(5, 3, padding="same", strides=2)
    conv.build(x.shape)
    conv.set_weights([ops.convert_to_numpy(layer.kernel), ops.convert_to_numpy(layer.bias)])
    loss = lambda y: ops.sum(ops.square(y - 0.5))  # noqa: E731
    g_x, g_kernel, g_bias = layer_gradients(layer, x, loss)[:3]
    e_x, e_kernel, e_bias = layer_gradients(conv, x, loss)
    np.testing.assert_allclose(g_x, e_x, atol=1e-4)
    np.testing.assert_allclose(g_kernel, e_kernel, atol=1e-4)
    np.testing.assert_allclose(g_bias, e_bias, atol=1e-4)


def test_parameter_count():
    layer = DeformableConv2D(50, 5, padding="same")
    layer.build((None, 64, 64, 20))
    # kernel + bias + offset conv (2N = 50 channels, 5x5 over 20 inputs, with bias)
    assert layer.count_params() == 5 * 5 * 20 * 50 + 50 + 5 * 5 * 20 * 50 + 50


def test_extreme_inputs_stay_finite():
    x = np.full((1, 6, 6, 2), 1e6, "float32")
    layer = DeformableConv2D(2, 3, padding="same", offset_initializer=keras.initializers.Constant(1e3))
    assert np.isfinite(ops.convert_to_numpy(layer(x))).all()


@pytest.mark.parametrize(
    "kwargs, shape, match",
    [
        ({"filters": 0, "kernel_size": 3}, None, "filters"),
        ({"filters": 2, "kernel_size": (3, 0)}, None, "kernel_size"),
        ({"filters": 2, "kernel_size": 3, "padding": "causal"}, None, "padding"),
        ({"filters": 2, "kernel_size": 3}, (2, 8, 8), "rank 4"),
    ],
)
def test_errors(kwargs, shape, match):
    with pytest.raises(ValueError, match=match):
        DeformableConv2D(**kwargs)(np.zeros(shape, "float32"))
