"""Training code shared by several papers: resumable fits, epoch-aware datasets.

- ``epoch_backup``: ``EpochBackup`` (atomic per-epoch state, resume) and ``DatasetEpochSync``.
- ``epochs``: the ``EpochCounter`` mixin for PyDatasets that draw new data every epoch.
- ``precision``: ``cpu_has_bfloat16`` and ``check_mixed_precision_hardware`` (warns before a bfloat16 run
  on a CPU without bfloat16 instructions).
- ``losses``: the class-balanced hinge of Paul et al. 2018 (Eq. 2) and the Frobenius norm.
- ``optimizers``: ``CaffeSGD`` (weight decay added to the gradient, through momentum).
- ``two_stage``: ``TwoStage``, pre-train an encoder, freeze it, compute its features once, fit a head.
"""

from keras_stvideo.utils.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "EpochBackup": ".epoch_backup",
    "DatasetEpochSync": ".epoch_backup",
    "EpochCounter": ".epochs",
    "cpu_has_bfloat16": ".precision",
    "check_mixed_precision_hardware": ".precision",
    "class_balanced_hinge_loss": ".losses",
    "class_balanced_hinge_terms": ".losses",
    "frobenius_norm": ".losses",
    "ClassBalancedHinge": ".losses",
    "CaffeSGD": ".optimizers",
    "TwoStage": ".two_stage",
})
