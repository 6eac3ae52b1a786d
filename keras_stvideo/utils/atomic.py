"""Atomic file writing: write to a temporary file in the same folder, then rename."""

import contextlib
import os
import pathlib
import tempfile


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path next to ``path``; on success it replaces ``path`` in one rename.

    On error the temporary file is removed, so no half-written file is ever left
    under the final name.

    Example:
        >>> with atomic_path("out/data.npz") as tmp:  # doctest: +SKIP
        ...     numpy.savez_compressed(tmp, x=x)
    """
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part" + "".join(path.suffixes))
    os.close(handle)
    try:
        yield pathlib.Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600 files
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
