"""UCF101: download, verify, unpack and index with the three official splits.

    python data_scripts/ucf101.py --root data/ucf101

Needs the 'rarfile' package and a RAR tool (unrar, unar, bsdtar from Debian's
libarchive-tools, or 7z): see docs/datasets.md. Writes ROOT/index.json.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

ARCHIVES = {
    "UCF101.rar": {"url": "https://www.crcv.ucf.edu/data/UCF101/UCF101.rar"},
    "UCF101TrainTestSplits-RecognitionTask.zip": {
        "url": "https://www.crcv.ucf.edu/data/UCF101/UCF101TrainTestSplits-RecognitionTask.zip"
    },
}


def prepare(root, skip_download=False, allow_missing=False, verify=True):
    from keras_stvideo.data.datasets import ucf101
    from keras_stvideo.data.download import unpack

    root = Path(root)
    archives = _common.fetch_all(ARCHIVES, root, skip_download)
    videos = unpack(archives["UCF101.rar"], root / "videos")
    splits = unpack(archives["UCF101TrainTestSplits-RecognitionTask.zip"], root / "splits")
    video_root = next((p for p in (videos / "UCF-101", videos) if p.is_dir()), videos)
    split_dir = next((p.parent for p in splits.rglob("classInd.txt")), splits)
    index = ucf101.build_index(video_root, split_dir, allow_missing=allow_missing)
    return _common.finish(index, root, verify)


main = _common.main_for(prepare, __doc__)


if __name__ == "__main__":
    _common.run(main)
