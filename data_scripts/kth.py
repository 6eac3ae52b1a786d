"""KTH actions: download, verify, unpack and index (KTH1, KTH2 and Schuldt's person split).

    python data_scripts/kth.py --root data/kth      # the same as: stvideo data fetch kth --root data/kth

Six ZIP archives of AVI files and the sub-sequence file 00sequences.txt. Writes ROOT/index.json.
The work is ``keras_stvideo.data.fetch.prepare_kth``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

from keras_stvideo.data.fetch import KTH_ACTIONS as ACTIONS  # noqa: E402, F401
from keras_stvideo.data.fetch import KTH_ARCHIVES as ARCHIVES  # noqa: E402, F401
from keras_stvideo.data.fetch import KTH_SEQUENCES as SEQUENCES  # noqa: E402, F401
from keras_stvideo.data.fetch import prepare_kth as prepare  # noqa: E402

main = _common.main_for(prepare, __doc__)


if __name__ == "__main__":
    _common.run(main)
