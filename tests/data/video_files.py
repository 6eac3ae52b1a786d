"""Small real video files written with imageio, and fake dataset trees in the official layouts."""

import pathlib

import numpy as np


def pattern_video(num_frames=30, height=48, width=64):
    """Frame t is a flat grey of value 8 * t (mod 240) with a white square at column 2 * t: easy to decode back."""
    frames = np.zeros((num_frames, height, width, 3), np.uint8)
    for t in range(num_frames):
        frames[t] = (8 * t) % 240
        col = (2 * t) % (width - 8)
        frames[t, 8:16, col : col + 8] = 255
    return frames


def write_video(path, frames, fps=25):
    import imageio.v3 as iio

    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    codec = "mpeg4" if path.suffix == ".avi" else "libx264"
    iio.imwrite(path, frames, plugin="pyav", codec=codec, fps=fps, out_pixel_format="yuv420p")
    return path


def write_mjpeg_avi(path, frames, fps=25):
    """An MJPEG AVI: every frame an independent JPEG, the header (frame count) at the front."""
    import imageio.v3 as iio

    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    iio.imwrite(path, frames, plugin="pyav", codec="mjpeg", fps=fps, out_pixel_format="yuvj420p")
    return path


def write_pyav_video(path, frames, codec="libx264", fps=25, gop=None, bit_rate=None, options=None):
    """A video written frame by frame with PyAV: ``gop`` sets the keyframe interval (B-frames too with libx264),
    ``options`` the container's (e.g. ``{"movflags": "faststart"}``)."""
    import av

    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", options=options or {}) as container:
        stream = container.add_stream(codec, rate=fps)
        stream.height, stream.width = frames.shape[1:3]
        stream.pix_fmt = "yuv420p"
        if gop is not None:
            stream.codec_context.gop_size = gop
        if bit_rate is not None:
            stream.bit_rate = bit_rate
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def write_faststart_mp4(path, frames, fps=25):
    """An H.264 MP4 with its header (moov, frame count included) at the front, as streamed files have."""
    return write_pyav_video(path, frames, "libx264", fps, options={"movflags": "faststart"})


def truncated_copy(path, fraction, name=None):
    """A copy of ``path`` cut to ``fraction`` of its bytes, as a partial download leaves it."""
    path = pathlib.Path(path)
    data = path.read_bytes()
    target = path.with_name(name or f"truncated_{path.name}")
    target.write_bytes(data[: int(len(data) * fraction)])
    return target
