"""UCF101: download, verify, unpack and index with the three official splits.

    python data_scripts/ucf101.py --root data/ucf101   # the same as: stvideo data fetch ucf101 --root data/ucf101

Needs the 'rarfile' package and a RAR tool (unrar, unar, bsdtar from Debian's
libarchive-tools, or 7z): see docs/datasets.md. Writes ROOT/index.json.
The work is ``keras_stvideo.data.fetch.prepare_ucf101``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

from keras_stvideo.data.fetch import UCF101_ARCHIVES as ARCHIVES  # noqa: E402, F401
from keras_stvideo.data.fetch import prepare_ucf101 as prepare  # noqa: E402

main = _common.main_for(prepare, __doc__)


if __name__ == "__main__":
    _common.run(main)
