"""The dataset index: (video path, label, split membership) for every video, saved as JSON.

``index.json`` stores its root relative to the index file's folder (``"."`` when the index lies in the
dataset's root) and every entry's path relative to the root, so a dataset folder can be moved or
copied with its index. Indexes written with an absolute root still load; when that root no longer
exists, the index file's folder is taken as the root.
"""

import dataclasses
import json
import os
import pathlib

from keras_stvideo.utils.atomic import atomic_path

ROLES = ("train", "validation", "test", "unused")


@dataclasses.dataclass(frozen=True)
class VideoEntry:
    """One video (or sub-sequence of a video).

    Attributes:
        path: path relative to the index's root.
        label: integer class in [0, number of classes).
        splits: split name -> role ("train", "validation", "test" or "unused"),
            e.g. ``{"split1": "train", "split2": "test", "split3": "train"}``.
        frame_range: optional (start, stop) frames, stop exclusive (KTH sub-sequences).
        group: optional grouping key (UCF101 group, KTH person) for reference.
    """

    path: str
    label: int
    splits: dict
    frame_range: tuple = None
    group: str = None


class VideoIndex:
    """A dataset index that the data scripts write and the data pipeline reads.

    Example:
        >>> index = VideoIndex.load("ucf101/index.json")  # doctest: +SKIP
        >>> train = index.entries_for("split1", "train")  # doctest: +SKIP
    """

    def __init__(self, root, class_names, entries, name=""):
        self.root = pathlib.Path(root)
        self.class_names = list(class_names)
        self.entries = list(entries)
        self.name = name
        for entry in self.entries:
            if not 0 <= entry.label < len(self.class_names):
                raise ValueError(f"entry {entry.path} has label {entry.label}, outside [0, {len(self.class_names)})")
            bad = {role for role in entry.splits.values() if role not in ROLES}
            if bad:
                raise ValueError(f"entry {entry.path} has unknown split roles {sorted(bad)}; allowed {ROLES}")

    @property
    def split_names(self):
        return sorted({name for entry in self.entries for name in entry.splits})

    def entries_for(self, split, role):
        """Entries with ``role`` in ``split``."""
        if split not in self.split_names:
            raise ValueError(f"unknown split {split!r}; this index has {self.split_names}")
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {role!r}")
        return [entry for entry in self.entries if entry.splits.get(split) == role]

    def path_of(self, entry):
        return self.root / entry.path

    def counts(self, split):
        """{role: number of entries} for one split."""
        counts = {}
        for entry in self.entries:
            role = entry.splits.get(split)
            if role is not None:
                counts[role] = counts.get(role, 0) + 1
        return counts

    def save(self, path):
        """Write the index to ``path`` with the root relative to ``path``'s folder (absolute if on another drive)."""
        folder = pathlib.Path(path).absolute().parent
        try:
            root = pathlib.Path(os.path.relpath(self.root.absolute(), folder)).as_posix()
        except ValueError:  # Windows: another drive
            root = str(self.root.absolute())
        payload = {
            "name": self.name,
            "root": root,
            "class_names": self.class_names,
            "entries": [
                {k: v for k, v in dataclasses.asdict(e).items() if v is not None} for e in self.entries
            ],
        }
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(payload, indent=1))
        return pathlib.Path(path)

    @classmethod
    def load(cls, path):
        path = pathlib.Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"dataset index not found: {path}")
        try:
            payload = json.loads(path.read_text())
            entries = [
                VideoEntry(path=e["path"], label=int(e["label"]), splits=dict(e["splits"]),
                           frame_range=tuple(e["frame_range"]) if e.get("frame_range") else None, group=e.get("group"))
                for e in payload["entries"]
            ]
            root = pathlib.Path(payload["root"])
            if not root.is_absolute():
                root = path.parent / root
            elif not root.is_dir():  # an old absolute index whose dataset folder was moved with it
                root = path.parent
            return cls(root, payload["class_names"], entries, payload.get("name", ""))
        except (KeyError, TypeError, json.JSONDecodeError) as error:
            raise ValueError(f"{path} is not a keras_stvideo dataset index: {error}") from error
