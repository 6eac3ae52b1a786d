"""Shared command-line plumbing of the dataset scripts; the work is ``keras_stvideo.data.fetch``'s
(``stvideo data fetch DATASET`` runs the same code after ``pip install``)."""

import argparse
import logging
import pathlib
import sys

from keras_stvideo.data.fetch import BROKEN_FILE, VERIFIED_FILE, fetch_all, finish, verify_videos  # noqa: F401

HERE = pathlib.Path(__file__).resolve().parent


def parser(description):
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", required=True, help="folder for the archives, the videos and the index")
    p.add_argument("--skip-download", action="store_true", help="use archives already in ROOT/archives")
    p.add_argument("--allow-missing", action="store_true", help="skip videos that split files name but are absent")
    p.add_argument("--skip-verify", action="store_true",
                   help="do not decode every video once after unpacking (by default each video is decoded once, "
                        f"the result kept in ROOT/{VERIFIED_FILE}, and broken ones listed in ROOT/{BROKEN_FILE})")
    # the default now; kept for old commands
    p.add_argument("--check-decode", action="store_true", help=argparse.SUPPRESS)
    return p


def main_for(prepare, description):
    """The ``main(argv)`` of a dataset script: parse the common options and call ``prepare``."""

    def main(argv=None):
        args = parser(description).parse_args(argv)
        return prepare(args.root, args.skip_download, args.allow_missing, not args.skip_verify)

    return main


def run(main):
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        sys.exit(main())
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
