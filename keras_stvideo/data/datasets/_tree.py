"""Finding listed videos in a dataset folder, tolerant of letter case."""

import pathlib


class VideoTree:
    """The videos under ``root``, looked up by relative path ignoring letter case.

    UCF101's split lists spell some folders differently from the archive (for
    example ``HandStandPushups`` vs ``HandstandPushups``): a case-insensitive
    lookup resolves them to the file that exists.
    """

    def __init__(self, root, suffixes=(".avi", ".mp4")):
        self.root = pathlib.Path(root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"dataset folder not found: {self.root}")
        self._by_lower = {}
        for path in self.root.rglob("*"):
            if path.suffix.lower() in suffixes and path.is_file():
                relative = path.relative_to(self.root).as_posix()
                self._by_lower.setdefault(relative.lower(), relative)

    def find(self, relative):
        """The existing relative path for ``relative`` (any case), or None."""
        return self._by_lower.get(pathlib.PurePosixPath(relative).as_posix().lower())

    def paths(self):
        """The relative paths of every video found, as they are spelled on disk, sorted."""
        return sorted(self._by_lower.values())

    def __len__(self):
        return len(self._by_lower)


def missing_videos_error(dataset, split_file, missing):
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return ValueError(
        f"{dataset}: {len(missing)} video(s) named in {split_file} are not in the dataset folder: {shown}. "
        "Is the archive fully unpacked? Pass allow_missing=True to skip them."
    )
