"""Shared command-line plumbing of the dataset scripts: download, verify, unpack, index."""

import argparse
import logging
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


VERIFIED_FILE = "verified_videos.json"
BROKEN_FILE = "broken_videos.txt"


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


def verify_videos(index, root):
    """Decode every distinct video of the index once; return [(relative path, reason)] of the broken ones.

    A video is broken when it does not decode or decodes fewer frames than its header announces (a truncated
    file, e.g. a partial download). Results are kept in ROOT/verified_videos.json keyed by path, size and
    modification time, so a re-run decodes only new or changed files. The broken ones are written to
    ROOT/broken_videos.txt (removed when none is broken).
    """
    import json
    import os

    from tqdm import tqdm

    from keras_stvideo.data.video import verify_video
    from keras_stvideo.utils.atomic import atomic_path

    root = pathlib.Path(root)
    cache_path = root / VERIFIED_FILE
    try:
        cache = json.loads(cache_path.read_text()) if cache_path.is_file() else {}
    except (ValueError, OSError):
        cache = {}
    entries = {entry.path: entry for entry in index.entries}  # KTH indexes one file several times
    videos = sorted(entries)
    results, decoded = {}, 0
    for relative in tqdm(videos, desc="verifying videos", unit="video"):
        path = index.path_of(entries[relative])
        try:
            stat = path.stat()
            key = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        except OSError as error:
            results[relative] = {"error": f"cannot read: {error}"}
            continue
        previous = cache.get(relative)
        if previous and all(previous.get(k) == v for k, v in key.items()):
            results[relative] = previous
            continue
        decoded += 1
        try:
            results[relative] = dict(key, frames=verify_video(path))
        except (ValueError, OSError) as error:
            results[relative] = dict(key, error=" ".join(str(error).split()))
    with atomic_path(cache_path) as tmp:
        tmp.write_text(json.dumps(results, indent=1, sort_keys=True))
    broken = [(relative, result["error"]) for relative, result in results.items() if "error" in result]
    broken_path = root / BROKEN_FILE
    if broken:
        with atomic_path(broken_path) as tmp:
            tmp.write_text("".join(f"{relative}\t{reason}\n" for relative, reason in broken))
    elif broken_path.exists():
        os.remove(broken_path)
    print(f"verified {len(videos)} videos ({decoded} decoded now, the rest unchanged since {VERIFIED_FILE}): "
          f"{len(broken)} broken")
    return broken


def finish(index, root, verify=True):
    path = index.save(root / "index.json")
    print(f"wrote {path}: {len(index.entries)} videos, {len(index.class_names)} classes, splits {index.split_names}")
    for split in index.split_names:
        print(f"  {split}: {index.counts(split)}")
    if verify:
        broken = verify_videos(index, root)
        if broken:
            print(f"{len(broken)} video(s) are broken (truncated or undecodable) and should be downloaded again "
                  f"or left out; listed in {root / BROKEN_FILE}:")
            for video, error in broken:
                print(f"  {video}: {error}")
    return 0


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
