"""UCF101 (Soomro et al. 2012): ``classInd.txt``, ``trainlist0{1,2,3}.txt``, ``testlist0{1,2,3}.txt``."""

import logging
import pathlib

from keras_stvideo.data.datasets._tree import VideoTree, missing_videos_error
from keras_stvideo.data.video_index import VideoEntry, VideoIndex

logger = logging.getLogger(__name__)
SPLITS = (1, 2, 3)


def read_class_index(path):
    """``classInd.txt`` ("1 ApplyEyeMakeup" per line) -> list of class names in label order."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"UCF101 class index not found: {path}")
    names = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or not parts[0].isdigit():
            raise ValueError(f"{path}:{number}: expected '<class number> <class name>', got {line!r}")
        names[int(parts[0])] = parts[1]
    if sorted(names) != list(range(1, len(names) + 1)):
        raise ValueError(f"{path}: class numbers must run from 1 to {len(names)}")
    return [names[i] for i in range(1, len(names) + 1)]


def read_split_list(path):
    """``trainlist0k.txt`` ("Class/v_..._gXX_cYY.avi 12") or ``testlist0k.txt`` (path only) -> paths."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"UCF101 split file not found: {path}")
    return [line.split()[0] for line in path.read_text().splitlines() if line.strip()]


def build_index(video_root, splits_dir, allow_missing=False):
    """A ``VideoIndex`` of UCF101 with the three official splits ("split1", "split2", "split3").

    Labels follow ``classInd.txt`` (number - 1); videos are matched to the files
    ignoring letter case; the group ("gXX") is kept, since the official splits
    keep groups apart.
    """
    splits_dir = pathlib.Path(splits_dir)
    tree = VideoTree(video_root)
    class_names = read_class_index(splits_dir / "classInd.txt")
    label_of = {name.lower(): i for i, name in enumerate(class_names)}
    roles = {}
    for split in SPLITS:
        for role, filename in (("train", f"trainlist0{split}.txt"), ("test", f"testlist0{split}.txt")):
            listed = read_split_list(splits_dir / filename)
            missing = []
            for relative in listed:
                found = tree.find(relative)
                if found is None:
                    missing.append(relative)
                    continue
                roles.setdefault(found, {})[f"split{split}"] = role
            if missing:
                if not allow_missing:
                    raise missing_videos_error("UCF101", splits_dir / filename, missing)
                logger.warning("UCF101: skipping %d missing videos listed in %s", len(missing), filename)
    entries = []
    for relative, splits in sorted(roles.items()):
        folder = relative.split("/")[0].lower()
        if folder not in label_of:
            raise ValueError(f"UCF101: video {relative} is in folder {folder!r}, which classInd.txt does not name")
        group = relative.rsplit("_g", 1)[-1][:2] if "_g" in relative else None
        entries.append(VideoEntry(relative, label_of[folder], splits, group=group))
    return VideoIndex(video_root, class_names, entries, name="ucf101")
