"""``stvideo reproduce shan2017``: Shan & Atanasov 2017's Table I beside the measured one.

Cheap to import (the experiment itself, ``experiment.py``, loads Keras when the
run starts), so ``stvideo --help`` and option errors stay fast.
"""

import argparse
import dataclasses

from keras_stvideo.reproductions.attention_lstm.settings import (MODEL_NAMES, PAPER_RESULTS, PROTOCOLS, QUICK_MODELS,
                                                          QUICK_PROTOCOLS, QUICK_VARIANTS, ReproductionSettings)
from keras_stvideo.training.schedules import LR_SCHEDULES
from keras_stvideo.reproductions import positive_integer_options
from keras_stvideo.utils.quiet import quiet_tensorflow

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
    "settings_per_class": "--videos-per-class",
}


def add_arguments(parser):
    parser.add_argument("--quick", action="store_true",
                        help="a reduced run that shows the method learning (under 5 minutes on 2 CPU cores): "
                             "LeNet, Normal variant, clean protocol, sorted labels, frozen features of 20,000 "
                             "videos, beside the paper's literal stage 2 (ReproductionSettings.quick)")
    parser.add_argument("--models", nargs="+", default=None, choices=tuple(MODEL_NAMES),
                        help="frame CNNs (default: lenet dcn; --quick: lenet)")
    parser.add_argument("--variants", nargs="+", default=None, choices=tuple(PAPER_RESULTS),
                        help="Moving MNIST variants (default: all five; --quick: normal)")
    parser.add_argument("--protocols", nargs="+", default=None, choices=PROTOCOLS,
                        help="default: paper clean; --quick: clean (and the paper's literal stage 2 on paper)")
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
    parser.add_argument("--mixed-precision", action=argparse.BooleanOptionalAction, default=None,
                        help="train in bfloat16 mixed precision: about 1.6x faster on CPUs with AVX512-BF16 or AMX "
                             "and on GPUs, several times SLOWER on other CPUs (5.7x measured on AVX2 only), "
                             "where a warning is printed before training (default: off; with --quick, on where the "
                             "CPU has bfloat16 instructions)")
    parser.add_argument("--videos-per-class", type=int, default=None,
                        help="test videos per class, and training videos per class without --train-videos "
                             "(paper: 10, i.e. 1,000 videos)")
    parser.add_argument("--paper-baseline", action=argparse.BooleanOptionalAction, default=None,
                        help="also a row with the paper's literal stage 2 (LSTM(8), drawn labels, 10 epochs, paper "
                             "protocol) on the same CNN (default: on with --quick)")
    parser.add_argument("--verbose", action="store_true",
                        help="Keras progress bars for every epoch (default: one line per step)")
    parser.add_argument("--save-models", action="store_true",
                        help="also save each trained video model as .keras in the output folder")
    parser.add_argument("--init-model", default=None,
                        help="continue training this video model (.keras, e.g. from --save-models) in stage 2 "
                             "instead of pre-training and training a new one; --models must name its frame CNN")
    parser.add_argument("--pretrained-cnn", default=None,
                        help="a pre-trained frame CNN in place of stage 1: its weights (.weights.h5, from "
                             "save_weights, e.g. benchmarks/shan2017_compare.py --state-dir) or a saved frame CNN "
                             "(.keras); --models must name its architecture")
    parser.add_argument("--backup-dir", default=None,
                        help="keep the training state here after every epoch; the same command run again resumes "
                             "an interrupted run from its last finished epoch (removed once the results are written)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mnist", default=None, help="MNIST .npz (keras.datasets.mnist layout)")
    parser.add_argument("--out", default="out/reproduce_shan2017", help="output folder")


def settings_from_args(args):
    """One ``ReproductionSettings`` from the parsed options; a ValueError names a bad option."""
    settings = ReproductionSettings.quick() if args.quick else ReproductionSettings()
    changes = positive_integer_options(args, _INTEGER_OPTIONS)
    if args.learning_rate is not None:
        if not args.learning_rate > 0:
            raise ValueError(f"--learning-rate must be positive, got {args.learning_rate}")
        changes["lstm_learning_rate"] = args.learning_rate
    for key in ("label_order", "lr_schedule", "init_model", "pretrained_cnn"):
        if getattr(args, key) is not None:
            changes[key] = getattr(args, key)
    for key in ("mixed_precision", "paper_baseline"):
        if getattr(args, key) is not None:
            changes[key] = getattr(args, key)
    for key in ("fine_tune", "fresh_videos"):
        if getattr(args, key):
            changes[key] = True
    return dataclasses.replace(settings, **changes)


def experiments_from_args(args):
    """``(models, variants, protocols)``: the options given, else the quick run's or the full run's defaults."""
    if args.quick:
        defaults = (QUICK_MODELS, QUICK_VARIANTS, QUICK_PROTOCOLS)
    else:
        defaults = (("lenet", "dcn"), tuple(PAPER_RESULTS), PROTOCOLS)
    given = (args.models, args.variants, args.protocols)
    return tuple(tuple(value) if value else default for value, default in zip(given, defaults))


def run(args):
    import shutil

    settings = settings_from_args(args)
    models, variants, protocols = experiments_from_args(args)
    rows = len(models) * (len(variants) * len(protocols) + (len(variants) if settings.paper_baseline else 0))
    print(f"stvideo reproduce shan2017{' --quick' if args.quick else ''}: {', '.join(models)}; "
          f"{', '.join(variants)}; {', '.join(protocols)} protocol(s); {rows} rows. One line per step "
          f"(stage 1, then each row) once it is done{'' if args.verbose else '; --verbose shows Keras progress bars'}.",
          flush=True)
    quiet_tensorflow()
    from keras_stvideo.reproductions.attention_lstm import experiment

    results = experiment.run_reproduction(
        models=models, variants=variants, protocols=protocols, settings=settings, seed=args.seed,
        mnist_path=args.mnist, save_dir=args.out if args.save_models else None, backup_dir=args.backup_dir,
        verbose=1 if args.verbose else 0, log=lambda line: print(line, flush=True),
    )
    print()
    print(experiment.markdown_table(results))
    print()
    print("\n".join(experiment.results_notes(results, settings)))
    json_path, md_path = experiment.save_results(results, args.out, settings, args.seed)
    print(f"\nwrote {json_path} and {md_path}")
    if args.backup_dir is not None:
        shutil.rmtree(args.backup_dir, ignore_errors=True)
        print(f"removed the finished run's backup {args.backup_dir}")
    return 0
