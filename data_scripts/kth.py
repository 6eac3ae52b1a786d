"""KTH actions: download, verify, unpack and index (KTH1, KTH2 and Schuldt's person split).

    python data_scripts/kth.py --root data/kth

Six ZIP archives of AVI files and the sub-sequence file 00sequences.txt. Writes ROOT/index.json.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

BASE = "https://www.csc.kth.se/cvap/actions/"
ACTIONS = ("walking", "jogging", "running", "boxing", "handwaving", "handclapping")
ARCHIVES = {f"{action}.zip": {"url": f"{BASE}{action}.zip"} for action in ACTIONS}
SEQUENCES = {"00sequences.txt": {"url": f"{BASE}00sequences.txt"}}


def prepare(root, skip_download=False, allow_missing=False, verify=True):
    from keras_stvideo.data.datasets import kth
    from keras_stvideo.data.download import unpack

    root = Path(root)
    archives = _common.fetch_all({**ARCHIVES, **SEQUENCES}, root, skip_download)
    videos = root / "videos"
    for action in ACTIONS:
        unpack(archives[f"{action}.zip"], videos / action)
    index = kth.build_index(videos, archives["00sequences.txt"], allow_missing=allow_missing)
    return _common.finish(index, root, verify)


main = _common.main_for(prepare, __doc__)


if __name__ == "__main__":
    _common.run(main)
