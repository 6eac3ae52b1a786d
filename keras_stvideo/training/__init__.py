"""Training code shared by several papers: resumable fits, epoch-aware datasets.

- ``epoch_backup``: ``EpochBackup`` (atomic per-epoch state, resume) and ``DatasetEpochSync``.
- ``epochs``: the ``EpochCounter`` mixin for PyDatasets that draw new data every epoch.
<<<<<<< HEAD
- ``precision``: ``cpu_has_bfloat16`` and ``check_mixed_precision_hardware`` (warns before a bfloat16 run
  on a CPU without bfloat16 instructions).
=======
- ``optimizers``: ``CaffeSGD`` (weight decay added to the gradient, through momentum).
>>>>>>> dbb8024 (FstCN: dropout 0.5 after the SCL path's FCs ([10]'s spatial net), CaffeSGD (L2 through momentum, as Caffe) for fstcn_optimizer, M not attributed to the paper; one V_diff definition (fstcn_clip_pair_at, FstcnClipPair); VideoClipDataset counts epochs with EpochCounter and takes its inputs by name)
"""

from keras_stvideo.utils.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "EpochBackup": ".epoch_backup",
    "DatasetEpochSync": ".epoch_backup",
    "EpochCounter": ".epochs",
<<<<<<< HEAD
    "cpu_has_bfloat16": ".precision",
    "check_mixed_precision_hardware": ".precision",
=======
    "CaffeSGD": ".optimizers",
>>>>>>> dbb8024 (FstCN: dropout 0.5 after the SCL path's FCs ([10]'s spatial net), CaffeSGD (L2 through momentum, as Caffe) for fstcn_optimizer, M not attributed to the paper; one V_diff definition (fstcn_clip_pair_at, FstcnClipPair); VideoClipDataset counts epochs with EpochCounter and takes its inputs by name)
})
