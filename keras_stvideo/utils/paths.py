"""Check input and output paths before any work starts.

Each check raises ``ValueError`` (or ``FileNotFoundError`` for a missing input)
with a one-line message naming the option, the path and what is wrong, so a
command fails in a second instead of after generating the data, and never
leaves a half-written file. Nothing is created: writability is probed with a
temporary file in the nearest existing folder, which also works as root (root
ignores permission bits but not a read-only mount or a file in the way).

Example:
    >>> check_output_file("out/data.npz", "--out")  # doctest: +SKIP
"""

import os
import pathlib
import tempfile
import zipfile


class PathError(ValueError):
    """An input or output path that cannot be used; the message names the option and the path."""


def _label(option):
    return f"{option} " if option else ""


def _nearest_existing(path):
    """The nearest existing ancestor of ``path`` (``path`` itself excluded) and the first missing part."""
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def _check_creatable_in(folder, path, option):
    """``folder`` exists: it must be a folder where a new file can be created."""
    if not folder.is_dir():
        raise PathError(f"{_label(option)}{path}: {folder} is a file, not a folder")
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".stvideo-write-check.")
    except OSError as error:
        reason = error.strerror or str(error)
        raise PathError(f"{_label(option)}{path}: cannot write in {folder} ({reason})") from None
    os.close(handle)
    os.remove(probe)


def check_output_file(path, option=None, suffixes=None):
    """Check that ``path`` can be written as a file (its folders may be created); return it as a Path.

    Args:
        path: the file to be written (an existing file will be replaced).
        option: the argument or command-line option that gave it, for the message.
        suffixes: optional allowed suffixes, e.g. ``(".gif", ".mp4")``.
    """
    path = pathlib.Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise PathError(f"{_label(option)}must end in {' or '.join(suffixes)}, got {str(path)!r}")
    if path.is_dir():
        raise PathError(f"{_label(option)}{path} is an existing folder; expected a file path")
    if path.exists():  # it is replaced by a rename: the folder must be writable, not the file
        folder = path.parent
    else:
        folder = _nearest_existing(path)
    _check_creatable_in(folder, path, option)
    return path


def check_output_folder(path, option=None, must_not_exist=False):
    """Check that ``path`` is, or can be created as, a folder to write files in; return it as a Path."""
    path = pathlib.Path(path)
    if path.exists():
        if must_not_exist:
            raise PathError(f"{_label(option)}{path} already exists; choose a new folder")
        if not path.is_dir():
            raise PathError(f"{_label(option)}{path} is a file; expected a folder")
        _check_creatable_in(path, path, option)
    else:
        _check_creatable_in(_nearest_existing(path), path, option)
    return path


def check_input_file(path, option=None, what="file"):
    """Check that ``path`` is an existing, readable regular file; return it as a Path.

    Readability is judged by opening the file (``os.access`` says yes to root everywhere); a folder, a device
    such as ``/dev/zero`` or a FIFO is refused as not a regular file.
    """
    path = pathlib.Path(path)
    if not path.exists():
        if path.is_symlink():
            raise PathError(f"{_label(option)}{path} is a broken symbolic link; expected a {what}")
        raise FileNotFoundError(f"{_label(option)}{what} not found: {path}")
    if path.is_dir():
        raise PathError(f"{_label(option)}{path} is a folder; expected a {what}")
    if not path.is_file():
        raise PathError(f"{_label(option)}{path} is not a regular file (a device, socket or pipe); expected a {what}")
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as error:
        raise PathError(f"{_label(option)}{path}: the {what} cannot be read ({error.strerror or error})") from None
    return path


def check_keras_archive(path, option=None):
    """Check that ``path`` is a readable ``.keras`` archive (a ZIP holding ``config.json``); return it."""
    path = check_input_file(path, option, what=".keras model file")
    if path.suffix != ".keras":
        raise PathError(f"{_label(option)}expected a .keras model file, got {str(path)!r}")
    damaged = None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            damaged = archive.testzip()  # the first member whose CRC does not match, or None
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
        names = None
    if damaged is not None:
        raise PathError(f"{_label(option)}{path} is a damaged .keras archive ({damaged} fails its checksum)")
    if names is None or "config.json" not in names:
        raise PathError(
            f"{_label(option)}{path} is not a valid .keras archive (a ZIP file holding config.json and the "
            "weights): it is truncated, corrupt or another kind of file"
        )
    return path


def check_video_file(path, option=None, what="video file"):
    """Check that ``path`` is a regular file that decodes to at least one frame (PyAV); return it as a Path."""
    path = check_input_file(path, option, what=what)
    try:
        import av

        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ValueError("it holds no video stream")
            next(container.decode(video=0))
    except StopIteration:
        raise PathError(f"{_label(option)}{path}: the {what} holds no frame") from None
    except Exception as error:  # noqa: BLE001 - PyAV raises its own error classes for a file it cannot read
        reason = " ".join(str(error).split())[:160] or type(error).__name__
        raise PathError(f"{_label(option)}{path}: cannot decode the {what} ({reason})") from None
    return path


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def check_weights_file(path, option=None):
    """Check a weights file before any training: a ``.keras`` archive, or an HDF5 file (``.h5``, ``.weights.h5``)
    whose signature is right and which h5py opens; return it as a Path."""
    path = pathlib.Path(path)
    if path.suffix == ".keras":
        return check_keras_archive(path, option)
    path = check_input_file(path, option, what="weights file")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head != HDF5_SIGNATURE:
        raise PathError(f"{_label(option)}{path} is not a weights file (.keras or HDF5 .h5): it is truncated, "
                        "corrupt or another kind of file")
    try:
        import h5py
    except ImportError:
        return path
    try:
        with h5py.File(path, "r") as weights:
            list(weights.keys())
    except Exception as error:  # noqa: BLE001 - h5py raises OSError, KeyError... for a damaged file
        reason = " ".join(str(error).split())[:160] or type(error).__name__
        raise PathError(f"{_label(option)}{path}: the HDF5 weights file cannot be read ({reason})") from None
    return path
