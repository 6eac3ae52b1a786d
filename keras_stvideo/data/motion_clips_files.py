"""Writing generated clips to disk: lossless AVI files and a UCF101-like dataset folder with its index.

``write_motion_clips`` lays out a ``MotionClips`` set as UCF101 is laid out
(videos per class, official-format split files, ``index.json``), written into a
temporary folder that is renamed when complete, so a failed or interrupted
write leaves nothing behind.

Example:
    >>> index = write_motion_clips(MotionClips(seed=0), "clips", clips_per_class=20)  # doctest: +SKIP
"""

import math
import os
import pathlib
import shutil
import tempfile

import numpy as np

CODECS = ("ffv1", "mjpeg")


def write_motion_clips(generator, root, clips_per_class=20, clips_per_group=5, num_splits=3, seed=None, codec="ffv1",
                       fps=25, progress=None):
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
    labels = generator.balanced_labels(clips_per_class)
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
        for begin, params in generator._chunks(len(labels), seed, labels):
            clips = generator.render(params)
            for offset, (clip, label) in enumerate(zip(clips, params.labels)):
                j = begin + offset - label * clips_per_class
                group, number = j // clips_per_group + 1, j % clips_per_group + 1
                name = generator.class_names[label]
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
            "".join(f"{i + 1} {name}\n" for i, name in enumerate(generator.class_names)))
        for k in range(1, num_splits + 1):
            train = [e for e in entries if e.splits[f"split{k}"] == "train"]
            test = [e for e in entries if e.splits[f"split{k}"] == "test"]
            (split_dir / f"trainlist0{k}.txt").write_text(
                "".join(f"{e.path} {e.label + 1}\n" for e in train))
            (split_dir / f"testlist0{k}.txt").write_text("".join(f"{e.path}\n" for e in test))
        index = VideoIndex(root.resolve() / "videos", generator.class_names, entries, name="motion_clips")
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
    """Raise ValueError unless a file or folder can be created at ``path``.

    Judged by creating (and removing) a probe file in the nearest existing parent,
    not by ``os.access``, which says yes to root everywhere (read-only mounts included).
    """
    path = pathlib.Path(path).absolute()
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ValueError(f"cannot write {path}: {parent} is not a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=parent, prefix=".write-probe."):
            pass
    except OSError as error:
        raise ValueError(f"cannot write {path}: {parent} is not writable ({error.strerror or error})") from None


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
