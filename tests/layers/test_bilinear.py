"""The shared bilinear sampler against plain numpy.

``numpy_bilinear`` is the reference sampler the geometric layer tests share.
"""

import numpy as np
from keras import ops

from keras_stvideo.layers._bilinear import bilinear_sample
from tests.layer_checks import gradients


def numpy_bilinear(image, r, c):
    """Bilinear value of ``image`` (H, W, C) at (r, c), pixels outside the image being zero."""
    h, w = image.shape[:2]

    def pixel(i, j):
        return image[i, j] if 0 <= i < h and 0 <= j < w else np.zeros(image.shape[2:])

    r0, c0 = int(np.floor(r)), int(np.floor(c))
    dr, dc = r - r0, c - c0
    return (
        pixel(r0, c0) * (1 - dr) * (1 - dc)
        + pixel(r0, c0 + 1) * (1 - dr) * dc
        + pixel(r0 + 1, c0) * dr * (1 - dc)
        + pixel(r0 + 1, c0 + 1) * dr * dc
    )


def test_matches_numpy_with_zero_padding():
    rng = np.random.default_rng(0)
    images = rng.random((2, 5, 6, 3)).astype("float32")
    rows = rng.uniform(-2.5, 7.5, (2, 4, 4)).astype("float32")
    cols = rng.uniform(-2.5, 8.5, (2, 4, 4)).astype("float32")
    out = ops.convert_to_numpy(bilinear_sample(images, rows, cols))
    for b in range(2):
        for i in range(4):
            for j in range(4):
                np.testing.assert_allclose(out[b, i, j], numpy_bilinear(images[b], rows[b, i, j], cols[b, i, j]),
                                           atol=1e-5)


def test_integer_coordinates_are_exact():
    images = np.random.default_rng(1).random((1, 4, 4, 2)).astype("float32")
    rows, cols = np.meshgrid(np.arange(4.0), np.arange(4.0), indexing="ij")
    out = ops.convert_to_numpy(bilinear_sample(images, rows[None].astype("float32"), cols[None].astype("float32")))
    np.testing.assert_array_equal(out, images)


def test_far_outside_is_zero_and_finite():
    images = np.full((1, 3, 3, 1), 1e30, "float32")
    coords = np.array([[[-1e9, 1e9, -1.0, 3.0]]], "float32")
    out = ops.convert_to_numpy(bilinear_sample(images, coords, coords))
    np.testing.assert_array_equal(out, 0.0)


def test_gradients_match_numpy():
    """d/d image is the transposed sampling; d/d row and d/d col are the bilinear slopes."""
    rng = np.random.default_rng(2)
    images = rng.random((1, 4, 5, 2)).astype("float32")
    # Keep away from integer coordinates, where the slope is one-sided.
    rows = (rng.integers(-1, 4, (1, 3, 3)) + rng.uniform(0.1, 0.9, (1, 3, 3))).astype("float32")
    cols = (rng.integers(-1, 5, (1, 3, 3)) + rng.uniform(0.1, 0.9, (1, 3, 3))).astype("float32")
    weights = rng.normal(size=(1, 3, 3, 2)).astype("float32")
    g_images, g_rows, g_cols = gradients(
        lambda x, r, c: ops.sum(ops.multiply(bilinear_sample(x, r, c), weights)), images, rows, cols
    )
    expected_images = np.zeros_like(images)
    eps = 1e-3
    for i in range(3):
        for j in range(3):
            r, c, w = rows[0, i, j], cols[0, i, j], weights[0, i, j]
            r0, c0 = int(np.floor(r)), int(np.floor(c))
            dr, dc = r - r0, c - c0
            for rr, cc, share in [(r0, c0, (1 - dr) * (1 - dc)), (r0, c0 + 1, (1 - dr) * dc),
                                  (r0 + 1, c0, dr * (1 - dc)), (r0 + 1, c0 + 1, dr * dc)]:
                if 0 <= rr < 4 and 0 <= cc < 5:
                    expected_images[0, rr, cc] += share * w
            slope_r = (numpy_bilinear(images[0], r + eps, c) - numpy_bilinear(images[0], r - eps, c)) / (2 * eps)
            slope_c = (numpy_bilinear(images[0], r, c + eps) - numpy_bilinear(images[0], r, c - eps)) / (2 * eps)
            np.testing.assert_allclose(g_rows[0, i, j], slope_r @ w, atol=1e-3)
            np.testing.assert_allclose(g_cols[0, i, j], slope_c @ w, atol=1e-3)
    np.testing.assert_allclose(g_images, expected_images, atol=1e-5)


def test_backend_sampler_equals_keras_ops_sampler(monkeypatch):
    """TensorFlow's custom gradient and PyTorch's chunked Function give the plain keras.ops sampler's values
    and gradients.
    """
    from keras_stvideo.layers import _bilinear

    monkeypatch.setattr(_bilinear, "_TORCH_CHUNK", 15)  # 5 samples of 3 channels: several chunks and a partial one
    rng = np.random.default_rng(5)
    images = rng.random((2, 5, 6, 3)).astype("float32")
    rows = rng.uniform(-2.5, 6.5, (2, 4, 7)).astype("float32")
    cols = rng.uniform(-2.5, 7.5, (2, 4, 7)).astype("float32")
    weights = rng.normal(size=(2, 4, 7, 3)).astype("float32")

    def loss(sampler, x, r, c):
        return ops.sum(ops.multiply(sampler(x, r, c), weights))

    np.testing.assert_allclose(ops.convert_to_numpy(bilinear_sample(images, rows, cols)),
                               ops.convert_to_numpy(_bilinear._bilinear_sample(images, rows, cols)), atol=1e-6)
    fast = gradients(lambda x, r, c: loss(bilinear_sample, x, r, c), images, rows, cols)
    plain = gradients(lambda x, r, c: loss(_bilinear._bilinear_sample, x, r, c), images, rows, cols)
    for a, b in zip(fast, plain):
        np.testing.assert_allclose(a, b, atol=1e-5)
    # Coordinates only (the images need no gradient, as in a first layer): the image gradient is skipped.
    fast = gradients(lambda r, c: loss(bilinear_sample, images, r, c), rows, cols)
    for a, b in zip(fast, plain[1:]):
        np.testing.assert_allclose(a, b, atol=1e-5)
