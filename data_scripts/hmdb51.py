"""HMDB51: download, verify, unpack (a RAR of per-class RARs) and index with the three official splits.

    python data_scripts/hmdb51.py --root data/hmdb51   # the same as: stvideo data fetch hmdb51 --root data/hmdb51

Needs the 'rarfile' package and a RAR tool: see docs/datasets.md. Writes ROOT/index.json.
The work is ``keras_stvideo.data.fetch.prepare_hmdb51``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

from keras_stvideo.data.fetch import HMDB51_ARCHIVES as ARCHIVES  # noqa: E402, F401
from keras_stvideo.data.fetch import prepare_hmdb51 as prepare  # noqa: E402

main = _common.main_for(prepare, __doc__)


if __name__ == "__main__":
    _common.run(main)
