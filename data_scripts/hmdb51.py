"""HMDB51: download, verify, unpack (a RAR of per-class RARs) and index with the three official splits.

    python data_scripts/hmdb51.py --root data/hmdb51

Needs the 'rarfile' package and a RAR tool: see docs/datasets.md. Writes ROOT/index.json.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

ARCHIVES = {
    "hmdb51_org.rar": {"url": "http://serre-lab.clps.brown.edu/wp-content/uploads/2013/10/hmdb51_org.rar"},
    "test_train_splits.rar": {"url": "http://serre-lab.clps.brown.edu/wp-content/uploads/2013/10/test_train_splits.rar"},
}


def prepare(root, skip_download=False, allow_missing=False, verify=True):
    from tqdm import tqdm

    from keras_stvideo.data.datasets import hmdb51
    from keras_stvideo.data.download import unpack

    root = Path(root)
    archives = _common.fetch_all(ARCHIVES, root, skip_download)
    outer = unpack(archives["hmdb51_org.rar"], root / "class_archives")
    videos = root / "videos"
    videos.mkdir(parents=True, exist_ok=True)
    for class_rar in tqdm(sorted(outer.rglob("*.rar")), desc="classes", unit="rar"):
        unpack(class_rar, videos / class_rar.stem)  # each class RAR holds a folder of the same name
    for nested in sorted(videos.iterdir()):  # flatten <class>/<class>/*.avi into <class>/*.avi
        inner = nested / nested.name
        if inner.is_dir():
            for video in inner.iterdir():
                video.rename(nested / video.name)
            inner.rmdir()
    splits = unpack(archives["test_train_splits.rar"], root / "splits")
    split_dir = next((p.parent for p in splits.rglob("*_test_split1.txt")), splits)
    index = hmdb51.build_index(videos, split_dir, allow_missing=allow_missing)
    return _common.finish(index, root, verify)


main = _common.main_for(prepare, __doc__)


if __name__ == "__main__":
    _common.run(main)
