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

import numpy as np


_SAMPLE_CHUNK = 1 << 15  # output pixels resampled at a time: the temporaries stay in the CPU's caches
_SPARSE_GROUP = 8  # with ``sparse=True``, chunks whose selected pixels are blended together


def bilinear_sample(images, rows, cols, out=None, relative=False, clip=None, sparse=False):
    """Sample ``images`` (F, H, W) at float coordinates ``rows``, ``cols`` (F, H', W'); zero outside.

    ``rows`` and ``cols`` may be any arrays broadcasting to (F, H', W').
    ``relative=True``: they are displacements (an elastic field), and output
    pixel ``(i, j)`` is sampled at ``(i + rows, j + cols)``; the pixel's position
    is added to the integer part, so no sum is rounded and no (F, H', W')
    coordinate arrays are made.
    ``clip``: optional ``(low, high)`` the output is clipped to, chunk by chunk
    while it is in the CPU's cache.

    The images are padded with one ring of zeros (two after the last row and
    column) and the coordinates clipped to the first ring, so one flat gather
    per corner needs no masks and no clamping. Frames are resampled a few at a
    time, so the temporaries stay in the CPU's caches; every output pixel is
    computed on its own, so the result does not depend on that chunking.
    ``out``: optional float32 array of the output's shape to write into; it may
    be ``images`` itself (each chunk is copied before it is overwritten).

    ``sparse=True`` is for images that are mostly zeros (Moving MNIST's digits
    cover a tenth of the canvas, and an elastic field sends half the samples
    off it): an output pixel whose four corners are zeros is exactly zero, so
    only the pixels with a nonzero corner are blended (``_near_nonzero``,
    ``_blend_picked``), the same bytes as ``sparse=False``.
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
    chunk = min(step, num_frames)
    # With ``sparse``, the few selected pixels of several chunks are blended together: blending each chunk's
    # few hundred pixels on its own would cost more in numpy calls than in arithmetic.
    group = min(step * (_SPARSE_GROUP if sparse else 1), num_frames)  # frames padded (and blended) at a time
    padded = np.zeros((group, height + 3, width + 3), np.float32)
    # Flat indices are computed in floating point: exact below 2**24 in float32 (a chunk of small frames).
    index_float = np.float32 if padded.size <= 2**24 else np.float64
    # Scratch arrays made once and written in place (out=): fresh temporaries of this size would each be
    # mapped and zeroed by the operating system on every chunk. Indices are intp: np.take converts any
    # other integer type on every call.
    scratch_shape = (chunk,) + shape[1:]
    r, c, dr, dc, top, right, bottom = (np.empty(scratch_shape, np.float32) for _ in range(7))
    base, index, column = np.empty(scratch_shape, np.intp), np.empty(scratch_shape, index_float), np.empty(
        scratch_shape, index_float
    )
    # Output pixel (i, j) of frame f reads padded position (1 + rows, 1 + cols), plus (i, j) with
    # ``relative``. The coordinates are clipped so that this position stays in the first ring of zeros
    # (bounds -1 [- i] and height [- i]), and the integer part 1 [+ i] goes into the flat index, not into
    # the coordinates, so the fraction of a displacement is used as it is. Bounds and offsets are whole
    # (chunk, H', W') arrays: a flat maximum or add runs faster than a broadcast one, and than a clip.
    row_shift = np.arange(1, shape[1] + 1, dtype=np.float32)[:, None] if relative else np.float32(1.0)
    col_shift = np.arange(1, shape[2] + 1, dtype=np.float32) if relative else np.float32(1.0)
    row_low, row_high, col_low, col_high = np.empty((4,) + scratch_shape, np.float32)
    row_low[...], row_high[...] = -row_shift, height - row_shift + 1
    col_low[...], col_high[...] = -col_shift, width - col_shift + 1
    index_offsets = np.empty((group,) + shape[1:], index_float)  # frame k of a group starts at k * frame_size
    index_offsets[...] = (np.arange(group, dtype=index_float)[:, None, None] * index_float(frame_size)
                          + (row_shift * stride + col_shift).astype(index_float))
    if sparse:
        nonzero_map, near_map, hit = np.empty(padded.size, bool), np.empty(padded.size, bool), np.empty(
            scratch_shape, bool)
    for group_start in range(0, num_frames, group):
        group_stop = min(group_start + group, num_frames)
        padded[: group_stop - group_start, 1:-2, 1:-2] = images[group_start:group_stop]
        flat = padded[: group_stop - group_start].reshape(-1)
        if sparse:
            near = _near_nonzero(flat, stride, nonzero_map, near_map)
            picked = []
        for start in range(group_start, group_stop, step):
            stop = min(start + step, group_stop)
            n = stop - start
            rn, cn, drn, dcn, topn, rightn, bottomn, basen, indexn, columnn = (
                a[:n] for a in (r, c, dr, dc, top, right, bottom, base, index, column)
            )
            np.maximum(rows[start:stop], row_low[:n], out=rn, dtype=np.float32)
            np.minimum(rn, row_high[:n], out=rn)
            np.maximum(cols[start:stop], col_low[:n], out=cn, dtype=np.float32)
            np.minimum(cn, col_high[:n], out=cn)
            # The second ring of zeros holds the +1 corner of the last clipped row. The flat index
            # floor(r) * stride + floor(c) + offset is an exact integer in ``index_float``.
            np.floor(rn, out=indexn)
            np.floor(cn, out=columnn)
            if not sparse:
                np.subtract(rn, indexn, out=drn, casting="same_kind")
                np.subtract(cn, columnn, out=dcn, casting="same_kind")
            indexn *= index_float(stride)
            indexn += columnn
            indexn += index_offsets[start - group_start : stop - group_start]
            np.copyto(basen, indexn, casting="unsafe")
            if sparse:
                # the pixels with a nonzero corner: their top-left corner lies in the nonzero neighbourhoods
                selected = np.flatnonzero(np.take(near, basen, mode="clip", out=hit[:n]))
                picked.append((selected + (start - group_start) * rn[0].size,
                               *(a.reshape(-1).take(selected) for a in (basen, rn, cn))))
            else:
                _blend(flat, stride, basen, drn, dcn, topn, rightn, bottomn, out[start:stop])
                if clip is not None:
                    _clip_in_place(out[start:stop], clip)
        if sparse:
            _blend_picked(flat, stride, [np.concatenate(parts) for parts in zip(*picked)], clip,
                          out[group_start:group_stop])
    return out


def _near_nonzero(flat, stride, nonzero_map, near_map):
    """Where a top-left corner reads a nonzero pixel of ``flat``: the nonzero pixels and those left of, above,
    and above-left of them (a pixel's corners are ``base + (0, 1, stride, stride + 1)``). Written into the
    scratch ``near_map``; its length is the number of possible top-left corners.
    """
    nonzero = np.not_equal(flat, 0.0, out=nonzero_map[: flat.size])
    reach = flat.size - stride - 1  # the largest top-left corner is reach - 1
    near = np.logical_or(nonzero[:reach], nonzero[1 : reach + 1], out=near_map[:reach])
    near |= nonzero[stride : stride + reach]
    near |= nonzero[stride + 1 : stride + 1 + reach]
    return near


def _blend_picked(flat, stride, picked, clip, out):
    """``bilinear_sample``'s ``sparse=True`` output for a group of frames: blended where picked, zero elsewhere.

    ``picked``: the output pixels with a nonzero corner (flat positions in ``out``), their top-left corners
    in ``flat`` and their clipped coordinates. The other pixels are exactly zero (their corners are zeros);
    the picked ones go through ``_blend`` as in the dense path, so they get the same bytes.
    """
    selected, base, rs, cs = picked
    values = np.empty(len(selected), np.float32)
    _blend(flat, stride, base, rs - np.floor(rs), cs - np.floor(cs), *(np.empty_like(values) for _ in range(3)), values)
    out[...] = np.float32(0.0) if clip is None else _clip_in_place(np.zeros(1, np.float32), clip)[0]
    np.put(out, selected, values if clip is None else _clip_in_place(values, clip))


def _clip_in_place(values, clip):
    """``np.clip(values, *clip, out=values)`` in two ufunc calls, without ``np.clip``'s Python wrapper."""
    np.maximum(values, clip[0], out=values)
    return np.minimum(values, clip[1], out=values)


def _blend(flat, stride, base, dr, dc, top, right, bottom, out):
    """``out`` = the bilinear blend of ``flat`` at ``base``, ``base + 1``, ``base + stride`` and ``base + stride + 1``.

    ``top``, ``right`` and ``bottom`` are scratch arrays of ``base``'s shape.
    Shifted views of ``flat`` read the other three corners with the same
    indices; ``mode="clip"`` only skips numpy's bounds check (every index is
    inside by construction).
    """
    np.take(flat, base, mode="clip", out=top)
    np.take(flat[1:], base, mode="clip", out=right)
    right -= top
    right *= dc
    top += right  # top-left + dc * (top-right - top-left): exact when dc == 0
    np.take(flat[stride:], base, mode="clip", out=bottom)
    np.take(flat[stride + 1 :], base, mode="clip", out=right)
    right -= bottom
    right *= dc
    bottom += right
    bottom -= top
    bottom *= dr
    np.add(top, bottom, out=out)


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
    the same numbers, chunk by chunk, as the signed integers ``k - 32768``).
    """
    return _draw_uint16(rng, 2 * num_frames * size * size).reshape(2, num_frames, size, size).astype(
        np.float32
    ) * np.float32(1.0 / 32768.0) - np.float32(1.0)


def _draw_uint16(rng, count):
    """``count`` uniform 16-bit integers from ``rng``'s bit generator (little-endian, whatever the machine)."""
    raw = rng.bit_generator.random_raw(-(-count // 4)).astype("<u8", copy=False)
    return raw.view("<u2")[:count]


class _CentredDraws:
    """The integers ``k`` of ``_draw_uint16``, in the same order, as int16 ``k - 32768``, a few at a time.

    ``draws(count)`` returns the next ``count``. Drawing them where they are
    used keeps them in the CPU's cache; the bit generator is advanced by the same
    ``ceil(total / 4)`` words as one ``_draw_uint16`` of the total. ``k - 32768``
    is ``k`` with its top bit flipped, read as a signed integer: one XOR per
    64-bit word.
    """

    def __init__(self, rng):
        self._bits = rng.bit_generator
        self._left = np.empty(0, np.int16)  # drawn, not yet returned (the rest of a word)

    def __call__(self, count):
        words = -(-(count - len(self._left)) // 4)
        raw = self._bits.random_raw(max(0, words)).astype("<u8", copy=False)
        raw ^= np.uint64(0x8000800080008000)
        drawn = raw.view("<i2")
        if len(self._left):
            drawn = np.concatenate([self._left, drawn])
        self._left = drawn[count:]
        return drawn[:count]


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
    columns, in float32, a few fields at a time, on the integers ``k - 32768``
    (exact in float32) with the Gaussian scaled to a centre weight of 1; the
    product of ``alpha / 32768`` and the two centre weights is applied once, at
    the end (smoothing is linear). Every output is the same sum in the same order
    whatever the chunking and the memory layout (``_smooth_fields``).
    """
    if not (np.isfinite(alpha) and alpha >= 0):
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}")
    if not (np.isfinite(sigma) and sigma > 0):
        raise ValueError(f"sigma must be a finite number > 0, got {sigma!r}")
    kernel_1d = gaussian_kernel(kernel_size, sigma)
    fields = np.empty((2 * num_frames, size, size), np.float32)
    _smooth_fields(_CentredDraws(rng), size, kernel_1d, alpha / 32768.0, fields)
    return fields.reshape(2, num_frames, size, size)


def _horner_ratios(kernel):
    """``(ratios, centre)`` of a symmetric kernel ``k`` of ``2 p + 1`` taps: ``ratios[j] = k[j] / k[j + 1]`` (j < p).

    Outer taps that are exactly zero (a Gaussian that underflows) are dropped
    first: they add nothing. ``_symmetric_taps`` sums with these ratios, so the
    kernel it applies is ``k / centre``.
    """
    kernel = np.asarray(kernel, np.float64)
    nonzero = np.flatnonzero(kernel)
    first = int(nonzero[0]) if len(nonzero) else len(kernel) // 2
    kernel = kernel[first : len(kernel) - first]
    pad = len(kernel) // 2
    centre = float(kernel[pad])
    if centre == 0.0:
        return np.zeros(0, np.float32), 0.0
    return (kernel[:pad] / kernel[1 : pad + 1]).astype(np.float32), centre


def _symmetric_taps(shifted, ratios, out):
    """``out = x_p + r_{p-1} (x_{p-1} + x_{p+1} + r_{p-2} (... + r_0 (x_0 + x_{2p})))``, ``shifted(k)`` being ``x_k``.

    The symmetric kernel ``k / k_p`` of ``2 p + 1`` taps (``ratios`` from
    ``_horner_ratios``) in Horner's form, outermost pair first: taps k and
    2 p - k share a weight, so they are added together; ``3 p`` passes, no
    multiplication for the centre tap. Every caller sums in this order, so the
    fields do not depend on the layout the taps are read from.
    """
    pad = len(ratios)
    if pad == 0:
        np.copyto(out, shifted(0))
        return
    np.add(shifted(0), shifted(2 * pad), out=out)
    for k in range(1, pad):
        out *= ratios[k - 1]
        out += shifted(k)
        out += shifted(2 * pad - k)
    out *= ratios[pad - 1]
    out += shifted(pad)


def _smooth_fields(draws, size, kernel, scale, fields):
    """``fields[i] = scale * kernel (x) (kernel (x) draws_i)``: separable 'same' correlation, zero padding.

    ``draws(count)``: the next ``count`` integer (int16) inputs, ``size * size``
    per field, in field order (``_CentredDraws``). They are converted to float32
    (exactly), smoothed along rows then columns with ``kernel / centre``
    (``_symmetric_taps``), and multiplied by ``scale * centre**2`` while the
    result is copied out. Each numpy call runs over one long contiguous stretch
    of memory, so the per-call and per-row overheads of numpy vanish:

    * short kernels (the literal 7 taps): a few fields are laid out with a
      zero border of ``p`` pixels on every side, one after another; a shift by
      ``k`` rows is then a shift of the flat buffer by ``k`` row lengths, and a
      shift by ``k`` columns a shift by ``k`` elements (the border columns
      receive sums that are never read back).
    * long kernels (the untruncated 81 taps of the smooth reading, where a full
      border would quadruple the work): rows are padded only, each pass smooths
      along rows, and the result is transposed in between and at the end.
    """
    count = fields.shape[0]
    ratios, centre = _horner_ratios(kernel)
    pad = len(ratios)
    factor = np.float32(scale * centre * centre)
    chunk = max(1, _SMOOTH_CHUNK)
    if 4 * pad <= size:
        side = size + 2 * pad
        area, body = side * side, size * side  # a padded field; its ``size`` inner rows
        margin = pad * side + pad  # the largest shift, so that every shifted view stays in the buffer
        padded = np.zeros(chunk * area + 2 * margin + pad * side, np.float32)
        rows = np.zeros(chunk * area + 2 * margin + pad * side, np.float32)
        smoothed = np.empty((chunk, body), np.float32)

        def inner_rows(buffer, n, offset):
            # (n, body): the inner rows of n padded fields, shifted by ``offset`` elements.
            start = margin + pad * side + offset
            return buffer[start : start + n * area].reshape(n, area)[:, :body]

        views = {}
        for start in range(0, count, chunk):
            stop = min(start + chunk, count)
            n = stop - start
            if n not in views:  # the shifted views, made once per chunk length
                views = {n: (
                    padded[margin : margin + n * area].reshape(n, side, side)[:, pad : pad + size, pad : pad + size],
                    [inner_rows(padded, n, (k - pad) * side) for k in range(2 * pad + 1)],
                    inner_rows(rows, n, 0),
                    [inner_rows(rows, n, k - pad) for k in range(2 * pad + 1)],
                )}
            fields_in, row_taps, rows_out, col_taps = views[n]
            np.copyto(fields_in, draws(n * size * size).reshape(n, size, size))
            _symmetric_taps(row_taps.__getitem__, ratios, rows_out)
            _symmetric_taps(col_taps.__getitem__, ratios, smoothed[:n])
            np.multiply(smoothed[:n].reshape(n, size, side)[:, :, pad : pad + size], factor, out=fields[start:stop])
        return fields
    plane = size * size
    padded = np.zeros((2, chunk, size + 2 * pad, size), np.float32)
    flat = padded.reshape(2, chunk, -1)
    smoothed = np.empty((chunk, size, size), np.float32)
    for start in range(0, count, chunk):
        stop = min(start + chunk, count)
        n = stop - start
        np.copyto(padded[0, :n, pad : pad + size], draws(n * plane).reshape(n, size, size))
        for which in range(2):
            _symmetric_taps(
                lambda k: flat[which, :n, k * size : k * size + plane], ratios, smoothed[:n].reshape(n, plane)
            )
            if which == 0:
                np.copyto(padded[1, :n, pad : pad + size], smoothed[:n].transpose(0, 2, 1))
            else:
                np.multiply(smoothed[:n].transpose(0, 2, 1), factor, out=fields[start:stop])
    return fields


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
    x, y = offsets[None, None, :], offsets[None, :, None]  # column and row offsets
    cos, sin, inv_scale = _rotation_scale(angles, scales)
    # (cos x - sin y) / scale + centre: the products are made on (K, 1, box) and (K, box, 1) arrays, the
    # three other passes on (K, box, box) in place.
    src_c = np.subtract(cos * x, sin * y)
    src_c *= inv_scale
    src_c += np.float32(centre)
    src_r = np.add(sin * x, cos * y)
    src_r *= inv_scale
    src_r += np.float32(centre)
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


def paste_max(canvas, images, frames, image_index, top_left, zeroed=False):
    """``canvas[f, r:r+h, c:c+w] = max(canvas, image)`` for every placement, clipped to the canvas.

    Args:
        canvas: (F, H, W) float32, modified in place.
        images: a sequence of 2-D images to paste (they may differ in size).
        frames, image_index: (P,) the frame and the image of each placement.
        top_left: (P, 2) integer (row, column) of each image's top-left pixel; may lie outside.
        zeroed: the canvas is all zeros and the images are >= 0, so each frame's
            first placement (in the given order) is copied, not compared: the same
            result, in half the time of a ``maximum``.

    One numpy ``maximum`` (or copy) per placement on a slice: the placements are a
    few per frame, and a slice needs no index arrays.
    """
    _, height, width = canvas.shape
    sizes = np.array([image.shape for image in images], np.int64).reshape(-1, 2)[image_index]
    r, c = top_left[:, 0], top_left[:, 1]
    r0, c0 = np.maximum(r, 0), np.maximum(c, 0)
    r1, c1 = np.minimum(r + sizes[:, 0], height), np.minimum(c + sizes[:, 1], width)
    keep = (r0 < r1) & (c0 < c1)
    first = np.zeros(len(frames), np.int64)
    if zeroed:
        kept = np.flatnonzero(keep)
        first[kept[np.unique(np.asarray(frames)[kept], return_index=True)[1]]] = 1
    rows = np.stack([frames, image_index, r0, r1, c0, c1, r0 - r, r1 - r, c0 - c, c1 - c, first], axis=1)[keep]
    for f, k, a0, a1, b0, b1, s0, s1, t0, t1, copy in rows.tolist():
        view = canvas[f, a0:a1, b0:b1]
        if copy:
            view[...] = images[k][s0:s1, t0:t1]
        else:
            np.maximum(view, images[k][s0:s1, t0:t1], out=view)
    return canvas
