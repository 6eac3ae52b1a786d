"""Vectorised warps for Moving MNIST: rotation, scaling and elastic deformation.

All warps of a batch of frames are done in one bilinear resampling with numpy
gathers (no Python loop over frames or pixels). Coordinates are pixel
centres, the centre of rotation and scaling is the canvas centre
``((size - 1) / 2, (size - 1) / 2)`` as in ``skimage.transform.rotate``, and
samples outside the canvas are zero.

Moving MNIST rotates and scales the canvas with one angle and one scale per
video, so ``warp_digits`` warps each digit once per video and
``transformed_top_left`` / ``paste_max`` place it on every frame where the
canvas transform sends it (see ``MovingMNIST.render``).
"""

import math

import numpy as np


_SAMPLE_CHUNK = 1 << 16  # output pixels resampled at a time: the temporaries stay in the CPU's cache


def bilinear_sample(images, rows, cols, out=None):
    """Sample ``images`` (F, H, W) at float coordinates ``rows``, ``cols`` (F, H', W'); zero outside.

    ``rows`` and ``cols`` may be any arrays broadcasting to (F, H', W'). The
    images are padded with one ring of zeros (two after the last row and column)
    and the coordinates clipped to the first ring, so one flat gather per corner
    needs no masks and no clamping. Frames are resampled a
    few at a time, so the temporaries stay in the CPU's cache; every output pixel
    is computed on its own, so the result does not depend on that chunking.
    ``out``: optional float32 array of the output's shape to write into; it may
    be ``images`` itself (each chunk is copied before it is overwritten).
    """
    num_frames, height, width = images.shape
    rows, cols = np.broadcast_arrays(rows, cols)
    shape = np.broadcast_shapes(rows.shape, (num_frames, 1, 1))
    rows = np.broadcast_to(rows, shape)
    cols = np.broadcast_to(cols, shape)
    out = np.empty(shape, np.float32) if out is None else out
    stride = width + 3
    frame_size = (height + 3) * stride
    step = max(1, _SAMPLE_CHUNK // max(1, shape[1] * shape[2]))
    padded = np.zeros((min(step, num_frames), height + 3, width + 3), np.float32)
    index_type = np.int32 if padded.size < 2**31 else np.int64
    for start in range(0, num_frames, step):
        stop = min(start + step, num_frames)
        padded[: stop - start, 1:-2, 1:-2] = images[start:stop]
        flat = padded[: stop - start].reshape(-1)
        r = np.clip(rows[start:stop], -1.0, height, dtype=np.float32)
        r += np.float32(1.0)
        c = np.clip(cols[start:stop], -1.0, width, dtype=np.float32)
        c += np.float32(1.0)
        # r, c >= 0, so truncation is the floor; the second ring of zeros holds the +1 corner of r = height + 1.
        r0 = r.astype(index_type)
        c0 = c.astype(index_type)
        dr = np.subtract(r, r0, dtype=np.float32)
        dc = np.subtract(c, c0, dtype=np.float32)
        base = r0
        base *= index_type(stride)
        base += c0
        base += np.arange(stop - start, dtype=index_type)[:, None, None] * index_type(frame_size)
        # Shifted views of ``flat`` read the other three corners with the same indices. mode="clip"
        # only skips numpy's bounds check: every index is inside by construction.
        top = np.take(flat, base, mode="clip")
        right = np.take(flat[1:], base, mode="clip")
        right -= top
        right *= dc
        top += right  # top-left + dc * (top-right - top-left): exact when dc == 0
        bottom = np.take(flat[stride:], base, mode="clip")
        right = np.take(flat[stride + 1 :], base, mode="clip")
        right -= bottom
        right *= dc
        bottom += right
        bottom -= top
        bottom *= dr
        np.add(top, bottom, out=out[start:stop])
    return out


def gaussian_kernel(size, sigma):
    """A normalised 1-D Gaussian of ``size`` taps (odd); ``size=None`` truncates it at 4 sigma.

    The 2-D kernel of the elastic fields is separable: ``numpy.outer(k, k)`` is
    MATLAB's ``fspecial('gaussian', size, sigma)``. ``None`` gives
    ``2 * ceil(4 sigma) + 1`` taps, the truncation of ``scipy.ndimage.gaussian_filter``,
    whose weights differ from the untruncated Gaussian by less than 1e-4.
    """
    if size is None:
        size = 2 * int(np.ceil(4.0 * sigma)) + 1
    axis = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    kernel = np.exp(-(axis**2) / (2.0 * sigma**2))
    return kernel / kernel.sum()


_SMOOTH_CHUNK = 16  # fields smoothed at a time: their temporaries stay in the CPU's cache


def uniform_fields(rng, num_frames, size):
    """The raw random fields of ``elastic_displacements``: (2, F, size, size) float32 uniform in [-1, 1).

    ``k / 32768 - 1`` of 16-bit integers ``k``, four to each 64-bit output of
    ``rng``'s bit generator (``random_raw``, read as little-endian uint16): a
    uniform grid of 65,536 levels 3e-5 apart, which the Gaussian smoothing and
    the scale of 300 make invisible (a displacement step of 0.01 px), drawn in less
    than half the time of float32 ``rng.random`` (``elastic_displacements`` draws
    the same numbers and maps them chunk by chunk).
    """
    return _draw_uint16(rng, 2 * num_frames * size * size).reshape(2, num_frames, size, size).astype(
        np.float32
    ) * np.float32(1.0 / 32768.0) - np.float32(1.0)


def _draw_uint16(rng, count):
    """``count`` uniform 16-bit integers from ``rng``'s bit generator (little-endian, whatever the machine)."""
    raw = rng.bit_generator.random_raw(-(-count // 4)).astype("<u8", copy=False)
    return raw.view("<u2")[:count]


def elastic_displacements(rng, num_frames, size, alpha, sigma, kernel_size):
    """Simard et al. (2003) displacement fields, shape (2, F, size, size) float32.

    Uniform random fields in [-1, 1) (``uniform_fields``: 16-bit levels) are convolved ('same',
    zero padding) with a normalised Gaussian of standard deviation ``sigma``
    (``gaussian_kernel``) and multiplied by ``alpha``. ``kernel_size`` is the side
    of the Gaussian: 7 is the literal reading of Shan & Atanasov 2017, section
    IV-D (7 x 7, sigma 10, alpha 300: a nearly flat 7 x 7 box, fields of about
    25 px standard deviation); None is the untruncated Gaussian of Simard et al.
    (cut at 4 sigma; fields of about 5 px inside the canvas at sigma 10, alpha
    300). The Gaussian is separable, so each field is smoothed along rows then
    columns, in float32, a few dozen fields at a time (elementwise, so the result
    does not depend on the chunking).
    """
    # The draws of uniform_fields, mapped to [-1, 1) chunk by chunk below, where they are in the cache.
    draws = _draw_uint16(rng, 2 * num_frames * size * size).reshape(2 * num_frames, size, size)
    fields = np.empty((2 * num_frames, size, size), np.float32)
    kernel_1d = gaussian_kernel(kernel_size, sigma)
    kernel_size = len(kernel_1d)
    row_kernel = kernel_1d.astype(np.float32)
    col_kernel = (alpha * kernel_1d).astype(np.float32)  # alpha is applied once, in the second pass
    pad = kernel_size // 2
    rows_padded = np.zeros((_SMOOTH_CHUNK, size + 2 * pad, size), np.float32)
    cols_padded = np.zeros((_SMOOTH_CHUNK, size, size + 2 * pad), np.float32)
    pair = np.empty((_SMOOTH_CHUNK, size, size), np.float32)
    for start in range(0, len(fields), _SMOOTH_CHUNK):
        stop = min(start + _SMOOTH_CHUNK, len(fields))
        n = stop - start
        interior = rows_padded[:n, pad : pad + size]
        np.multiply(draws[start:stop], np.float32(1.0 / 32768.0), out=interior, dtype=np.float32)
        interior -= np.float32(1.0)
        # The kernel is symmetric: taps k and 2 pad - k share a weight, so they are added first.
        smoothed = cols_padded[:n, :, pad : pad + size]
        np.multiply(rows_padded[:n, pad : pad + size], row_kernel[pad], out=smoothed)
        for k in range(pad):
            np.add(rows_padded[:n, k : k + size], rows_padded[:n, 2 * pad - k : 2 * pad - k + size], out=pair[:n])
            pair[:n] *= row_kernel[k]
            smoothed += pair[:n]
        target = fields[start:stop]
        np.multiply(cols_padded[:n, :, pad : pad + size], col_kernel[pad], out=target)
        for k in range(pad):
            np.add(cols_padded[:n, :, k : k + size], cols_padded[:n, :, 2 * pad - k : 2 * pad - k + size], out=pair[:n])
            pair[:n] *= col_kernel[k]
            target += pair[:n]
    return fields.reshape(2, num_frames, size, size)


def warp_canvases(frames, angles, scales, displacements=None, shifts=None):
    """Rotate by ``angles`` (radians, counter-clockwise), scale by ``scales`` about the centre, shift, then deform.

    Args:
        frames: (F, H, W) float32 canvases.
        angles: (F,) rotation angles in radians (counter-clockwise on screen).
        scales: (F,) zoom factors (0.5 shrinks the content to half its size), or
            (F, 2) separate factors for rows and columns (applied before rotation).
        displacements: optional (2, F, H, W) elastic fields (row, column) applied
            to the output coordinates, so the transformed canvas is deformed.
        shifts: optional (F, 2) translation (rows, columns) of the content in pixels,
            applied after rotation and scaling.

    Returns:
        (F, H, W) float32 warped canvases.
    """
    num_frames, height, width = frames.shape
    centre_r = (height - 1) / 2.0
    centre_c = (width - 1) / 2.0
    rows, cols = np.meshgrid(
        np.arange(height, dtype=np.float32), np.arange(width, dtype=np.float32), indexing="ij"
    )
    rows = np.broadcast_to(rows, (num_frames, height, width))
    cols = np.broadcast_to(cols, (num_frames, height, width))
    if displacements is not None:
        rows = rows + displacements[0]
        cols = cols + displacements[1]
    if shifts is not None:
        shifts = np.asarray(shifts, dtype=np.float32)
        rows = rows - shifts[:, 0, None, None]
        cols = cols - shifts[:, 1, None, None]
    y = rows - centre_r
    x = cols - centre_c
    cos = np.cos(angles).astype(np.float32)[:, None, None]
    sin = np.sin(angles).astype(np.float32)[:, None, None]
    inv_scale = 1.0 / np.asarray(scales, dtype=np.float32)
    if inv_scale.ndim == 2:
        inv_scale_r, inv_scale_c = inv_scale[:, 0, None, None], inv_scale[:, 1, None, None]
    else:
        inv_scale_r = inv_scale_c = inv_scale[:, None, None]
    # Inverse map of a counter-clockwise rotation on screen (rows grow downwards).
    src_c = (cos * x - sin * y) * inv_scale_c + centre_c
    src_r = (sin * x + cos * y) * inv_scale_r + centre_r
    return bilinear_sample(frames, src_r, src_c)


def _rotation_scale(angles, scales):
    """cos, sin and 1 / scale as float32 columns (K, 1, 1)."""
    cos = np.cos(np.asarray(angles, np.float64)).astype(np.float32)[:, None, None]
    sin = np.sin(np.asarray(angles, np.float64)).astype(np.float32)[:, None, None]
    inv_scale = (1.0 / np.asarray(scales, dtype=np.float32))[:, None, None]
    return cos, sin, inv_scale


def warped_box_margin(angles, scales, size=28):
    """Pixels ``m`` to add on each side of a ``size`` image so that it holds its warped self (may be negative).

    Under rotation by ``angle`` and scaling by ``scale`` about its centre, the
    bilinear support of a ``size`` x ``size`` image (half-width ``size / 2 + 0.5``)
    spans ``scale * (|cos| + |sin|)`` times that half-width along each axis; a
    shrunken digit fits a box smaller than ``size`` (negative ``m``). Returns an
    int64 array of the shape of ``angles`` and ``scales`` broadcast together.
    """
    angles = np.asarray(angles, np.float64)
    spread = np.asarray(scales, np.float64) * (np.abs(np.cos(angles)) + np.abs(np.sin(angles)))
    half = (size / 2.0 + 0.5) * spread
    return np.ceil(half - (size - 1) / 2.0).astype(np.int64)


def warp_digits(images, angles, scales, margin):
    """Rotate (counter-clockwise, radians) and scale each image about its centre, into a larger box.

    Args:
        images: (K, S, S) float32 images.
        angles, scales: (K,) one rotation and one scale per image.
        margin: pixels added on each side (an integer, ``warped_box_margin``; negative
            crops), so the output is (K, S + 2 margin, S + 2 margin) and the image
            centre stays the box centre.

    The output pixel at offset ``u`` from the box centre is the input sampled at
    ``R(-angle) u / scale`` from the image centre: the inverse map of
    ``warp_canvases``, so placing a warped digit where the canvas transform sends
    its centre reproduces a warped canvas up to that placement's rounding.
    """
    num, size, _ = images.shape
    box = size + 2 * margin
    centre = (size - 1) / 2.0
    offsets = np.arange(box, dtype=np.float32) - np.float32(centre + margin)
    y = np.broadcast_to(offsets[:, None], (box, box))
    x = np.broadcast_to(offsets[None, :], (box, box))
    cos, sin, inv_scale = _rotation_scale(angles, scales)
    src_c = (cos * x - sin * y) * inv_scale + np.float32(centre)
    src_r = (sin * x + cos * y) * inv_scale + np.float32(centre)
    return bilinear_sample(images, src_r, src_c)


def transformed_top_left(positions, angles, scales, canvas_size, size=28, margin=0):
    """Integer top-left of each warped digit box on the transformed canvas.

    Args:
        positions: (N, T, D, 2) float top-left (row, column) of each ``size`` digit
            on the untransformed canvas.
        angles, scales: (N,) the canvas rotation (counter-clockwise, radians) and
            scale about the canvas centre, one per sequence.
        margin: the margin of the warped boxes (``warp_digits``): an integer or an
            integer array broadcasting to (N, T, D).

    Returns:
        (N, T, D, 2) int64: the digit centre is sent where the canvas transform
        sends it, and the box's top-left is rounded to the nearest pixel.
    """
    centre = (canvas_size - 1) / 2.0
    digit_centre = (size - 1) / 2.0
    y = positions[..., 0] + digit_centre - centre
    x = positions[..., 1] + digit_centre - centre
    angles = np.asarray(angles, np.float64)[:, None, None]
    scales = np.asarray(scales, np.float64)[:, None, None]
    cos, sin = np.cos(angles), np.sin(angles)
    out_x = scales * (cos * x + sin * y) + centre
    out_y = scales * (cos * y - sin * x) + centre
    top_left = np.stack([out_y, out_x], axis=-1) - digit_centre
    return np.rint(top_left).astype(np.int64) - np.asarray(margin, np.int64)[..., None]


def paste_max(canvas, images, frames, image_index, top_left):
    """``canvas[f, r:r+h, c:c+w] = max(canvas, image)`` for every placement, clipped to the canvas.

    Args:
        canvas: (F, H, W) float32, modified in place.
        images: a sequence of 2-D images to paste (they may differ in size).
        frames, image_index: (P,) the frame and the image of each placement.
        top_left: (P, 2) integer (row, column) of each image's top-left pixel; may lie outside.

    One numpy ``maximum`` per placement on a slice: the placements are a few per
    frame, and a slice needs no index arrays.
    """
    _, height, width = canvas.shape
    sizes = np.array([image.shape for image in images], np.int64).reshape(-1, 2)[image_index]
    r, c = top_left[:, 0], top_left[:, 1]
    r0, c0 = np.maximum(r, 0), np.maximum(c, 0)
    r1, c1 = np.minimum(r + sizes[:, 0], height), np.minimum(c + sizes[:, 1], width)
    keep = (r0 < r1) & (c0 < c1)
    rows = np.stack([frames, image_index, r0, r1, c0, c1, r0 - r, r1 - r, c0 - c, c1 - c], axis=1)[keep]
    for f, k, a0, a1, b0, b1, s0, s1, t0, t1 in rows.tolist():
        view = canvas[f, a0:a1, b0:b1]
        np.maximum(view, images[k][s0:s1, t0:t1], out=view)
    return canvas
