import keras
import numpy as np
import pytest
from keras import ops

from keras_stvideo.layers import LocalResponseNormalization
from tests.layer_checks import run_layer_checks


def numpy_lrn(a, size=5, k=2.0, alpha=5e-4, beta=0.75, convention="caffe"):
    """Caffe's LRN (alpha / n times the sum) or the plain formula (alpha times the sum)."""
    if convention == "caffe":
        alpha = alpha / size
    channels = a.shape[-1]
    out = np.empty_like(a)
    for c in range(channels):
        lo, hi = max(0, c - size // 2), min(channels, c + size // 2 + 1)
        out[..., c] = a[..., c] / (k + alpha * np.sum(a[..., lo:hi] ** 2, axis=-1)) ** beta
    return out


def test_matches_caffe_formula_with_paper_defaults():
    x = np.random.default_rng(0).normal(0, 30, (2, 4, 4, 9)).astype("float32")
    out = run_layer_checks(LocalResponseNormalization, {}, x, expected_output_shape=x.shape,
                           check_trainable_weights_change=False)
    np.testing.assert_allclose(out, numpy_lrn(x), rtol=1e-5)
    layer = LocalResponseNormalization()
    assert (layer.size, layer.bias, layer.alpha, layer.beta, layer.alpha_convention) == (5, 2.0, 5e-4, 0.75, "caffe")


def test_paper_alpha_under_caffe_convention_is_krizhevskys_1e_4():
    """Section 2.5's alpha = 5e-4 with n = 5 is [13]'s alpha = 1e-4 on the plain sum."""
    x = np.random.default_rng(5).normal(0, 30, (2, 3, 3, 8)).astype("float32")
    paper = ops.convert_to_numpy(LocalResponseNormalization()(x))
    krizhevsky = ops.convert_to_numpy(LocalResponseNormalization(alpha=1e-4, alpha_convention="plain")(x))
    np.testing.assert_allclose(paper, krizhevsky, rtol=1e-6)
    plain = ops.convert_to_numpy(LocalResponseNormalization(alpha_convention="plain")(x))
    np.testing.assert_allclose(plain, numpy_lrn(x, convention="plain"), rtol=1e-5)
    assert np.abs(plain).sum() < np.abs(paper).sum()  # the plain reading normalises 5x more strongly
    run_layer_checks(LocalResponseNormalization, {"alpha_convention": "plain"}, x, run_training_step=False)


def test_other_settings_and_agreement_with_tf():
    x = np.random.default_rng(1).normal(0, 5, (1, 3, 3, 6)).astype("float32")
    out = ops.convert_to_numpy(
        LocalResponseNormalization(size=3, bias=1.0, alpha=1e-2, beta=0.5, alpha_convention="plain")(x)
    )
    np.testing.assert_allclose(out, numpy_lrn(x, 3, 1.0, 1e-2, 0.5, convention="plain"), rtol=1e-5)
    caffe = ops.convert_to_numpy(LocalResponseNormalization(size=3, bias=1.0, alpha=3e-2, beta=0.5)(x))
    np.testing.assert_allclose(caffe, out, rtol=1e-5)  # Caffe's alpha = n times the plain alpha
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        ref = tf.nn.local_response_normalization(x, depth_radius=1, bias=1.0, alpha=1e-2, beta=0.5)
        np.testing.assert_allclose(out, ref.numpy(), rtol=1e-5)


def test_any_rank_and_time_distributed():
    x = np.random.default_rng(2).random((2, 3, 4, 4, 6)).astype("float32")
    out = ops.convert_to_numpy(keras.layers.TimeDistributed(LocalResponseNormalization())(x))
    np.testing.assert_allclose(out, numpy_lrn(x), rtol=1e-5)
    flat = np.random.default_rng(3).random((4, 7)).astype("float32")
    np.testing.assert_allclose(ops.convert_to_numpy(LocalResponseNormalization()(flat)), numpy_lrn(flat), rtol=1e-5)


def test_extreme_inputs_finite():
    x = np.array([[0.0, 1e15, -1e15, 1e-30]], "float32")
    assert np.isfinite(ops.convert_to_numpy(LocalResponseNormalization()(x))).all()


@pytest.mark.parametrize("kwargs, match", [({"size": 4}, "odd"), ({"bias": 0}, "bias"), ({"alpha": -1}, "alpha"),
                                           ({"alpha_convention": "tf"}, "alpha_convention")])
def test_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LocalResponseNormalization(**kwargs)
