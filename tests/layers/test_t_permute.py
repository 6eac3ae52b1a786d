import keras
import numpy as np
import pytest
from keras import ops

from keras_stvideo.layers import TPermute
from tests.layer_checks import run_layer_checks


def test_layout_matches_numpy_definition():
    x = np.random.default_rng(0).random((2, 5, 3, 4, 6)).astype("float32")
    out = run_layer_checks(TPermute, {"permuted_channels": 8}, x, expected_output_shape=(2, 5, 8, 12))
    layer = TPermute(8)
    out = ops.convert_to_numpy(layer(x))
    p = ops.convert_to_numpy(layer.permutation)
    assert p.shape == (6, 8)
    # out[b, t, f', y * W + x] = sum_f x[b, t, y, x, f] P[f, f']
    expected = np.einsum("btyxf,fg->btgyx", x, p).reshape(2, 5, 8, 12)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_paper_size_and_temporal_conv_runs_over_time_and_features():
    layer = TPermute()
    inputs = keras.Input((5, 13, 13, 128))
    permuted = layer(inputs)
    assert tuple(permuted.shape) == (None, 5, 128, 169)
    assert layer.count_params() == 128 * 128
    conv = keras.layers.Conv2D(32, 3)(permuted)
    assert tuple(conv.shape) == (None, 3, 126, 32)  # 3x3 kernel over (time, feature channel)


def test_identity_permutation_only_rearranges():
    x = np.random.default_rng(1).random((1, 2, 2, 3, 4)).astype("float32")
    layer = TPermute(4, kernel_initializer="identity")
    out = ops.convert_to_numpy(layer(x))
    np.testing.assert_array_equal(out, np.transpose(x.reshape(1, 2, 6, 4), (0, 1, 3, 2)))


@pytest.mark.parametrize("shape, match", [((2, 5, 4, 6), "rank 5")])
def test_errors(shape, match):
    with pytest.raises(ValueError, match=match):
        TPermute(4)(np.zeros(shape, "float32"))
    with pytest.raises(ValueError, match="permuted_channels"):
        TPermute(0)
