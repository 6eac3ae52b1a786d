"""Per-frame scikit-image reference renderers of augmented Moving MNIST: the generator's definition, executable.

Slow and plain on purpose: scikit-image does every warp, one frame (and one digit)
at a time, written independently of ``keras_stvideo.data.warp`` (only its
``gaussian_kernel`` is shared). ``MovingMNIST.render`` must agree with
``reference_render`` to 1e-5 (tests/data/test_moving_mnist.py), and
benchmarks/moving_mnist.py times the generator against both renderers. It lives
in the package so that the tests and the benchmarks share one copy without
importing each other.

* ``reference_render`` is the generator's definition (docs/faithfulness.md):
  the canvas transform (rotation counter-clockwise on screen by the sequence's
  angle and scaling by its scale, about the canvas centre) sends each digit's
  centre to a new place; the digit, rotated and scaled about its own centre, is
  drawn there, its top-left rounded to a pixel; overlapping digits take the
  pixel-wise maximum; then the frame's elastic field deforms the frame.
* ``canvas_reference_render`` is the literal per-frame canvas warp: paste the
  digits at their rounded positions, then rotate and scale the whole canvas.
"""

import numpy as np
from scipy.ndimage import correlate
from skimage.transform import AffineTransform, warp

from keras_stvideo.data.warp import gaussian_kernel

DIGIT = 28
DIGIT_CENTRE = (DIGIT - 1) / 2.0


def canvas_transform(angle, scale, size):
    """skimage transform of (x, y) = (column, row): rotate counter-clockwise on screen and scale about the centre.

    skimage's ``rotation`` turns clockwise on screen (rows grow downwards), so
    the counter-clockwise angle enters negated, as in ``skimage.transform.rotate``.
    """
    centre = (size - 1) / 2.0
    shift = AffineTransform(translation=(-centre, -centre))
    rotate_scale = AffineTransform(scale=scale, rotation=-angle)
    back = AffineTransform(translation=(centre, centre))
    return AffineTransform(matrix=back.params @ rotate_scale.params @ shift.params)


def elastic_warp(frame, field):
    rows, cols = np.mgrid[: frame.shape[0], : frame.shape[1]].astype(np.float64)
    return warp(frame, np.stack([rows + field[0], cols + field[1]]), order=1, mode="constant")


def reference_frame(gen, params, i, j):
    """Frame ``j`` of sequence ``i`` under the generator's definition (one skimage warp per digit)."""
    size = gen.canvas_size
    geometric = "rotation" in gen.augmentations or "scaling" in gen.augmentations
    transform = canvas_transform(params.angles[i], params.scales[i], size)
    canvas = np.zeros((size, size))
    for k in range(params.positions.shape[2]):
        digit = gen.digits[params.digit_indices[i, k]] / 255.0
        row, col = params.positions[i, j, k]
        if geometric:
            centre_x, centre_y = transform(np.array([[col + DIGIT_CENTRE, row + DIGIT_CENTRE]]))[0]
            top, left = np.rint(centre_y - DIGIT_CENTRE), np.rint(centre_x - DIGIT_CENTRE)
        else:
            top, left = np.rint(row), np.rint(col)
        # The digit turned and scaled about its own centre, its centre drawn at (top, left) + 13.5.
        place = AffineTransform(
            matrix=AffineTransform(translation=(left + DIGIT_CENTRE, top + DIGIT_CENTRE)).params
            @ AffineTransform(scale=params.scales[i], rotation=-params.angles[i]).params
            @ AffineTransform(translation=(-DIGIT_CENTRE, -DIGIT_CENTRE)).params
        )
        drawn = warp(digit, place.inverse, output_shape=(size, size), order=1, mode="constant")
        canvas = np.maximum(canvas, drawn)
    if "elastic" in gen.augmentations and params.displacements is not None:
        canvas = elastic_warp(canvas, params.displacements[i, j])
    return canvas


def reference_render(gen, params):
    """(N, T, H, W, 1) float32: ``reference_frame`` for every frame."""
    n, t = params.positions.shape[:2]
    out = np.zeros((n, t, gen.canvas_size, gen.canvas_size, 1), np.float32)
    for i in range(n):
        for j in range(t):
            out[i, j, ..., 0] = np.clip(reference_frame(gen, params, i, j), 0.0, 1.0)
    return out


def canvas_reference_render(gen, params, rng=None):
    """The literal per-frame canvas warp: paste, rotate and scale the canvas, then (with ``rng``) a new field.

    This was the generator's definition before digits were warped once per
    sequence; the benchmark keeps it as a second baseline. With ``rng`` the
    elastic fields are drawn and smoothed here, frame by frame (scipy), as a
    per-frame implementation would.
    """
    n, t, d, _ = params.positions.shape
    size = gen.canvas_size
    kernel = np.outer(*[gaussian_kernel(gen.elastic_kernel_size, gen.elastic_sigma)] * 2)
    out = np.zeros((n, t, size, size, 1), np.float32)
    geometric = "rotation" in gen.augmentations or "scaling" in gen.augmentations
    for i in range(n):
        transform = canvas_transform(params.angles[i], params.scales[i], size)
        for j in range(t):
            canvas = np.zeros((size, size), np.float32)
            for k in range(d):
                r, c = np.rint(params.positions[i, j, k]).astype(int)
                digit = gen.digits[params.digit_indices[i, k]] / 255.0
                canvas[r : r + DIGIT, c : c + DIGIT] = np.maximum(canvas[r : r + DIGIT, c : c + DIGIT], digit)
            if geometric:
                canvas = warp(canvas, transform.inverse, order=1, mode="constant")
            if "elastic" in gen.augmentations and rng is not None:
                field = [
                    correlate(rng.uniform(-1, 1, (size, size)), kernel, mode="constant") * gen.elastic_alpha
                    for _ in range(2)
                ]
                canvas = elastic_warp(canvas, field)
            out[i, j, ..., 0] = canvas
    return out
