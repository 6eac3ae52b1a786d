"""Fetch the full MNIST (70,000 digits) to where ``keras_stvideo.data.load_mnist`` looks first.

Downloads Keras's ``mnist.npz``, checks its SHA-256, and moves it into place in
one rename (an interrupted or corrupt download never takes the final name).
The same as ``stvideo data fetch mnist``; the work is ``keras_stvideo.data.fetch.install_mnist``.

Usage:
    python data_scripts/fetch_mnist.py                 # -> ~/.keras/datasets/mnist.npz
    python data_scripts/fetch_mnist.py --dest my/mnist.npz
    python data_scripts/fetch_mnist.py --from-file mnist.npz   # install a copy you already have
"""

import argparse
import sys

from keras_stvideo.data.download import sha256_of  # noqa: F401 (the tests check installed files with it)
from keras_stvideo.data.fetch import install_mnist
from keras_stvideo.data.mnist import KERAS_CACHE, SHA256


def install(dest, source=None, sha256=SHA256):
    """Download (or copy ``source``) to ``dest``, verifying the checksum and the array layout."""
    return install_mnist(dest, source, sha256=sha256)


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
