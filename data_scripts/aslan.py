"""ASLAN (Kliper-Gross et al. 2012): the View-2 same/not-same pairs of a user's copy, as one pairs JSON.

    python data_scripts/aslan.py --videos ASLAN/videos --protocol ASLAN/protocol --out data/aslan/pairs.json

ASLAN is distributed on request (no public download), so this script only
prepares a copy you have. It reads the 10 View-2 split files of the protocol
folder (``*1.txt`` .. ``*10.txt``, numbered in their names), one pair a line:
``<video_a> <video_b> <same>`` with same 1 (same action) or 0 (not same),
separated by spaces, tabs or commas; names may lack the video extension. It
checks that every named video exists under --videos and writes
``{"root": videos, "folds": [[[a, b, same], ...] x 10]}`` for
``keras_stvideo.models.siamese_c3d.aslan.evaluate_aslan`` and
``stvideo reproduce siamese-c3d --aslan``.

The official split files' exact column layout could not be checked on the
machine this was written on (no copy); if yours differ, convert them to this
layout first (docs/faithfulness.md, Paul et al. 2018).
"""

import argparse
import json
import pathlib
import re
import sys

VIDEO_SUFFIXES = (".avi", ".mp4", ".mpg", ".mkv")


def _resolve(videos, name):
    path = videos / name
    if path.is_file():
        return path.relative_to(videos).as_posix()
    for suffix in VIDEO_SUFFIXES:
        if path.with_suffix(suffix).is_file():
            return path.with_suffix(suffix).relative_to(videos).as_posix()
    raise FileNotFoundError(f"video {name!r} named in the protocol is not under {videos}")


def parse_split_file(path, videos):
    """[(video_a, video_b, same)] of one split file; a ValueError names the file and line."""
    pairs = []
    for number, line in enumerate(pathlib.Path(path).read_text().splitlines(), start=1):
        fields = [f for f in re.split(r"[\s,]+", line.strip()) if f]
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) != 3 or fields[2] not in ("0", "1"):
            raise ValueError(f"{path}:{number}: expected '<video_a> <video_b> <same 0|1>', got {line!r}")
        pairs.append((_resolve(videos, fields[0]), _resolve(videos, fields[1]), int(fields[2])))
    if not pairs:
        raise ValueError(f"{path} holds no pairs")
    return pairs


def split_files(protocol):
    """The split files of a protocol folder, ordered by the number in their names (1 .. 10)."""
    files = [p for p in pathlib.Path(protocol).glob("*.txt") if re.search(r"(\d+)\.txt$", p.name)]
    files.sort(key=lambda p: int(re.search(r"(\d+)\.txt$", p.name).group(1)))
    if len(files) < 2:
        raise ValueError(f"{protocol} must hold the numbered split files (ASLAN View 2: 10), found {len(files)}")
    return files


def prepare(videos, protocol, out):
    videos = pathlib.Path(videos).resolve()
    if not videos.is_dir():
        raise FileNotFoundError(f"video folder not found: {videos}")
    folds = [parse_split_file(path, videos) for path in split_files(protocol)]
    out = pathlib.Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    from keras_stvideo.utils.atomic import atomic_path

    with atomic_path(out) as tmp:
        tmp.write_text(json.dumps({"root": str(videos), "folds": folds}, indent=1))
    same = sum(p[2] for fold in folds for p in fold)
    total = sum(len(fold) for fold in folds)
    print(f"wrote {out}: {len(folds)} folds, {total} pairs ({same} same, {total - same} not same)")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--videos", required=True, help="folder holding the ASLAN videos")
    parser.add_argument("--protocol", required=True, help="folder holding the 10 View-2 split files")
    parser.add_argument("--out", required=True, help="pairs JSON to write")
    args = parser.parse_args(argv)
    try:
        prepare(args.videos, args.protocol, args.out)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
