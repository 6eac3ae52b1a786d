"""Generated video sets: motion-labelled clips for ``stvideo reproduce tesnet --quick``; moving squares for the
tests, the benchmark and the notebook.

``motion_clip_dataset`` writes ``keras_stvideo.data.motion_clips.MotionClips``
videos (the class is the motion only: no frame tells the classes apart) laid
out like UCF101; the quick run trains and tests on it.

``make_moving_square_dataset``: each video is a textured square moving over a fixed noisy background; the class
is the direction of motion (right, down, down-right, ... for up to 8 classes),
so a single frame cannot tell the classes apart but a clip can. Videos are
written as real AVI files (MPEG-4) and indexed in a ``VideoIndex`` with three
splits, like UCF101's: the videos fall into three groups and split s tests
group s and trains on the other two.
"""

import pathlib

import numpy as np

from keras_stvideo.data.video_index import VideoEntry, VideoIndex

DIRECTIONS = ((0, 1), (1, 0), (1, 1), (-1, 1), (0, -1), (-1, 0), (-1, -1), (1, -1))  # (dy, dx)
DIRECTION_NAMES = ("right", "down", "down_right", "up_right", "left", "up", "up_left", "down_left")


def motion_clip_dataset(folder, num_classes=6, videos_per_class=200, num_frames=24, size=(32, 32), seed=0,
                        progress=None):
    """Write a ``MotionClips`` video set under ``folder`` and return its ``VideoIndex``; reuse it when there.

    The classes are MotionClips' first ``num_classes`` motions (left, right, up,
    down, zoom in, zoom out, rotate counter-clockwise, clockwise), performed by
    textured shapes or MNIST digits over a textured, drifting background with
    clutter and camera jitter; colours, textures, shapes, sizes and speeds are
    drawn the same way for every class, so only the motion tells them apart.
    ``videos_per_class`` videos of ``num_frames`` frames of ``size`` (height,
    width), lossless FFV1 AVIs laid out like UCF101 (``MotionClips.write``:
    ``folder/videos``, ``folder/splits``, ``folder/index.json``), in groups of
    ``ceil(videos_per_class / 20)`` clips; split 1 tests a quarter of each
    class's videos and trains on the rest (as splits 2 and 3 do with other quarters).
    """
    import math

    from keras_stvideo.data.motion_clips import MOTIONS, MotionClips
    from keras_stvideo.data.video_index import VideoIndex

    folder = pathlib.Path(folder)
    index_path = folder / "index.json"
    if index_path.is_file():
        return VideoIndex.load(index_path)
    if not 2 <= num_classes <= len(MOTIONS):
        raise ValueError(f"num_classes must lie in [2, {len(MOTIONS)}], got {num_classes!r}")
    if videos_per_class < 4:
        raise ValueError(f"videos_per_class must be at least 4 (split 1 tests a quarter), got {videos_per_class!r}")
    generator = MotionClips(frame_size=tuple(size), num_frames=num_frames, motions=MOTIONS[:num_classes], seed=seed)
    return generator.write(folder, clips_per_class=videos_per_class,
                           clips_per_group=math.ceil(videos_per_class / 20), num_splits=3, seed=seed,
                           progress=progress)


def moving_square_video(rng, direction, frames=24, height=64, width=80, side=16, speed=2, colour=None):
    """(frames, height, width, 3) uint8: a square moving by ``speed`` pixels a frame along ``direction``.

    ``colour``: the square's RGB colour; random (bright) when None.
    """
    background = rng.integers(30, 110, (height // 8, width // 8, 3)).astype(np.uint8)
    background = np.kron(background, np.ones((8, 8, 1), np.uint8))[:height, :width]
    background = np.clip(background + rng.integers(-12, 13, background.shape), 0, 255).astype(np.uint8)
    colour = rng.integers(170, 256, 3) if colour is None else np.asarray(colour)
    pattern = np.where((np.add.outer(np.arange(side), np.arange(side)) // 4) % 2 == 0, 1.0, 0.7)[..., None] * colour
    dy, dx = direction
    y0 = rng.integers(0, height - side) if dy == 0 else (0 if dy > 0 else height - side - 1)
    x0 = rng.integers(0, width - side) if dx == 0 else (0 if dx > 0 else width - side - 1)
    video = np.empty((frames, height, width, 3), np.uint8)
    for t in range(frames):
        y = int(np.clip(y0 + dy * speed * t, 0, height - side))
        x = int(np.clip(x0 + dx * speed * t, 0, width - side))
        video[t] = background
        video[t, y : y + side, x : x + side] = pattern.astype(np.uint8)
    return video


def write_video(path, frames, fps=25):
    """Write (T, H, W, 3) uint8 frames as an MPEG-4 AVI (imageio + PyAV)."""
    import imageio.v3 as iio

    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    iio.imwrite(path, frames, plugin="pyav", codec="mpeg4", fps=fps, out_pixel_format="yuv420p")
    return path


def class_colour(label, rng):
    """A colour cue: class c's square is bright in channel c mod 3 and dim in the others."""
    colour = rng.integers(40, 90, 3)
    colour[label % 3] = rng.integers(200, 256)
    return colour


def make_moving_square_dataset(root, num_classes=3, videos_per_class=12, frames=24, height=64, width=80, seed=0,
                               colour_cue=False):
    """Write the videos under ``root`` and return their ``VideoIndex`` (saved as ``root/index.json``).

    ``colour_cue=True`` also gives each class its own square colour (``class_colour``),
    so that a network trained from scratch for a few CPU minutes can learn the
    classes; without it only the motion tells them apart. Reuses an existing
    set written with the same arguments.
    """
    if not 2 <= num_classes <= len(DIRECTIONS):
        raise ValueError(f"num_classes must lie in [2, {len(DIRECTIONS)}], got {num_classes!r}")
    if videos_per_class < 3:
        raise ValueError(f"videos_per_class must be >= 3 (three split groups), got {videos_per_class!r}")
    root = pathlib.Path(root)
    stamp = f"{num_classes} {videos_per_class} {frames} {height} {width} {seed} {colour_cue}"
    index_path = root / "index.json"
    if index_path.is_file() and (root / "arguments.txt").is_file() and (root / "arguments.txt").read_text() == stamp:
        return VideoIndex.load(index_path)
    rng = np.random.default_rng(seed)
    entries = []
    for label in range(num_classes):
        for number in range(videos_per_class):
            group = number % 3
            relative = f"{DIRECTION_NAMES[label]}/v_{DIRECTION_NAMES[label]}_g{group + 1:02d}_c{number + 1:02d}.avi"
            colour = class_colour(label, rng) if colour_cue else None
            write_video(root / relative, moving_square_video(rng, DIRECTIONS[label], frames, height, width,
                                                             colour=colour))
            splits = {f"split{s + 1}": ("test" if s == group else "train") for s in range(3)}
            entries.append(VideoEntry(relative, label, splits, group=f"{group + 1:02d}"))
    index = VideoIndex(root, DIRECTION_NAMES[:num_classes], entries, name="moving_squares")
    index.save(index_path)
    (root / "arguments.txt").write_text(stamp)
    return index
