import numpy as np
from keras import ops

from keras_stvideo.layers._sampling import bilinear_sample


def numpy_bilinear(image, r, c):
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
                np.testing.assert_allclose(out[b, i, j], numpy_bilinear(images[b], rows[b, i, j], cols[b, i, j]), atol=1e-5)


def test_integer_coordinates_are_exact():
    images = np.random.default_rng(1).random((1, 4, 4, 2)).astype("float32")
    rows, cols = np.meshgrid(np.arange(4.0), np.arange(4.0), indexing="ij")
    out = ops.convert_to_numpy(bilinear_sample(images, rows[None].astype("float32"), cols[None].astype("float32")))
    np.testing.assert_array_equal(out, images)
