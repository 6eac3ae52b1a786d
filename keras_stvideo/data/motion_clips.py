"""Generated action clips: a video set whose label is the motion, not the appearance.

Each clip shows a textured, periodic background (a "world") that drifts in a
random direction, with clutter objects painted on it, and one or more *actor*
objects (textured shapes or MNIST digits) on top. The actors perform the
class's motion, in screen coordinates: translate left, right, up or down,
zoom in or out, or rotate counter-clockwise or clockwise (the six of KTH in
spirit: one motion per class). Nuisances: the speed of the motion, the
background's drift, camera jitter (the same random per-frame shift of the
whole picture), the clutter, the colours, textures, shapes and sizes.

Every frame, taken at a random time, has the same distribution whatever the
class, so the class cannot be read from any single frame:

- positions live on a torus (the frame wraps around, as the periodic
  background does) and start uniformly, so a translating actor is uniformly
  placed in every frame, as a still one is;
- orientations start uniformly in [0, 2 pi), so a rotating actor is uniformly
  oriented in every frame, as a still one is;
- the actor's log-size at frame t is ``log s + r (t - (T - 1) / 2)`` when it
  zooms (r the per-frame zoom rate, negative for zoom out), and
  ``log s + r (tau - (T - 1) / 2)`` with a uniformly drawn frame ``tau`` when
  it does not, so the size of a frame taken at a random time has the same
  distribution in every class. (At a *fixed* time away from the middle, the
  size is a weak hint of the zoom direction: the first frames of zoom-in clips
  are smaller on average.)

All frames of a batch are rendered with numpy, without a Python loop over
pixels: the world moves on a half-pixel grid, so each clip's world is shifted
by half a pixel (bilinear, periodic) along none, one or both axes once, and
every frame is a wrapped-around integer window of one of those four images
(four block copies per frame); each actor is one lookup per pixel, over a
window around it, in a table of its sprite upsampled twice (the nearest supersampled pixel: within a
quarter of a sprite pixel of bilinear sampling). The result is quantised to uint8, so the same
seed gives byte-identical clips, and ``write`` stores them losslessly (FFV1 in
AVI) so that ``read_video`` returns exactly ``generate``'s bytes.

Example:
    >>> clips = MotionClips(seed=0)
    >>> x, y = clips.generate(8)  # doctest: +SKIP
    >>> x.shape, x.dtype, clips.class_names  # doctest: +SKIP
    ((8, 16, 64, 64, 3), dtype('uint8'), ['MoveLeft', 'MoveRight', 'MoveUp', 'MoveDown', 'ZoomIn', 'ZoomOut'])
"""

import dataclasses
import math
import os
import pathlib
import shutil
import tempfile

import keras
import numpy as np

from keras_stvideo.training.epochs import EpochCounter

MOTIONS = ("left", "right", "up", "down", "zoom_in", "zoom_out", "rotate_ccw", "rotate_cw")
DEFAULT_MOTIONS = MOTIONS[:6]
CLASS_NAMES = {
    "left": "MoveLeft",
    "right": "MoveRight",
    "up": "MoveUp",
    "down": "MoveDown",
    "zoom_in": "ZoomIn",
    "zoom_out": "ZoomOut",
    "rotate_ccw": "RotateCounterClockwise",
    "rotate_cw": "RotateClockwise",
}
# Unit (row, column) direction of each translation on screen (rows grow downwards).
_DIRECTIONS = {"left": (0.0, -1.0), "right": (0.0, 1.0), "up": (-1.0, 0.0), "down": (1.0, 0.0)}
OBJECTS = ("mixed", "shapes", "digits")
SHAPES = ("rectangle", "ellipse", "triangle", "cross")
CODECS = ("ffv1", "mjpeg")
SPRITE_SIZE = 32  # side of the sprites every object is drawn from, in pixels
_DRAW_CHUNK = 256  # clips whose parameters are drawn at a time
_CHUNK_FRAMES = 512  # frames rendered at a time: bounds the temporaries' memory


def _check_range(name, value, low, high=math.inf, low_open=False):
    try:
        start, stop = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (min, max), got {value!r}") from None
    below = start <= low if low_open else start < low
    if not start <= stop or below or stop > high:
        bracket = "(" if low_open else "["
        raise ValueError(f"{name} must satisfy min <= max within {bracket}{low}, {high}], got {value!r}")
    return start, stop


# --------------------------------------------------------------------- textures and sprites
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


@dataclasses.dataclass
class ClipParameters:
    """Everything drawn for N clips of T frames with A actors and C clutter objects.

    Attributes:
        labels: (N,) class labels (indices into the generator's ``motions``).
        background: (N, H, W) periodic noise in [0, 1] (the world's texture).
        background_colors: (N, 2, 3) the colours noise 0 and 1 map to.
        world_offsets: (N, T, 2) (row, column) shift of the world (drift plus jitter) per frame.
        sprites: (N, A + C, 2, S, S) each object's alpha mask and alpha times texture.
        sprite_colors: (N, A + C, 3).
        is_digit: (N, A + C) whether the object is an MNIST digit (else a shape).
        clutter_centers, clutter_angles, clutter_extents: (N, C, 2), (N, C), (N, C) on the world.
        actor_centers, actor_angles, actor_extents: (N, T, A, 2), (N, T, A), (N, T, A) on screen.
        speeds: (N,) the actors' speed in pixels per frame (translations).
        rotation_rates: (N,) signed rotation in radians per frame (0 unless rotating).
        zoom_rates: (N,) signed change of log-size per frame (0 unless zooming).
    """

    labels: np.ndarray
    background: np.ndarray
    background_colors: np.ndarray
    world_offsets: np.ndarray
    sprites: np.ndarray
    sprite_colors: np.ndarray
    is_digit: np.ndarray
    clutter_centers: np.ndarray
    clutter_angles: np.ndarray
    clutter_extents: np.ndarray
    actor_centers: np.ndarray
    actor_angles: np.ndarray
    actor_extents: np.ndarray
    speeds: np.ndarray
    rotation_rates: np.ndarray
    zoom_rates: np.ndarray

    def select(self, index):
        """The parameters of the clips ``index`` (a slice or index array) picks."""
        return dataclasses.replace(self, **{f.name: getattr(self, f.name)[index] for f in dataclasses.fields(self)})


class MotionClips:
    """Generator of motion-labelled clips: the class is the motion, never the look of a frame.

    Args:
        frame_size: side of the square frames, or (height, width) (64; 112 for C3D).
        num_frames: frames per clip (16).
        motions: the classes, in label order, among ``MOTIONS``: "left", "right",
            "up", "down", "zoom_in", "zoom_out", "rotate_ccw", "rotate_cw"
            (default the first six).
        objects: "mixed" (each object a shape or an MNIST digit, even odds),
            "shapes" or "digits".
        num_actors: objects performing the motion (1).
        num_clutter: still objects painted on the drifting background (2).
        actor_size_range: (min, max) side of an object's sprite square, as a
            fraction of the frame's smaller side, at the middle of the clip ((0.3, 0.45)).
        speed_range: (min, max) translation speed in pixels per frame
            (default (2, 4) x side / 64).
        zoom_range: (min, max) total zoom factor over the clip ((1.5, 2.2)):
            the actor's side grows (zoom in) or shrinks (zoom out) by this factor
            from the first frame to the last.
        rotation_range: (min, max) rotation in radians per frame ((0.1, 0.25));
            below pi / 4 so that the direction is never ambiguous.
        background_speed_range: (min, max) speed of the background's drift in
            pixels per frame, in a uniformly random direction (default (0, 0.5) x side / 64).
        jitter: standard deviation of the camera's per-frame shake in pixels
            (default 0.5 x side / 64).
        digits: (K, 28, 28) uint8 digit images; default the 10,000 MNIST test
            digits embedded in the package (their labels play no part).
        seed: integer seed; the same seed gives byte-identical clips.
    """

    def __init__(
        self,
        frame_size=64,
        num_frames=16,
        motions=DEFAULT_MOTIONS,
        objects="mixed",
        num_actors=1,
        num_clutter=2,
        actor_size_range=(0.3, 0.45),
        speed_range=None,
        zoom_range=(1.5, 2.2),
        rotation_range=(0.1, 0.25),
        background_speed_range=None,
        jitter=None,
        digits=None,
        seed=None,
    ):
        if isinstance(frame_size, (int, np.integer)):
            frame_size = (int(frame_size), int(frame_size))
        try:
            height, width = (int(v) for v in frame_size)
        except (TypeError, ValueError):
            raise ValueError(f"frame_size must be an integer or (height, width), got {frame_size!r}") from None
        if height < 16 or width < 16:
            raise ValueError(f"frame_size must be at least 16 pixels each way, got {frame_size!r}")
        if not isinstance(num_frames, (int, np.integer)) or num_frames < 2:
            raise ValueError(f"num_frames must be an integer of at least 2, got {num_frames!r}")
        if isinstance(motions, str):
            motions = (motions,)
        motions = tuple(motions)
        unknown = [m for m in motions if m not in MOTIONS]
        if unknown or len(motions) < 2 or len(set(motions)) != len(motions):
            raise ValueError(f"motions must be at least two distinct names among {MOTIONS}, got {motions!r}")
        if objects not in OBJECTS:
            raise ValueError(f"objects must be one of {OBJECTS}, got {objects!r}")
        for name, value in (("num_actors", num_actors), ("num_clutter", num_clutter)):
            if not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
        if num_actors < 1:
            raise ValueError(f"num_actors must be at least 1, got {num_actors!r}")
        side = min(height, width)
        self.frame_size = (height, width)
        self.num_frames = int(num_frames)
        self.motions = motions
        self.objects = objects
        self.num_actors = int(num_actors)
        self.num_clutter = int(num_clutter)
        self.actor_size_range = _check_range("actor_size_range", actor_size_range, 0.0, 1.0, low_open=True)
        self.zoom_range = _check_range("zoom_range", zoom_range, 1.0, low_open=True)
        largest = self.actor_size_range[1] * math.sqrt(self.zoom_range[1]) * math.sqrt(2.0)
        if largest > 1.0:
            raise ValueError(
                "actor_size_range and zoom_range make an actor's rotated square larger than the frame: "
                f"max size x sqrt(max zoom) x sqrt(2) must be <= 1, got {largest:.3f} "
                f"(actor_size_range={actor_size_range!r}, zoom_range={zoom_range!r})"
            )
        if speed_range is None:
            speed_range = (2.0 * side / 64, 4.0 * side / 64)
        if background_speed_range is None:
            background_speed_range = (0.0, 0.5 * side / 64)
        if jitter is None:
            jitter = 0.5 * side / 64
        self.speed_range = _check_range("speed_range", speed_range, 0.0, low_open=True)
        self.rotation_range = _check_range("rotation_range", rotation_range, 0.0, math.pi / 4, low_open=True)
        self.background_speed_range = _check_range("background_speed_range", background_speed_range, 0.0)
        if not np.isfinite(jitter) or jitter < 0:
            raise ValueError(f"jitter must be a non-negative number of pixels, got {jitter!r}")
        self.jitter = float(jitter)
        if digits is None and objects != "shapes":
            from keras_stvideo.data.mnist import load_embedded_digits

            (train_digits, _), (test_digits, _) = load_embedded_digits()
            digits = np.concatenate([train_digits, test_digits])
        if digits is not None:
            digits = np.asarray(digits)
            if digits.ndim != 3 or digits.shape[1] > SPRITE_SIZE or digits.shape[2] != digits.shape[1]:
                raise ValueError(f"digits must have shape (K, 28, 28), got {digits.shape}")
        self.digits = digits
        self.seed = seed

    def get_config(self):
        """The constructor's arguments (without ``digits``), e.g. to record the task beside results."""
        return {
            "frame_size": list(self.frame_size),
            "num_frames": self.num_frames,
            "motions": list(self.motions),
            "objects": self.objects,
            "num_actors": self.num_actors,
            "num_clutter": self.num_clutter,
            "actor_size_range": list(self.actor_size_range),
            "speed_range": list(self.speed_range),
            "zoom_range": list(self.zoom_range),
            "rotation_range": list(self.rotation_range),
            "background_speed_range": list(self.background_speed_range),
            "jitter": self.jitter,
            "seed": self.seed,
        }

    def train_test(self, num_train, num_test, seed=None, dtype="float32"):
        """A training and a test set from two separate streams of one seed: ``((x, y), (x_test, y_test))``.

        The training clips are ``generate(num_train, seed=[seed, 0])`` and the test
        clips ``generate(num_test, seed=[seed, 1])`` (``seed`` defaults to the
        generator's, else 0), so the two never share a clip.
        """
        seed = (self.seed if self.seed is not None else 0) if seed is None else seed
        base = list(seed) if isinstance(seed, (list, tuple)) else [seed]
        return (self.generate(num_train, seed=base + [0], dtype=dtype),
                self.generate(num_test, seed=base + [1], dtype=dtype))

    @property
    def num_classes(self):
        return len(self.motions)

    @property
    def class_names(self):
        """UCF101-style CamelCase names of the classes, in label order."""
        return [CLASS_NAMES[m] for m in self.motions]

    # ------------------------------------------------------------------------- drawing
    def sample_parameters(self, num_clips, rng=None, labels=None):
        """Draw the look and the motion of ``num_clips`` clips (labels uniform unless given)."""
        if not isinstance(num_clips, (int, np.integer)) or num_clips < 0:
            raise ValueError(f"num_clips must be a non-negative integer, got {num_clips!r}")
        rng = np.random.default_rng(self.seed) if rng is None else rng
        n, t = int(num_clips), self.num_frames
        height, width = self.frame_size
        side = min(height, width)
        actors, clutter = self.num_actors, self.num_clutter
        objects = actors + clutter
        if labels is None:
            labels = rng.integers(0, self.num_classes, size=n)
        else:
            labels = np.asarray(labels)
            if labels.shape != (n,) or labels.min(initial=0) < 0 or labels.max(initial=0) >= self.num_classes:
                raise ValueError(f"labels must be {n} integers in [0, {self.num_classes}), got {labels!r}")
            labels = labels.astype(np.int64)
        motion = np.asarray(self.motions)[labels]

        # The world: periodic texture, two colours, drift and camera jitter.
        background = periodic_noise(rng, n, height, width, rng.uniform(1.2, 2.2, size=n))
        base = rng.uniform(0.1, 0.9, size=(n, 1, 3))
        background_colors = np.clip(base + rng.uniform(-0.3, 0.3, size=(n, 2, 3)), 0.0, 1.0).astype(np.float32)
        drift_speed = rng.uniform(*self.background_speed_range, size=n)
        drift_angle = rng.uniform(0.0, 2.0 * math.pi, size=n)
        drift = np.stack([np.sin(drift_angle), np.cos(drift_angle)], axis=-1) * drift_speed[:, None]
        jitter = rng.normal(0.0, self.jitter, size=(n, t, 2)) if self.jitter > 0 else np.zeros((n, t, 2))
        frames = np.arange(t, dtype=np.float64)
        # The world moves on a half-pixel grid (render shifts it by whole pixels
        # between four half-pixel phases); the actors move continuously.
        world_offsets = np.rint(2.0 * (drift[:, None, :] * frames[None, :, None] + jitter)) / 2.0

        # Objects: shape or digit masks, textures, colours.
        sprite_count = n * objects
        if self.objects == "shapes":
            is_digit = np.zeros(sprite_count, bool)
        elif self.objects == "digits":
            is_digit = np.ones(sprite_count, bool)
        else:
            is_digit = rng.random(sprite_count) < 0.5
        masks = np.empty((sprite_count, SPRITE_SIZE, SPRITE_SIZE), np.float32)
        masks[~is_digit] = shape_masks(rng, int((~is_digit).sum()))[0]
        if is_digit.any():
            masks[is_digit] = digit_masks(self.digits, rng.integers(0, len(self.digits), size=int(is_digit.sum())))
        # Each object's texture: a random window of its clip's background noise, transposed and at twice
        # the frequency (every second pixel): cheap, and unlike the background behind it.
        start = rng.integers(0, 1 << 30, size=(sprite_count, 2))
        steps = 2 * np.arange(SPRITE_SIZE)
        clip_of_sprite = np.repeat(np.arange(n), objects)
        texture = background[clip_of_sprite[:, None, None],
                             ((start[:, 1, None] + steps) % height)[:, None, :],
                             ((start[:, 0, None] + steps) % width)[:, :, None]]
        sprites = np.stack([masks, masks * (0.45 + 0.55 * texture)], axis=1)
        sprites = sprites.reshape(n, objects, 2, SPRITE_SIZE, SPRITE_SIZE)
        sprite_colors = rng.uniform(0.0, 1.0, size=(n, objects, 3)).astype(np.float32)
        is_digit = is_digit.reshape(n, objects)

        # Sizes: log-uniform at the middle of the clip; every object's log-size is
        # shifted by rate * (tau - middle), tau the frame for zooming actors, a
        # uniformly drawn frame for the others (see the module docstring).
        low, high = self.actor_size_range
        middle = (t - 1) / 2.0
        zoom_rate = np.log(rng.uniform(*self.zoom_range, size=n)) / (t - 1)
        zoom_sign = np.where(motion == "zoom_in", 1.0, np.where(motion == "zoom_out", -1.0, 0.0))
        log_size = np.log(side * rng.uniform(low, high, size=(n, objects)))
        still_frame = rng.integers(0, t, size=(n, objects)).astype(np.float64)
        still_sign = rng.choice([-1.0, 1.0], size=(n, objects))
        still_size = np.exp(log_size + still_sign * zoom_rate[:, None] * (still_frame - middle))
        clutter_extents = still_size[:, actors:]
        zooming = zoom_sign != 0
        actor_log_size = np.where(
            zooming[:, None, None],
            log_size[:, None, :actors] + (zoom_sign * zoom_rate)[:, None, None] * (frames - middle)[None, :, None],
            np.log(still_size[:, None, :actors]) + 0.0 * frames[None, :, None],
        )
        actor_extents = np.exp(actor_log_size)

        # Orientations: uniform; rotating actors turn at a signed rate.
        angles0 = rng.uniform(0.0, 2.0 * math.pi, size=(n, objects))
        rotation_sign = np.where(motion == "rotate_ccw", 1.0, np.where(motion == "rotate_cw", -1.0, 0.0))
        rotation_rate = rotation_sign * rng.uniform(*self.rotation_range, size=n)
        actor_angles = angles0[:, None, :actors] + rotation_rate[:, None, None] * frames[None, :, None]
        clutter_angles = angles0[:, actors:]

        # Positions: uniform on the torus; translating actors move at a constant speed.
        size_array = np.array([height, width], np.float64)
        start = rng.uniform(0.0, 1.0, size=(n, objects, 2)) * size_array
        speed = rng.uniform(*self.speed_range, size=n)
        direction = np.array([_DIRECTIONS.get(m, (0.0, 0.0)) for m in motion]).reshape(n, 2)
        velocity = direction * speed[:, None]
        actor_centers = (start[:, None, :actors] + velocity[:, None, None, :] * frames[None, :, None, None]
                         + jitter[:, :, None, :]) % size_array
        clutter_centers = start[:, actors:]
        translating = np.abs(direction).sum(-1) > 0
        return ClipParameters(
            labels=labels,
            background=background,
            background_colors=background_colors,
            world_offsets=world_offsets,
            sprites=sprites.astype(np.float32),
            sprite_colors=sprite_colors,
            is_digit=is_digit,
            clutter_centers=clutter_centers,
            clutter_angles=clutter_angles,
            clutter_extents=clutter_extents,
            actor_centers=actor_centers,
            actor_angles=actor_angles,
            actor_extents=actor_extents,
            speeds=np.where(translating, speed, 0.0),
            rotation_rates=rotation_rate,
            zoom_rates=zoom_sign * zoom_rate,
        )

    # ----------------------------------------------------------------------- rendering
    def render_worlds(self, params):
        """The world of each clip: coloured periodic background with the clutter painted on, (N, H, W, 3) float32."""
        n = len(params.labels)
        colors = params.background_colors
        world = np.empty(params.background.shape + (3,), np.float32)
        for channel in range(3):
            low = colors[:, 0, channel, None, None]
            world[..., channel] = low + params.background * (colors[:, 1, channel, None, None] - low)
        actors = self.num_actors
        if self.num_clutter:
            slots = np.arange(actors, actors + self.num_clutter)
            sprites = params.sprites[:, slots].reshape(-1, 2, SPRITE_SIZE, SPRITE_SIZE)
            table = sprite_table(sprites, params.sprite_colors[:, slots].reshape(-1, 3))
            half_extents = content_half_extents(sprites)
            for k in range(self.num_clutter):  # one at a time: later clutter covers earlier
                paint_sprites(world, table, np.arange(n) * self.num_clutter + k,
                              params.clutter_centers[:, k], params.clutter_angles[:, k], params.clutter_extents[:, k],
                              half_extents)
        return world

    def render(self, params):
        """Render clips from ``params``: (N, T, H, W, 3) uint8.

        Each clip's world is shifted by a half pixel along none, one or both axes
        once (bilinear, periodic) and quantised to uint8; every frame is then an
        integer, wrapped-around window of one of these four images (its world
        offset lies on the half-pixel grid), and the actors are blended on top.
        """
        n, t = len(params.labels), self.num_frames
        height, width = self.frame_size
        out = np.empty((n, t, height, width, 3), np.uint8)
        clips_per_chunk = max(1, _CHUNK_FRAMES // t)
        for begin in range(0, n, clips_per_chunk):
            chunk = params.select(slice(begin, begin + clips_per_chunk))
            m = len(chunk.labels)
            world = self.render_worlds(chunk)
            phased = half_pixel_phases(world)  # (m, 4, H, W, 3), in [0, 1]: convex mixtures of colours
            phased *= np.float32(255.0)
            np.rint(phased, out=phased)
            images = phased.astype(np.uint8).reshape(4 * m, height, width, 3)
            offsets = chunk.world_offsets.reshape(m * t, 2)
            whole = np.floor(offsets)
            half = np.rint((offsets - whole) * 2).astype(np.int64)  # 0 or 1: the half-pixel phase
            whole = whole.astype(np.int64)
            clip_of_frame = np.repeat(np.arange(m), t)
            image = clip_of_frame * 4 + half[:, 0] * 2 + half[:, 1]
            frames = out[begin : begin + m].reshape(m * t, height, width, 3)  # a view: painted in place
            # Frame f shows image[f] rolled by the whole offset: four block copies (the wrap-around's quadrants)
            # straight into the output, cheaper than tiling the images and gathering windows.
            for f, (i, r, c) in enumerate(zip(image.tolist(), ((-whole[:, 0]) % height).tolist(),
                                              ((-whole[:, 1]) % width).tolist())):
                source, target = images[i], frames[f]
                target[: height - r, : width - c] = source[r:, c:]
                target[: height - r, width - c :] = source[r:, :c]
                target[height - r :, : width - c] = source[:r, c:]
                target[height - r :, width - c :] = source[:r, :c]
            sprites = chunk.sprites[:, : self.num_actors].reshape(-1, 2, SPRITE_SIZE, SPRITE_SIZE)
            table = sprite_table(sprites, chunk.sprite_colors[:, : self.num_actors].reshape(-1, 3), 255.0)
            half_extents = content_half_extents(sprites)
            for k in range(self.num_actors):
                paint_sprites(
                    frames,
                    table,
                    clip_of_frame * self.num_actors + k,
                    chunk.actor_centers[:, :, k].reshape(m * t, 2),
                    chunk.actor_angles[:, :, k].reshape(m * t),
                    chunk.actor_extents[:, :, k].reshape(m * t),
                    half_extents,
                )
        return out

    def generate(self, num_clips, seed=None, labels=None, dtype="uint8", return_parameters=False):
        """Generate ``num_clips`` clips.

        Args:
            num_clips: how many.
            seed: overrides the generator's seed (an integer or a sequence of integers).
            labels: optional (num_clips,) labels to generate; default uniform.
            dtype: "uint8" (0..255) or "float32" (the same values / 255, in [0, 1]).
            return_parameters: also return the ``ClipParameters``.

        Returns:
            ``(x, y)``: x (N, T, H, W, 3), y (N,) int64 labels; with
            ``return_parameters`` also the parameters.
        """
        if dtype not in ("uint8", "float32"):
            raise ValueError(f"dtype must be 'uint8' or 'float32', got {dtype!r}")
        if not isinstance(num_clips, (int, np.integer)) or num_clips < 0:
            raise ValueError(f"num_clips must be a non-negative integer, got {num_clips!r}")
        height, width = self.frame_size
        x = np.empty((num_clips, self.num_frames, height, width, 3), np.uint8 if dtype == "uint8" else np.float32)
        y = np.empty(num_clips, np.int64)
        drawn = []
        for begin, params in self._chunks(num_clips, seed, labels):
            clips = self.render(params)
            end = begin + len(clips)
            x[begin:end] = clips if dtype == "uint8" else clips.astype(np.float32) / np.float32(255.0)
            y[begin:end] = params.labels
            if return_parameters:
                drawn.append(params)
        if return_parameters:
            if not drawn:
                drawn = [self.sample_parameters(0)]
            params = ClipParameters(**{f.name: np.concatenate([getattr(p, f.name) for p in drawn])
                                       for f in dataclasses.fields(ClipParameters)})
            return x, y, params
        return x, y

    def _chunks(self, num_clips, seed, labels):
        """``(first clip, ClipParameters)`` for successive chunks of clips, drawn from one generator in turn.

        Drawing a chunk at a time bounds the memory the parameters take; ``generate``
        and ``write`` both draw this way, so they make the same clips from a seed.
        """
        rng = np.random.default_rng(self.seed if seed is None else seed)
        if labels is not None:
            labels = np.asarray(labels)
            if labels.shape != (num_clips,):
                raise ValueError(f"labels must have shape ({num_clips},), got {labels.shape}")
        for begin in range(0, num_clips, _DRAW_CHUNK):
            end = min(begin + _DRAW_CHUNK, num_clips)
            yield begin, self.sample_parameters(end - begin, rng=rng,
                                                labels=None if labels is None else labels[begin:end])

    def balanced_labels(self, clips_per_class):
        """Labels with ``clips_per_class`` clips of every class, class by class."""
        if not isinstance(clips_per_class, (int, np.integer)) or clips_per_class < 1:
            raise ValueError(f"clips_per_class must be a positive integer, got {clips_per_class!r}")
        return np.repeat(np.arange(self.num_classes), clips_per_class)

    # ------------------------------------------------------------------------- writing
    def write(self, root, clips_per_class=20, clips_per_group=5, num_splits=3, seed=None, codec="ffv1", fps=25,
              progress=None):
        """Write a set to ``root`` as video files laid out like UCF101, with its index.

        Writes ``root/videos/<Class>/v_<Class>_gXX_cYY.avi`` (lossless FFV1, or
        MJPEG), ``root/splits/classInd.txt``, ``trainlist0k.txt`` and
        ``testlist0k.txt`` in the official UCF101 format for k = 1 ..
        ``num_splits``, and ``root/index.json`` (a ``VideoIndex`` with splits
        "split1", ...). Clip ``j`` of a class belongs to group ``j //
        clips_per_group + 1``; as in UCF101, split k tests a block of groups (a
        quarter of them for three splits) and trains on the rest. Groups only
        number the clips: clips in a group share nothing.

        Everything is written into a temporary folder next to ``root`` that is
        renamed to ``root`` when complete; ``root`` must not exist yet.

        Returns:
            the ``VideoIndex``.
        """
        from keras_stvideo.data.video_index import VideoEntry, VideoIndex

        root = pathlib.Path(root)
        if codec not in CODECS:
            raise ValueError(f"codec must be one of {CODECS}, got {codec!r}")
        if not isinstance(clips_per_group, (int, np.integer)) or clips_per_group < 1:
            raise ValueError(f"clips_per_group must be a positive integer, got {clips_per_group!r}")
        if not isinstance(num_splits, (int, np.integer)) or not 1 <= num_splits <= 9:
            raise ValueError(f"num_splits must be an integer in [1, 9], got {num_splits!r}")
        labels = self.balanced_labels(clips_per_class)
        groups = math.ceil(clips_per_class / clips_per_group)
        if groups < num_splits + 1:
            raise ValueError(
                f"clips_per_class={clips_per_class} and clips_per_group={clips_per_group} give {groups} groups; "
                f"num_splits={num_splits} needs at least {num_splits + 1} (each split tests a block of groups)"
            )
        if groups > 99:
            raise ValueError(f"at most 99 groups per class (UCF101 file names), got {groups}")
        if root.exists():
            raise ValueError(f"root must not exist yet (nothing is overwritten), got existing {root}")
        check_writable(root)
        block = max(1, groups // (num_splits + 1))
        root.parent.mkdir(parents=True, exist_ok=True)
        tmp = pathlib.Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}.", suffix=".part"))
        try:
            entries = []
            for begin, params in self._chunks(len(labels), seed, labels):
                clips = self.render(params)
                for offset, (clip, label) in enumerate(zip(clips, params.labels)):
                    j = begin + offset - label * clips_per_class
                    group, number = j // clips_per_group + 1, j % clips_per_group + 1
                    name = self.class_names[label]
                    relative = f"{name}/v_{name}_g{group:02d}_c{number:02d}.avi"
                    write_video_file(tmp / "videos" / relative, clip, codec=codec, fps=fps)
                    splits = {
                        f"split{k}": "test" if (k - 1) * block < group <= k * block else "train"
                        for k in range(1, num_splits + 1)
                    }
                    entries.append(VideoEntry(relative, int(label), splits, group=f"{group:02d}"))
                if progress is not None:
                    progress(len(clips))
            split_dir = tmp / "splits"
            split_dir.mkdir()
            (split_dir / "classInd.txt").write_text(
                "".join(f"{i + 1} {name}\n" for i, name in enumerate(self.class_names)))
            for k in range(1, num_splits + 1):
                train = [e for e in entries if e.splits[f"split{k}"] == "train"]
                test = [e for e in entries if e.splits[f"split{k}"] == "test"]
                (split_dir / f"trainlist0{k}.txt").write_text(
                    "".join(f"{e.path} {e.label + 1}\n" for e in train))
                (split_dir / f"testlist0{k}.txt").write_text("".join(f"{e.path}\n" for e in test))
            index = VideoIndex(root.resolve() / "videos", self.class_names, entries, name="motion_clips")
            index.save(tmp / "index.json")
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes the folder private
            tmp.rename(root)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return index


def check_writable(path):
    """Raise ValueError unless a file or folder can be created at ``path`` (its nearest existing parent is writable)."""
    path = pathlib.Path(path).absolute()
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write {path}: {parent} is not a writable folder")


def write_video_file(path, frames, codec="ffv1", fps=25):
    """Write (T, H, W, 3) uint8 frames as an AVI: FFV1 (lossless RGB) or MJPEG (lossy, smaller).

    Written with PyAV directly, one encoder thread: the same frames give the
    same bytes.
    """
    import av

    if codec not in CODECS:
        raise ValueError(f"codec must be one of {CODECS}, got {codec!r}")
    frames = np.asarray(frames, np.uint8)
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"frames must have shape (T, H, W, 3), got {frames.shape}")
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format="avi") as container:
        stream = container.add_stream(codec, rate=int(fps))
        stream.width, stream.height = frames.shape[2], frames.shape[1]
        stream.pix_fmt = {"ffv1": "bgr0", "mjpeg": "yuvj444p"}[codec]
        stream.codec_context.thread_type = "NONE"
        stream.codec_context.thread_count = 1
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


class MotionClipsSequence(EpochCounter, keras.utils.PyDataset):
    """Batches of motion clips generated on the fly for ``model.fit``, new clips every epoch.

    Batch ``i`` of epoch ``e`` is generated from the seed ``(seed, e, i)``
    (``(seed, i)`` with ``fresh_each_epoch=False``), so it does not depend on the
    order batches are fetched in. ``model.fit`` moves the epoch through
    ``on_epoch_begin`` (``EpochCounter``); a fit resumed at epoch k draws epoch
    k's clips when given ``DatasetEpochSync(sequence)``. Fresh clips need the
    default single worker (a worker pool fetches before the epoch moves).

    Args:
        generator: a ``MotionClips``.
        num_clips: clips per epoch.
        batch_size: clips per batch.
        seed: base seed.
        dtype: "float32" (in [0, 1]) or "uint8".
        one_hot: one-hot labels instead of integers.
        fresh_each_epoch: new clips every epoch (default) instead of the same ones.

    Example:
        >>> data = MotionClipsSequence(MotionClips(), num_clips=512, batch_size=32)  # doctest: +SKIP
        >>> model.fit(data, epochs=5)  # doctest: +SKIP
    """

    def __init__(self, generator, num_clips, batch_size=32, seed=0, dtype="float32", one_hot=False,
                 fresh_each_epoch=True, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(generator, MotionClips):
            raise ValueError(f"generator must be a MotionClips, got {type(generator).__name__}")
        for name, value in (("num_clips", num_clips), ("batch_size", batch_size)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if dtype not in ("uint8", "float32"):
            raise ValueError(f"dtype must be 'uint8' or 'float32', got {dtype!r}")
        self.generator = generator
        self.num_clips = int(num_clips)
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.dtype = dtype
        self.one_hot = bool(one_hot)
        self.fresh_each_epoch = bool(fresh_each_epoch)
        if self.fresh_each_epoch:
            self.check_single_worker()

    def __len__(self):
        return math.ceil(self.num_clips / self.batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range [0, {len(self)})")
        size = min(self.batch_size, self.num_clips - index * self.batch_size)
        key = [self.seed, self.epoch, index] if self.fresh_each_epoch else [self.seed, index]
        x, y = self.generator.generate(size, seed=key, dtype=self.dtype)
        if self.one_hot:
            y = np.eye(self.generator.num_classes, dtype=np.float32)[y]
        return x, y
