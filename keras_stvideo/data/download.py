"""Downloading and unpacking dataset archives: resumable, verified, never half-written.

A download goes to ``<name>.part`` next to the target and resumes from its size
with an HTTP Range request; only a complete file (size and, when known, SHA-256
checked) is renamed to the final name. Unpacking writes into a temporary folder
that is renamed when complete, so a re-run skips finished steps.
"""

import hashlib
import os
import pathlib
import shutil
import tempfile
import urllib.request
import zipfile


class ArchiveError(ValueError):
    """A missing, incomplete or corrupt archive; the message names the file and what to do."""


def sha256_of(path, chunk_size=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(path, size=None, sha256=None):
    """Raise ``ArchiveError`` when ``path`` is missing or its size or checksum differ."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise ArchiveError(f"archive not found: {path}")
    actual = path.stat().st_size
    if size is not None and actual != size:
        raise ArchiveError(f"{path} has {actual} bytes, expected {size}: the download is incomplete or corrupt")
    if sha256 is not None and sha256_of(path) != sha256:
        raise ArchiveError(f"{path} fails its SHA-256 check: delete it and download again")


def download(url, target, size=None, sha256=None, progress=True, timeout=60):
    """Download ``url`` to ``target`` unless a verified copy is there; resume a partial download."""
    from tqdm import tqdm

    target = pathlib.Path(target)
    if target.is_file():
        verify(target, size, sha256)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    done = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={done}-"} if done else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if done and response.status != 206:  # the server ignored the range: start over
            done = 0
        total = response.headers.get("Content-Length")
        total = int(total) + done if total else size
        with open(partial, "ab" if done else "wb") as out, tqdm(
            total=total, initial=done, unit="B", unit_scale=True, desc=target.name, disable=not progress
        ) as bar:
            for chunk in iter(lambda: response.read(1 << 20), b""):
                out.write(chunk)
                bar.update(len(chunk))
    verify(partial, size if size is not None else total, sha256)
    os.replace(partial, target)
    return target


def _rar_tool():
    for tool in ("unrar", "unar", "bsdtar", "7z"):
        if shutil.which(tool):
            return tool
    return None


def _extract_rar(archive, destination):
    try:
        import rarfile
    except ImportError as error:
        raise ArchiveError(
            f"{archive} is a RAR archive: install the 'rarfile' package (pip install rarfile) and one of "
            "unrar, unar, bsdtar (Debian: libarchive-tools) or 7z"
        ) from error
    tool = _rar_tool()
    if tool is None:
        raise ArchiveError(
            f"{archive} is a RAR archive: install unrar, unar, bsdtar (Debian package libarchive-tools) or 7z"
        )
    if tool == "bsdtar":
        rarfile.UNRAR_TOOL = "bsdtar"
    try:
        with rarfile.RarFile(archive) as rar:
            rar.extractall(destination)
    except rarfile.Error as error:
        raise ArchiveError(f"cannot unpack {archive}: {error}") from error


def unpack(archive, destination):
    """Unpack a ZIP or RAR ``archive`` into ``destination`` (skipped when it already exists)."""
    archive, destination = pathlib.Path(archive), pathlib.Path(destination)
    if destination.is_dir():
        return destination
    if not archive.is_file():
        raise ArchiveError(f"archive not found: {archive}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{destination.name}."))
    try:
        suffix = archive.suffix.lower()
        if suffix == ".zip":
            try:
                with zipfile.ZipFile(archive) as zipped:
                    zipped.extractall(staging)
            except zipfile.BadZipFile as error:
                raise ArchiveError(
                    f"{archive} is not a valid ZIP archive ({error}): delete it and download again"
                ) from error
        elif suffix == ".rar":
            _extract_rar(archive, staging)
        else:
            raise ArchiveError(f"unsupported archive type {suffix!r}: {archive}")
        os.replace(staging, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return destination
