import keras
import numpy as np
import pytest
from keras import ops

from keras_stvideo.layers import ConvOffset2D
from tests.layer_checks import layer_gradients, run_layer_checks
from tests.layers.test_bilinear import numpy_bilinear


def test_standard_checks_and_identity_at_start():
    x = np.random.default_rng(0).random((2, 8, 8, 3)).astype("float32")
    out = run_layer_checks(ConvOffset2D, {"filters": 3, "kernel_initializer": "random_normal"}, x,
                           expected_output_shape=x.shape)
    assert np.isfinite(out).all()
    np.testing.assert_array_equal(ops.convert_to_numpy(ConvOffset2D(3)(x)), x)


def test_per_channel_offsets_match_numpy():
    rng = np.random.default_rng(1)
    x = rng.random((1, 5, 6, 2)).astype("float32")
    layer = ConvOffset2D(2)
    layer.build(x.shape)
    layer.offset_conv.set_weights([rng.normal(0, 0.5, (3, 3, 2, 4)).astype("float32")])
    offsets = ops.convert_to_numpy(layer.offset_conv(x))[0]
    out = ops.convert_to_numpy(layer(x))[0]
    for i in range(5):
        for j in range(6):
            for c in range(2):
                expected = numpy_bilinear(x[0, ..., c : c + 1], i + offsets[i, j, 2 * c], j + offsets[i, j, 2 * c + 1])
                np.testing.assert_allclose(out[i, j, c], expected[0], atol=1e-5)


def test_parameter_count_is_offset_kernel_only():
    layer = ConvOffset2D(50)
    layer.build((None, 64, 64, 50))
    assert layer.count_params() == 3 * 3 * 50 * 100


def test_gradients_reach_offset_kernel_and_input():
    x = np.random.default_rng(2).random((2, 6, 6, 2)).astype("float32")
    layer = ConvOffset2D(2, kernel_initializer=keras.initializers.RandomNormal(stddev=0.1))
    layer.build(x.shape)
    grads = layer_gradients(layer, x, lambda y: ops.sum(ops.square(y - 0.2)))
    assert len(grads) == 2
    for g in grads:
        assert np.isfinite(g).all() and np.abs(g).sum() > 0


def test_zero_offsets_pass_the_gradient_through():
    x = np.random.default_rng(3).random((1, 5, 5, 3)).astype("float32")
    layer = ConvOffset2D(3)
    layer.build(x.shape)
    g_x, _ = layer_gradients(layer, x, lambda y: ops.sum(ops.square(y)))
    np.testing.assert_allclose(g_x, 2 * x, atol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="filters"):
        ConvOffset2D(0)
    with pytest.raises(ValueError, match="expects 4 input channels, got 3"):
        ConvOffset2D(4)(np.zeros((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match="rank 4"):
        ConvOffset2D(3)(np.zeros((1, 5, 3), "float32"))
