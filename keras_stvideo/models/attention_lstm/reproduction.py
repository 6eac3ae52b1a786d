"""``stvideo reproduce shan2017``: Shan & Atanasov 2017's Table I beside the measured one.

Cheap to import (the experiment itself, ``experiment.py``, loads Keras when the
run starts), so ``stvideo --help`` and option errors stay fast.
"""

import dataclasses

from keras_stvideo.models.attention_lstm.settings import MODEL_NAMES, PAPER_RESULTS, PROTOCOLS, ReproductionSettings
from keras_stvideo.training.schedules import LR_SCHEDULES

DESCRIPTION = (
    "Reproduce Shan & Atanasov 2017 (Table I and the digit-gesture experiment). Pre-train each frame CNN on "
    "Scaled MNIST, train an LSTM on its frozen features for every Moving MNIST variant, and report test "
    "cross-entropy and accuracy under the paper's protocol (train and test digits from the MNIST training set) "
    "and a clean one (unseen test digits). Writes results.json and results.md."
)
LABEL_ORDERS = ("drawn", "sorted")

# setting -> command-line option, for the positive integers a user may override
_INTEGER_OPTIONS = {
    "lstm_epochs": "--epochs",
    "pretrain_epochs": "--pretrain-epochs",
    "pretrain_samples": "--pretrain-samples",
    "pretrain_batch_size": "--pretrain-batch-size",
    "lstm_units": "--lstm-units",
    "train_videos": "--train-videos",
}


def add_arguments(parser):
    parser.add_argument("--quick", action="store_true", help="a reduced run (a few minutes on 2 CPU cores)")
    parser.add_argument("--models", nargs="+", default=["lenet", "dcn"], choices=tuple(MODEL_NAMES))
    parser.add_argument("--variants", nargs="+", default=None, choices=tuple(PAPER_RESULTS),
                        help="Moving MNIST variants (default: all five)")
    parser.add_argument("--protocols", nargs="+", default=list(PROTOCOLS), choices=PROTOCOLS)
    parser.add_argument("--epochs", type=int, default=None, help="LSTM epochs (paper: 10)")
    parser.add_argument("--pretrain-epochs", type=int, default=None, help="stage-1 epochs (not stated; default 1)")
    parser.add_argument("--pretrain-samples", type=int, default=None, help="stage-1 digits (default: all)")
    parser.add_argument("--pretrain-batch-size", type=int, default=None, help="stage-1 batch (not stated; default 128)")
    parser.add_argument("--lstm-units", type=int, default=None, help="LSTM output size (paper: 8)")
    parser.add_argument("--fine-tune", action="store_true", help="train CNN and LSTM end to end in stage 2")
    parser.add_argument("--learning-rate", type=float, default=None, help="stage-2 RMSProp learning rate (paper: 1e-3)")
    parser.add_argument("--train-videos", type=int, default=None,
                        help="training videos with random labels instead of the paper's 10 per class")
    parser.add_argument("--fresh-videos", action="store_true",
                        help="with --fine-tune and --train-videos N: N new training videos every epoch")
    parser.add_argument("--label-order", choices=LABEL_ORDERS, default=None,
                        help="'drawn' (paper: y = d_m d_n, at most 55%% on unseen videos) or 'sorted' (d_m <= d_n)")
    parser.add_argument("--lr-schedule", choices=LR_SCHEDULES, default=None,
                        help="stage-2 learning rate: constant (paper) or cosine decay to 0 over --epochs")
    parser.add_argument("--mixed-precision", action="store_true",
                        help="train in bfloat16 mixed precision: about 1.6x faster on CPUs with AVX512-BF16 or AMX "
                             "and on GPUs, several times SLOWER on other CPUs (5.7x measured on AVX2 only), "
                             "where a warning is printed before training")
    parser.add_argument("--save-models", action="store_true",
                        help="also save each trained video model as .keras in the output folder")
    parser.add_argument("--init-model", default=None,
                        help="continue training this video model (.keras, e.g. from --save-models) in stage 2 "
                             "instead of pre-training and training a new one; --models must name its frame CNN")
    parser.add_argument("--backup-dir", default=None,
                        help="keep the training state here after every epoch; the same command run again resumes "
                             "an interrupted run from its last finished epoch (removed once the results are written)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mnist", default=None, help="MNIST .npz (keras.datasets.mnist layout)")
    parser.add_argument("--out", default="out/reproduce_shan2017", help="output folder")


def settings_from_args(args):
    """One ``ReproductionSettings`` from the parsed options; a ValueError names a bad option."""
    settings = ReproductionSettings.quick() if args.quick else ReproductionSettings()
    changes = {}
    for key, option in _INTEGER_OPTIONS.items():
        value = getattr(args, option[2:].replace("-", "_"))
        if value is not None:
            if value < 1:
                raise ValueError(f"{option} must be positive, got {value}")
            changes[key] = value
    if args.learning_rate is not None:
        if not args.learning_rate > 0:
            raise ValueError(f"--learning-rate must be positive, got {args.learning_rate}")
        changes["lstm_learning_rate"] = args.learning_rate
    for key in ("label_order", "lr_schedule", "init_model"):
        if getattr(args, key) is not None:
            changes[key] = getattr(args, key)
    for key in ("mixed_precision", "fine_tune", "fresh_videos"):
        if getattr(args, key):
            changes[key] = True
    return dataclasses.replace(settings, **changes)


def run(args):
    import shutil

    from keras_stvideo.models.attention_lstm import experiment

    settings = settings_from_args(args)
    results = experiment.run_reproduction(
        models=args.models, variants=args.variants or tuple(PAPER_RESULTS), protocols=args.protocols,
        settings=settings, seed=args.seed, mnist_path=args.mnist, save_dir=args.out if args.save_models else None,
        backup_dir=args.backup_dir,
    )
    print()
    print(experiment.markdown_table(results))
    json_path, md_path = experiment.save_results(results, args.out, settings, args.seed)
    print(f"\nwrote {json_path} and {md_path}")
    if args.backup_dir is not None:
        shutil.rmtree(args.backup_dir, ignore_errors=True)
        print(f"removed the finished run's backup {args.backup_dir}")
    return 0
