import numpy as np
import pytest
from scipy import ndimage

from keras_stvideo.data.mnist import load_embedded_digits
from keras_stvideo.data.scaled_mnist import ScaledMNIST, make_scaled_mnist

(DIGITS, LABELS), _ = load_embedded_digits()


def keras_reference(digits, rng, canvas_size, shift_range=0.2, zoom_range=(1.0, 2.5), rotation_range=None):
    """Keras' ImageDataGenerator transform, written out: output p reads the input at c + R (t + diag(z) (p - c))."""
    n = len(digits)
    shifts = rng.uniform(-shift_range, shift_range, size=(n, 2)) * canvas_size
    zooms = rng.uniform(*zoom_range, size=(n, 2))
    angles = np.zeros(n) if rotation_range is None else rng.uniform(*rotation_range, size=n)
    centre = (canvas_size - 1) / 2.0  # keras' transform_matrix_offset_center: size / 2 - 0.5
    top = (canvas_size - 28) // 2
    out = []
    for digit, t, z, a in zip(digits, shifts, zooms, angles):
        canvas = np.zeros((canvas_size, canvas_size))
        canvas[top : top + 28, top : top + 28] = digit / 255.0
        turn = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])  # keras' rotation_matrix on (row, col)
        out.append(ndimage.affine_transform(canvas, turn @ np.diag(z), offset=centre + turn @ t - turn @ (z * centre),
                                            order=1, mode="constant", cval=0.0))
    return np.stack(out), zooms


def test_matches_keras_image_data_generator_semantics():
    images = make_scaled_mnist(DIGITS[:6], np.random.default_rng(3), canvas_size=48)[..., 0]
    expected, zooms = keras_reference(DIGITS[:6], np.random.default_rng(3), 48)
    np.testing.assert_allclose(images, expected, atol=1e-4)
    assert np.abs(zooms[:, 0] - zooms[:, 1]).max() > 0.3  # the two axes are zoomed independently


def test_rotation_matches_keras_composition_and_keeps_the_draws():
    images = make_scaled_mnist(DIGITS[:6], np.random.default_rng(5), canvas_size=48, rotation_range=(0, 2 * np.pi))
    expected, _ = keras_reference(DIGITS[:6], np.random.default_rng(5), 48, rotation_range=(0, 2 * np.pi))
    np.testing.assert_allclose(images[..., 0], expected, atol=1e-4)
    unturned = make_scaled_mnist(DIGITS[:6], np.random.default_rng(5), canvas_size=48)
    assert np.abs(images - unturned).max() > 0.5  # the digits did turn
    # A zero angle is the paper's transform; the shifts and zooms are drawn first either way.
    np.testing.assert_allclose(make_scaled_mnist(DIGITS[:6], np.random.default_rng(5), canvas_size=48,
                                                 rotation_range=(0, 0)), unturned, atol=1e-5)


def test_a_half_turn_flips_the_digit_about_the_centre():
    image = make_scaled_mnist(DIGITS[:1], np.random.default_rng(0), shift_range=0.0, zoom_range=(1.0, 1.0),
                              rotation_range=(np.pi, np.pi))[0, :, :, 0]
    upright = make_scaled_mnist(DIGITS[:1], np.random.default_rng(0), shift_range=0.0, zoom_range=(1.0, 1.0))
    np.testing.assert_allclose(image, upright[0, ::-1, ::-1, 0], atol=1e-4)


def test_independent_zooms_change_the_aspect_ratio():
    # Without shifts, a digit zoomed by (z_r, z_c) spans about 1 / z_r of its rows and 1 / z_c of its columns.
    square = np.zeros((40, 28, 28), np.uint8)
    square[:, 4:24, 4:24] = 255
    images = make_scaled_mnist(square, np.random.default_rng(0), shift_range=0.0)[..., 0]
    rng = np.random.default_rng(0)
    rng.uniform(size=(40, 2))  # the shifts are drawn first
    zooms = rng.uniform(1.0, 2.5, size=(40, 2))
    heights = (images > 0.5).any(axis=2).sum(axis=1)
    widths = (images > 0.5).any(axis=1).sum(axis=1)
    np.testing.assert_allclose(heights, 20 / zooms[:, 0], atol=1.5)
    np.testing.assert_allclose(widths, 20 / zooms[:, 1], atol=1.5)
    assert np.ptp(heights / widths) > 0.5


def test_dataset_batches_are_deterministic_and_labelled():
    data = ScaledMNIST(DIGITS[:20], LABELS[:20], batch_size=8, seed=4)
    x, y = data[1]
    assert x.shape == (8, 64, 64, 1) and x.dtype == np.float32
    np.testing.assert_array_equal(y, LABELS[:20][data._order[8:16]])
    np.testing.assert_array_equal(x, ScaledMNIST(DIGITS[:20], LABELS[:20], batch_size=8, seed=4)[1][0])
    assert len(data) == 3
    turned = ScaledMNIST(DIGITS[:20], LABELS[:20], batch_size=8, seed=4, rotation_range=(0.0, 6.0))[1]
    np.testing.assert_array_equal(turned[1], y)
    assert np.abs(turned[0] - x).max() > 0.5


@pytest.mark.parametrize("kwargs, match", [({"shift_range": 1.0}, "shift_range"),
                                           ({"zoom_range": (0.0, 1.0)}, "zoom_range"),
                                           ({"rotation_range": (1.0, 0.0)}, "rotation_range")])
def test_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ScaledMNIST(DIGITS[:4], LABELS[:4], **kwargs)
