"""Shared command-line plumbing of the dataset scripts: download, verify, unpack, index."""

import argparse
import logging
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


def parser(description):
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", required=True, help="folder for the archives, the videos and the index")
    p.add_argument("--skip-download", action="store_true", help="use archives already in ROOT/archives")
    p.add_argument("--allow-missing", action="store_true", help="skip videos that split files name but are absent")
    p.add_argument("--check-decode", action="store_true",
                   help="decode every indexed video once and list those that fail (slow)")
    return p


def fetch_all(archives, root, skip_download):
    """Download (or just verify) each archive; returns their local paths."""
    from keras_stvideo.data.download import download, verify

    paths = {}
    for name, spec in archives.items():
        target = root / "archives" / name
        if skip_download:
            verify(target, spec.get("size"), spec.get("sha256"))
        else:
            download(spec["url"], target, spec.get("size"), spec.get("sha256"))
        paths[name] = target
    return paths


def check_decoding(index):
    """Decode every video of the index once; return the paths that fail (reported, not fatal)."""
    from tqdm import tqdm

    from keras_stvideo.data.video import read_video

    failed = []
    for entry in tqdm(index.entries, desc="decoding", unit="video"):
        try:
            read_video(index.path_of(entry), frame_range=entry.frame_range)
        except (ValueError, OSError) as error:
            failed.append((entry.path, str(error)))
    return failed


def finish(index, root, check_decode):
    path = index.save(root / "index.json")
    print(f"wrote {path}: {len(index.entries)} videos, {len(index.class_names)} classes, splits {index.split_names}")
    for split in index.split_names:
        print(f"  {split}: {index.counts(split)}")
    if check_decode:
        failed = check_decoding(index)
        if failed:
            print(f"{len(failed)} video(s) could not be decoded and should be left out:")
            for video, error in failed:
                print(f"  {video}: {error}")
    return 0


def main_for(prepare, description):
    """The ``main(argv)`` of a dataset script: parse the common options and call ``prepare``."""

    def main(argv=None):
        args = parser(description).parse_args(argv)
        return prepare(args.root, args.skip_download, args.allow_missing, args.check_decode)

    return main


def run(main):
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        sys.exit(main())
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
