"""Preview animations of video arrays (GIF or MP4) written with imageio."""

import pathlib

import numpy as np

from keras_stvideo.utils.atomic import atomic_path


def tile_sequences(videos, columns=None):
    """Tile (N, T, H, W, C) videos into one (T, rows * H, columns * W, C) uint8 video."""
    videos = np.asarray(videos)
    if videos.ndim != 5:
        raise ValueError(f"videos must have shape (N, T, H, W, C), got {videos.shape}")
    n, t, h, w, c = videos.shape
    columns = columns or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    grid = np.zeros((t, rows * h, columns * w, c), dtype=np.float32)
    for i in range(n):
        r, col = divmod(i, columns)
        grid[:, r * h : (r + 1) * h, col * w : (col + 1) * w] = videos[i]
    return (np.clip(grid, 0, 1) * 255).astype(np.uint8)


def _gif_frames(frames):
    """(T, H, W) grey or (T, H, W, 3) uint8 frames as Pillow "P" images sharing one palette.

    Pillow, given "L" frames, picks each frame's mode and palette on its own and
    can write a GIF whose frames mix "L" and "P" modes, which imageio cannot read
    back ("No packer found from P to L"). One palette for all frames (the 256 grey
    levels, exact; or one quantised palette for colour) makes every frame alike.
    """
    from PIL import Image

    if frames.ndim == 3:
        palette = np.repeat(np.arange(256, dtype=np.uint8), 3).tolist()
        images = []
        for frame in frames:
            image = Image.frombytes("P", (frame.shape[1], frame.shape[0]), np.ascontiguousarray(frame).tobytes())
            image.putpalette(palette)
            images.append(image)
        return images
    strip = Image.fromarray(np.ascontiguousarray(frames.reshape(-1, *frames.shape[2:])), "RGB")
    quantised = strip.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    indices = np.asarray(quantised).reshape(frames.shape[:3])
    images = []
    for frame in indices:
        image = Image.frombytes("P", (frame.shape[1], frame.shape[0]), np.ascontiguousarray(frame).tobytes())
        image.putpalette(quantised.getpalette())
        images.append(image)
    return images


def write_preview(path, videos, fps=4, columns=None):
    """Write the first sequences of ``videos`` (N, T, H, W, C) in [0, 1] as a tiled GIF or MP4.

    The file is written atomically and reads back with ``imageio.v3.imread``
    (a grey GIF reads back exactly, as (T, H, W) uint8).
    """
    import imageio.v3 as iio

    path = pathlib.Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise ValueError(f"preview must be a .gif or .mp4 file, got {str(path)!r}")
    frames = tile_sequences(videos, columns)
    if frames.shape[-1] == 1:
        frames = np.repeat(frames, 3, axis=-1) if suffix == ".mp4" else frames[..., 0]
    with atomic_path(path) as tmp:
        if suffix == ".gif":
            images = _gif_frames(frames)
            images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:], duration=int(1000 / fps),
                           loop=0, optimize=False, disposal=1)
        else:
            height, width = frames.shape[1:3]
            pad = ((0, 0), (0, (-height) % 16), (0, (-width) % 16), (0, 0))
            iio.imwrite(tmp, np.pad(frames, pad), extension=".mp4", plugin="pyav", codec="libx264", fps=fps)
    return path
