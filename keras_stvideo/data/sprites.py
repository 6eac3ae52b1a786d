"""Textures and sprites for generated clips: periodic noise, shape and digit masks, and painting them.

The drawing primitives of ``MotionClips`` (``keras_stvideo.data.motion_clips``):
periodic noise for the drifting world, alpha masks of shapes and MNIST digits,
half-pixel shifts on a periodic grid, and painting rotated, scaled sprites into
frames with one table lookup per pixel. numpy only.

Example:
    >>> rng = np.random.default_rng(0)
    >>> periodic_noise(rng, 2, 32, 32, beta=2.0).shape
    (2, 32, 32)
"""

import numpy as np

SPRITE_SIZE = 32  # side of the sprites every object is drawn from, in pixels
SHAPES = ("rectangle", "ellipse", "triangle", "cross")


def periodic_noise(rng, count, height, width, beta):
    """Periodic 1/f^beta noise fields, shape (count, height, width), float32, each scaled to [0, 1].

    White noise filtered in the Fourier domain: the fields tile seamlessly (they
    are periodic), so shifting them with wrap-around shows no seam. ``beta`` is
    one exponent per field; larger is smoother.
    """
    beta = np.broadcast_to(np.asarray(beta, np.float64), (count,))
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    radius = np.sqrt(fy**2 + fx**2)
    radius[0, 0] = 1.0
    amplitude = np.exp(-beta[:, None, None] * np.log(radius)[None])
    amplitude[:, 0, 0] = 0.0
    # Complex Gaussian coefficients of the half spectrum (the spectrum of white noise), shaped by the amplitude.
    spectrum = rng.standard_normal((count, height, width // 2 + 1, 2)).view(np.complex128)[..., 0]
    fields = np.fft.irfft2(spectrum * amplitude, s=(height, width))
    low = fields.min(axis=(1, 2), keepdims=True)
    high = fields.max(axis=(1, 2), keepdims=True)
    return ((fields - low) / np.maximum(high - low, 1e-12)).astype(np.float32)


def _convex_polygon_distance(x, y, vertices):
    """Signed distance (negative inside; exact inside, a lower bound outside) to a convex polygon.

    ``x``, ``y``: (M, S, S) coordinates; ``vertices``: (M, V, 2) (x, y) in counter-clockwise order.
    """
    start = vertices
    end = np.roll(vertices, -1, axis=1)
    edge = end - start
    normal = np.stack([edge[..., 1], -edge[..., 0]], axis=-1)  # outward for counter-clockwise vertices
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    offsets = (normal * start).sum(-1)  # (M, V)
    distance = normal[:, :, 0, None, None] * x[:, None] + normal[:, :, 1, None, None] * y[:, None]
    return (distance - offsets[:, :, None, None]).max(axis=1)


def shape_masks(rng, count, size=SPRITE_SIZE):
    """Anti-aliased masks of random shapes (rectangle, ellipse, triangle, cross): (count, size, size) in [0, 1].

    Returns the masks and the shape index of each (into ``SHAPES``). Each shape
    spans most of the sprite, has its own random proportions and no rotational
    symmetry of order above 2 (the cross's bar is off-centre).
    """
    kinds = rng.integers(0, len(SHAPES), size=count)
    aspect = rng.uniform(0.35, 0.75, size=count)
    arm = rng.uniform(0.22, 0.38, size=count)
    half = (size - 1) / 2.0
    pixels = half - 1.0  # one pixel of margin for the anti-aliased edge
    axis = (np.arange(size, dtype=np.float32) - half) / pixels
    masks = np.empty((count, size, size), np.float32)
    for kind in range(len(SHAPES)):
        chosen = np.flatnonzero(kinds == kind)
        if not len(chosen):
            continue
        a = aspect[chosen, None, None].astype(np.float32)
        w = arm[chosen, None, None].astype(np.float32)
        y = np.broadcast_to(axis[None, :, None], (len(chosen), size, size))
        x = np.broadcast_to(axis[None, None, :], (len(chosen), size, size))
        if SHAPES[kind] == "rectangle":
            distance = np.maximum(np.abs(x) - 0.95, np.abs(y) - a * 0.95)
        elif SHAPES[kind] == "ellipse":
            distance = (np.sqrt((x / 0.95) ** 2 + (y / (a * 0.95)) ** 2) - 1.0) * a * 0.95
        elif SHAPES[kind] == "triangle":
            ones = np.ones(len(chosen))
            vertices = np.stack([
                np.stack([0.95 * aspect[chosen] + 0.2, 0.8 * ones], -1),
                np.stack([-0.95 * aspect[chosen] - 0.2, 0.8 * ones], -1),
                np.stack([0.0 * ones, -0.95 * ones], -1),
            ], axis=1)
            distance = _convex_polygon_distance(x, y, vertices.astype(np.float32))
        else:  # cross
            distance = np.minimum(
                np.maximum(np.abs(x) - 0.95, np.abs(y + 0.25) - w),
                np.maximum(np.abs(x) - w, np.abs(y) - 0.95),
            )
        masks[chosen] = np.clip(0.5 - distance * pixels, 0.0, 1.0)
    return masks, kinds


def digit_masks(digits, indices, size=SPRITE_SIZE):
    """MNIST digits ``digits[indices]`` (28 x 28 uint8) centred in ``size`` x ``size`` masks in [0, 1]."""
    images = digits[indices].astype(np.float32) / 255.0
    pad_before = (size - images.shape[1]) // 2
    pad_after = size - images.shape[1] - pad_before
    return np.pad(images, ((0, 0), (pad_before, pad_after), (pad_before, pad_after)))


# --------------------------------------------------------------------------- rendering
def shift_periodic(images, image_index, offsets):
    """Periodic images shifted by sub-pixel offsets, bilinear, wrapping around.

    Args:
        images: (M, H, W, C) float32 periodic images.
        image_index: (F,) which image each output frame shows.
        offsets: (F, 2) (row, column) shift of the content in pixels.

    Returns:
        (F, H, W, C) float32: frame f at pixel p is ``images[image_index[f]]`` at
        ``p - offsets[f]`` (modulo the image size), interpolated bilinearly.
    """
    _, height, width, channels = images.shape
    source = -np.asarray(offsets, np.float64)
    start = np.floor(source)
    fraction = (source - start).astype(np.float32)
    start = start.astype(np.int64)
    # Integer part: a window of the image tiled 2 x 2 (a strided view, one copy per frame).
    tiled = np.tile(images, (1, 2, 2, 1))
    windows = np.lib.stride_tricks.sliding_window_view(tiled, (height + 1, width + 1, channels), axis=(1, 2, 3))
    window = windows[np.asarray(image_index), start[:, 0] % height, start[:, 1] % width, 0]  # (F, H+1, W+1, C)
    # Fractional part: the same two-tap filter over the whole frame, rows then columns.
    fr = fraction[:, 0, None, None, None]
    fc = fraction[:, 1, None, None, None]
    top = window[:, :height]
    blended = top + fr * (window[:, 1:] - top)
    left = blended[:, :, :width]
    return left + fc * (blended[:, :, 1:] - left)


def half_pixel_phases(images):
    """(M, H, W, C) periodic images -> (M, 4, H, W, C): shifted by (0, 0), (0, 1/2), (1/2, 0), (1/2, 1/2) pixels.

    The same as ``shift_periodic`` at those offsets: a half-pixel shift is the
    mean of a pixel and its wrapped-around neighbour before it.
    """
    images = np.asarray(images, np.float32)
    out = np.empty((images.shape[0], 4) + images.shape[1:], np.float32)
    out[:, 0] = images

    def half_shift(source, axis, target):
        # target = (source + source shifted by one along axis, wrapping around) / 2, written in place
        first = [slice(None)] * source.ndim
        rest = list(first)
        first[axis], rest[axis] = slice(0, 1), slice(1, None)
        last = list(first)
        last[axis] = slice(-1, None)
        before = list(first)
        before[axis] = slice(None, -1)
        np.add(source[tuple(rest)], source[tuple(before)], out=target[tuple(rest)])
        np.add(source[tuple(first)], source[tuple(last)], out=target[tuple(first)])
        target *= np.float32(0.5)

    half_shift(images, 2, out[:, 1])  # columns
    half_shift(images, 1, out[:, 2])  # rows
    half_shift(out[:, 2], 2, out[:, 3])  # both
    return out


def upsample_twice(images):
    """(..., S, S) -> (..., 2S, 2S): bilinear at the new pixel centres (old coordinates i -/+ 1/4), zero outside."""
    images = np.asarray(images, np.float32)
    pad = [(0, 0)] * (images.ndim - 2)
    padded = np.pad(images, pad + [(1, 1), (0, 0)])
    rows = np.empty(images.shape[:-2] + (2 * images.shape[-2], images.shape[-1]), np.float32)
    rows[..., 0::2, :] = 0.75 * images + 0.25 * padded[..., :-2, :]
    rows[..., 1::2, :] = 0.75 * images + 0.25 * padded[..., 2:, :]
    padded = np.pad(rows, pad + [(0, 0), (1, 1)])
    out = np.empty(rows.shape[:-1] + (2 * rows.shape[-1],), np.float32)
    out[..., 0::2] = 0.75 * rows + 0.25 * padded[..., :-2]
    out[..., 1::2] = 0.75 * rows + 0.25 * padded[..., 2:]
    return out


def sprite_table(sprites, colors, value_scale=1.0):
    """The lookup table ``paint_sprites`` samples: (M (U + 2)^2, 4) float32, U = 2 S.

    ``sprites`` (M, 2, S, S): each sprite's alpha and alpha x texture. Both
    are upsampled twice (bilinear, zero outside) and padded with one
    transparent ring; entry ``m (U + 2)^2 + r (U + 2) + c`` holds ``(1 -
    alpha, alpha x texture x colour x value_scale)`` of sprite m at
    supersampled pixel (r, c). Sampling this table at the nearest
    supersampled pixel approximates bilinear sampling of the sprite to within
    a quarter of a sprite pixel, at the cost of one gather per screen pixel.
    """
    upsampled = upsample_twice(sprites)  # (M, 2, U, U)
    colors = np.asarray(colors, np.float32) * np.float32(value_scale)
    m, _, u, _ = upsampled.shape
    table = np.zeros((m, u + 2, u + 2, 4), np.float32)
    table[..., 0] = 1.0  # the transparent ring
    table[:, 1:-1, 1:-1, 0] -= upsampled[:, 0]
    for channel in range(3):
        table[:, 1:-1, 1:-1, 1 + channel] = upsampled[:, 1] * colors[:, channel, None, None]
    return table.reshape(-1, 4)


def content_half_extents(sprites):
    """(M, 2, S, S) sprites -> (M,) half-side, in sprite pixels, of the centred square holding all their alpha."""
    alpha = np.asarray(sprites)[:, 0] > 0
    size = alpha.shape[-1]
    distance = np.abs(np.arange(size) - (size - 1) / 2.0) + 1.0  # + 1: the pixel's half and the upsampling's spill
    rows = np.where(alpha.any(axis=2), distance, 0.0).max(axis=1)
    cols = np.where(alpha.any(axis=1), distance, 0.0).max(axis=1)
    return np.maximum(rows, cols)


def _window_coordinates(size, centers, angles, extents, side):
    """Supersampled sprite pixel (row, column) under each pixel of ``side`` x ``side`` windows.

    Returns the window origins (F, 2) and the integer rows and columns
    (F, B, B) into the padded table (0 and U + 1 are the transparent ring).
    """
    centers = np.asarray(centers, np.float64)
    origin = np.floor(centers).astype(np.int64) - side // 2  # (F, 2)
    grid = np.arange(side, dtype=np.float32)
    rel_r = (origin[:, 0] - centers[:, 0]).astype(np.float32)[:, None] + grid  # (F, B)
    rel_c = (origin[:, 1] - centers[:, 1]).astype(np.float32)[:, None] + grid
    inverse_scale = (2 * size / np.asarray(extents, np.float64)).astype(np.float32)[:, None]
    cos = np.cos(angles).astype(np.float32)[:, None] * inverse_scale
    sin = np.sin(angles).astype(np.float32)[:, None] * inverse_scale
    # Sprite coordinate x (pixel centres at 0 .. S - 1) -> supersampled pixel floor(2 (x + 1/2)) + 1 (padding).
    middle = np.float32(size + 1.0)
    # Inverse map of a counter-clockwise rotation on screen (rows grow downwards), as outer sums.
    src_c = (cos * rel_c + middle)[:, None, :] - (sin * rel_r)[:, :, None]
    src_r = (sin * rel_c)[:, None, :] + (cos * rel_r + middle)[:, :, None]
    limit = np.float32(2 * size + 1)
    for coordinate in (src_r, src_c):  # clip to the padded table (np.clip is slower than the two ufuncs)
        np.maximum(coordinate, np.float32(0.0), out=coordinate)
        np.minimum(coordinate, limit, out=coordinate)
    return origin, src_r.astype(np.int32), src_c.astype(np.int32)  # truncation is floor: both are >= 0


def paint_sprites(canvas, table, sprite_index, centers, angles, extents, half_extents=None, sprite_size=SPRITE_SIZE,
                  bucket=4):
    """Composite rotated, scaled sprites onto periodic canvases, in place.

    Args:
        canvas: (F, H, W, 3) C-contiguous frames, float32 in [0, 1] or uint8 (0..255;
            then ``table`` holds colours on that scale), modified in place.
        table: ``sprite_table(sprites, colors)`` of M sprites (colours on the canvas's scale).
        sprite_index: (F,) which sprite to paint on each frame.
        centers: (F, 2) (row, column) of the sprite's centre in pixels (wrapped around the frame).
        angles: (F,) counter-clockwise rotation on screen in radians.
        extents: (F,) side of the sprite's square on screen in pixels.
        half_extents: optional (M,) ``content_half_extents`` of the sprites: their
            alpha lies within this many sprite pixels of the centre (default S / 2).
        sprite_size: S, the side of the sprites.
        bucket: window sides are rounded up to a multiple of this.

    Frame f's sprite covers ``extents[f] * (|cos| + |sin|)`` pixels each way
    (less where ``half_extents`` says its content is smaller than the square);
    frames are grouped by that window side (rounded up to ``bucket``) and each
    group is painted at once: one gather from the table per pixel (its nearest
    supersampled sprite pixel), ``canvas * (1 - alpha) + colour * alpha *
    texture``, rounded to integers for uint8 frames.
    """
    num_frames, height, width, _ = canvas.shape
    if not canvas.flags.c_contiguous:
        raise ValueError("canvas must be C-contiguous (it is modified in place through a flat view)")
    sprite_index = np.asarray(sprite_index, np.int64)
    centers = np.asarray(centers, np.float64)
    angles = np.asarray(angles, np.float64)
    extents = np.asarray(extents, np.float64)
    reach = extents * (np.abs(np.cos(angles)) + np.abs(np.sin(angles)))
    if half_extents is not None:
        reach *= np.asarray(half_extents, np.float64)[sprite_index] * (2.0 / sprite_size)
    # A window of side B starting at floor(centre) - B // 2 reaches at least B / 2 - 2 pixels past the centre.
    sides = np.minimum(np.ceil((np.ceil(reach) + 4) / bucket) * bucket, min(height, width)).astype(np.int64)
    # Each pixel (its 3 channels) as one opaque item: gathering and scattering whole pixels with np.take and
    # np.put is several times faster than fancy indexing of (P, 3) rows.
    pixel_type = np.dtype((np.void, 3 * canvas.itemsize))
    pixels = canvas.reshape(num_frames * height * width, 3).view(pixel_type).reshape(-1)
    stride = 2 * sprite_size + 2
    for side in np.unique(sides):
        frames = np.flatnonzero(sides == side)
        origin, src_r, src_c = _window_coordinates(
            sprite_size, centers[frames], angles[frames], extents[frames], int(side))
        entry = src_r.astype(np.intp)
        entry *= stride
        entry += src_c
        entry += (sprite_index[frames] * (stride * stride))[:, None, None]
        sample = np.take(table, entry, axis=0)  # (F, B, B, 4): 1 - alpha, premultiplied colour
        keep = sample[..., 0]
        rows = (origin[:, 0, None] + np.arange(side)) % height
        cols = (origin[:, 1, None] + np.arange(side)) % width
        where = (frames * (height * width))[:, None, None] + (rows * width)[:, :, None] + cols[:, None, :]
        under = np.take(pixels, where).view(canvas.dtype).reshape(where.shape + (3,))  # (F, B, B, 3)
        for channel in range(3):  # one contiguous plane at a time: long inner loops
            plane = under[..., channel].astype(np.float32)
            plane *= keep
            plane += sample[..., 1 + channel]
            if canvas.dtype == np.uint8:
                np.rint(plane, out=plane)
            under[..., channel] = plane
        np.put(pixels, where, under.view(pixel_type))
    return canvas
