"""KTH (Schuldt et al. 2004): the person split, ``00sequences.txt`` and the KTH1 / KTH2 protocols.

Schuldt et al.'s split by person: training 11-18, validation 19-21, 23-25, 1, 4,
test 22, 2, 3, 5-10. Baccouche et al. report two protocols (Baccouche et al. 2012):

* "KTH1": all four scenarios (d1 outdoors, d2 scale variations, d3 different
  clothes, d4 indoors) together, trained on the 16 training + validation persons
  and tested on the 9 test persons; split name "kth1".
* "KTH2": the same person split but each scenario a separate dataset, results
  averaged over the four; split names "kth2_d1" ... "kth2_d4" (videos of the
  other scenarios are "unused" there).

See docs/faithfulness.md for why these readings were chosen.
"""

import logging
import pathlib
import re

from keras_stvideo.data.datasets._tree import VideoTree, missing_videos_error
from keras_stvideo.data.video_index import VideoEntry, VideoIndex

logger = logging.getLogger(__name__)
CLASS_NAMES = ["boxing", "handclapping", "handwaving", "jogging", "running", "walking"]
TRAIN_PERSONS = (11, 12, 13, 14, 15, 16, 17, 18)
VALIDATION_PERSONS = (19, 20, 21, 23, 24, 25, 1, 4)
TEST_PERSONS = (22, 2, 3, 5, 6, 7, 8, 9, 10)
SCENARIOS = ("d1", "d2", "d3", "d4")
NAME = re.compile(
    r"^person(?P<person>0[1-9]|1\d|2[0-5])_(?P<action>" + "|".join(CLASS_NAMES) + r")_(?P<scenario>d[1-4])$"
)


def parse_sequences_file(path):
    """``00sequences.txt`` -> {"person01_boxing_d1": [(start, stop), ...]} with 0-based, stop-exclusive frames.

    Lines look like ``person01_boxing_d1   frames  1-95, 96-185, 186-245, 246-360``
    (1-based, inclusive). Known typos in the official file (missing commas,
    stray spaces) are tolerated.
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"KTH sequences file not found: {path}")
    ranges = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if "frames" not in line:
            continue
        name, _, spans = line.partition("frames")
        name = name.strip()
        if not NAME.match(name):
            raise ValueError(f"{path}:{number}: unexpected sequence name {name!r}")
        pairs = re.findall(r"(\d+)\s*-\s*(\d+)", spans)
        if not pairs:
            raise ValueError(f"{path}:{number}: no frame ranges in {line!r}")
        ranges[name] = [(int(a) - 1, int(b)) for a, b in pairs]
    return ranges


def role_of_person(person):
    if person in TRAIN_PERSONS:
        return "train"
    if person in VALIDATION_PERSONS:
        return "validation"
    if person in TEST_PERSONS:
        return "test"
    raise ValueError(f"KTH has persons 1 to 25, got {person}")


def build_index(video_root, sequences_file=None, use_subsequences=True, allow_missing=False):
    """A ``VideoIndex`` of KTH with the splits "kth1" and "kth2_d1" ... "kth2_d4".

    With ``use_subsequences`` (and a ``00sequences.txt``), every annotated
    sub-sequence is its own entry with its ``frame_range``.
    """
    tree = VideoTree(video_root)
    sequences = parse_sequences_file(sequences_file) if sequences_file else {}
    entries, missing = [], []
    names = sorted(sequences) if sequences else sorted(
        pathlib.PurePosixPath(p).stem.replace("_uncomp", "") for p in tree.paths()
    )
    for name in names:
        match = NAME.match(name)
        if not match:
            continue
        action, person, scenario = match["action"], int(match["person"]), match["scenario"]
        found = tree.find(f"{name}_uncomp.avi") or tree.find(f"{action}/{name}_uncomp.avi")
        if found is None:
            missing.append(f"{name}_uncomp.avi")
            continue
        role = role_of_person(person)
        kth1_role = "train" if role in ("train", "validation") else "test"
        splits = {"kth1": kth1_role}
        splits.update({f"kth2_{d}": (kth1_role if d == scenario else "unused") for d in SCENARIOS})
        splits["schuldt"] = role
        label = CLASS_NAMES.index(action)
        spans = sequences.get(name) if use_subsequences else None
        for span in spans or [None]:
            entries.append(VideoEntry(found, label, splits, frame_range=span, group=f"person{person:02d}"))
    if missing:
        if not allow_missing:
            raise missing_videos_error("KTH", sequences_file or video_root, missing)
        logger.warning("KTH: skipping %d missing videos", len(missing))
    return VideoIndex(video_root, CLASS_NAMES, entries, name="kth")
