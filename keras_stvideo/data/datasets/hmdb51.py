"""HMDB51 (Kuehne et al. 2011): ``<class>_test_split{1,2,3}.txt`` with 1 = train, 2 = test, 0 = unused."""

import logging
import pathlib
import re

from keras_stvideo.data.datasets._tree import VideoTree, missing_videos_error
from keras_stvideo.data.video_index import VideoEntry, VideoIndex

logger = logging.getLogger(__name__)
ROLE_OF_CODE = {"0": "unused", "1": "train", "2": "test"}
SPLIT_FILE = re.compile(r"^(?P<label>.+)_test_split(?P<split>[123])\.txt$")


def read_split_file(path):
    """One ``<class>_test_split<k>.txt`` -> [(video file name, role)]."""
    path = pathlib.Path(path)
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or parts[1] not in ROLE_OF_CODE:
            raise ValueError(f"{path}:{number}: expected '<video>.avi <0|1|2>', got {line!r}")
        rows.append((parts[0], ROLE_OF_CODE[parts[1]]))
    return rows


def build_index(video_root, splits_dir, allow_missing=False):
    """A ``VideoIndex`` of HMDB51 with the three official splits; labels in sorted class-name order."""
    splits_dir = pathlib.Path(splits_dir)
    if not splits_dir.is_dir():
        raise FileNotFoundError(f"HMDB51 split folder not found: {splits_dir}")
    files = {}
    for path in sorted(splits_dir.glob("*_test_split*.txt")):
        match = SPLIT_FILE.match(path.name)
        if match:
            files.setdefault(match["label"], {})[int(match["split"])] = path
    if not files:
        raise ValueError(f"HMDB51: no '<class>_test_split<k>.txt' files in {splits_dir}")
    incomplete = sorted(label for label, splits in files.items() if sorted(splits) != [1, 2, 3])
    if incomplete:
        raise ValueError(f"HMDB51: classes without all three split files in {splits_dir}: {incomplete}")
    class_names = sorted(files)
    tree = VideoTree(video_root)
    roles, labels = {}, {}
    for label, class_name in enumerate(class_names):
        for split, path in sorted(files[class_name].items()):
            missing = []
            for video, role in read_split_file(path):
                found = tree.find(f"{class_name}/{video}")
                if found is None:
                    missing.append(f"{class_name}/{video}")
                    continue
                roles.setdefault(found, {})[f"split{split}"] = role
                labels[found] = label
            if missing:
                if not allow_missing:
                    raise missing_videos_error("HMDB51", path, missing)
                logger.warning("HMDB51: skipping %d missing videos listed in %s", len(missing), path.name)
    entries = [VideoEntry(relative, labels[relative], splits) for relative, splits in sorted(roles.items())]
    return VideoIndex(video_root, class_names, entries, name="hmdb51")
