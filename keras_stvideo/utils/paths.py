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
    if path.exists():
        if not os.access(path, os.W_OK):
            raise PathError(f"{_label(option)}{path}: the existing file is not writable")
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
    """Check that ``path`` is an existing, readable file; return it as a Path."""
    path = pathlib.Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{_label(option)}{what} not found: {path}")
    if path.is_dir():
        raise PathError(f"{_label(option)}{path} is a folder; expected a {what}")
    if not os.access(path, os.R_OK):
        raise PathError(f"{_label(option)}{path}: the {what} is not readable")
    return path


def check_keras_archive(path, option=None):
    """Check that ``path`` is a readable ``.keras`` archive (a ZIP holding ``config.json``); return it."""
    path = check_input_file(path, option, what=".keras model file")
    if path.suffix != ".keras":
        raise PathError(f"{_label(option)}expected a .keras model file, got {str(path)!r}")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        names = None
    if names is None or "config.json" not in names:
        raise PathError(
            f"{_label(option)}{path} is not a valid .keras archive (a ZIP file holding config.json and the "
            "weights): it is truncated, corrupt or another kind of file"
        )
    return path
