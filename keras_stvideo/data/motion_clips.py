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

import numpy as np

from keras_stvideo.data.motion_clips_files import write_motion_clips
from keras_stvideo.data.sprites import (SPRITE_SIZE, content_half_extents, digit_masks, half_pixel_phases,
                                        paint_sprites, periodic_noise, shape_masks, sprite_table)

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
        """Write a set to ``root`` as video files laid out like UCF101, with its index
        (``keras_stvideo.data.motion_clips_files.write_motion_clips``: the layout, the splits, atomicity).

        Returns:
            the ``VideoIndex``.
        """
        return write_motion_clips(self, root, clips_per_class=clips_per_class, clips_per_group=clips_per_group,
                                  num_splits=num_splits, seed=seed, codec=codec, fps=fps, progress=progress)
