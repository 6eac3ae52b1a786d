"""Fetch the full MNIST (70,000 digits) to where ``keras_stvideo.data.load_mnist`` looks first.

Downloads Keras's ``mnist.npz``, checks its SHA-256, and moves it into place in
one rename (an interrupted or corrupt download never takes the final name).

Usage:
    python data_scripts/fetch_mnist.py                 # -> ~/.keras/datasets/mnist.npz
    python data_scripts/fetch_mnist.py --dest my/mnist.npz
    python data_scripts/fetch_mnist.py --from-file mnist.npz   # install a copy you already have
"""

import argparse
import pathlib
import shutil
import sys
import urllib.request

from tqdm import tqdm

from keras_stvideo.data.download import sha256_of
from keras_stvideo.utils.atomic import atomic_path
from keras_stvideo.data.mnist import KERAS_CACHE, SHA256, URL, load_npz


def download(url, path):
    with urllib.request.urlopen(url, timeout=60) as response, open(path, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        with tqdm(total=total, unit="B", unit_scale=True, desc="mnist.npz") as progress:
            for chunk in iter(lambda: response.read(1 << 16), b""):
                out.write(chunk)
                progress.update(len(chunk))


def install(dest, source=None, url=URL, sha256=SHA256):
    """Download (or copy ``source``) to ``dest``, verifying the checksum and the array layout."""
    dest = pathlib.Path(dest)
    if dest.is_file() and sha256_of(dest) == sha256:
        print(f"{dest} is already complete")
        return dest
    with atomic_path(dest) as tmp:
        if source is not None:
            shutil.copyfile(source, tmp)
        else:
            download(url, tmp)
        actual = sha256_of(tmp)
        if sha256 and actual != sha256:
            raise ValueError(f"checksum mismatch for {source or url}: expected sha256 {sha256}, got {actual}")
        load_npz(tmp)  # the layout keras.datasets.mnist uses
    print(f"installed MNIST at {dest}")
    return dest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dest", default=str(KERAS_CACHE), help=f"where to put mnist.npz (default {KERAS_CACHE})")
    parser.add_argument("--from-file", default=None, help="install a local copy instead of downloading")
    parser.add_argument("--sha256", default=SHA256, help="expected SHA-256 ('' to skip, for other copies)")
    args = parser.parse_args(argv)
    try:
        install(args.dest, args.from_file, sha256=args.sha256)
    except (OSError, ValueError) as error:
        print(f"fetch_mnist: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
