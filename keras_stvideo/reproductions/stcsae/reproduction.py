"""``stvideo reproduce stcsae``: Baccouche et al. 2012's KTH results beside the measured ones.

Cheap to import (the experiment loads Keras when the run starts).
"""

import dataclasses

from keras_stvideo.reproductions.stcsae.settings import PROTOCOLS, STCSAESettings
from keras_stvideo.reproductions import positive_integer_options

DESCRIPTION = (
    "Reproduce Baccouche et al. 2012 (ST-CSAE) on KTH: train the spatio-temporal convolutional sparse "
    "auto-encoder (best-shift search, energy training) on motion-selected patches of the training persons' videos, "
    "then an LSTM on its frozen per-frame features, under KTH1 (scenarios together) and KTH2 (each scenario "
    "separately, averaged) on the official person split. --root DIR names a KTH copy prepared by "
    "stvideo data fetch kth --root DIR (DIR/index.json). --quick runs the whole pipeline on generated clips "
    "whose class is the motion instead, in minutes. Resumable: rerun the same command to continue. GEMEP-FERA "
    "is not public and is not run. Writes results.json and results.md."
)

# setting -> command-line option, for the positive integers a user may override
_INTEGER_OPTIONS = {
    "ae_epochs": "--ae-epochs",
    "lstm_epochs": "--lstm-epochs",
    "code_units": "--code-units",
    "code_steps": "--code-steps",
    "lstm_units": "--lstm-units",
    "patches_per_clip": "--patches-per-clip",
    "sequence_length": "--sequence-length",
}


def add_arguments(parser):
    parser.add_argument("--root", default=None, help="KTH folder with index.json (from stvideo data fetch kth)")
    parser.add_argument("--quick", action="store_true",
                        help="generated clips (class = direction of motion) instead of KTH: minutes on 2 CPU cores")
    parser.add_argument("--protocols", nargs="+", default=list(PROTOCOLS), choices=PROTOCOLS)
    parser.add_argument("--ae-epochs", type=int, default=None, help="stage-1 epochs (not stated; default 20)")
    parser.add_argument("--lstm-epochs", type=int, default=None, help="stage-2 epochs (not stated; default 30)")
    parser.add_argument("--code-units", type=int, default=None, help="code size (not stated; default 400)")
    parser.add_argument("--code-steps", type=int, default=None,
                        help="gradient steps on the code per batch (0: code = encoder output)")
    parser.add_argument("--lstm-units", type=int, default=None, help="LSTM cells (not stated; default 50)")
    parser.add_argument("--patches-per-clip", type=int, default=None, help="training patches drawn per sequence")
    parser.add_argument("--sequence-length", type=int, default=None, help="frames per classified window")
    parser.add_argument("--motion-threshold", type=float, default=None,
                        help="mean absolute frame difference a training patch must exceed (default 0.02)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/reproduce_stcsae", help="output folder (also the resume state)")


def settings_from_args(args):
    """One ``STCSAESettings`` from the parsed options; a ValueError names a bad option."""
    if not args.quick and args.root is None:
        raise ValueError("stvideo reproduce stcsae needs --root DIR (a KTH copy with index.json) or --quick")
    settings = STCSAESettings.quick() if args.quick else STCSAESettings()
    changes = positive_integer_options(args, _INTEGER_OPTIONS, zero_allowed=("code_steps",))
    if args.motion_threshold is not None:
        if args.motion_threshold < 0:
            raise ValueError(f"--motion-threshold must be non-negative, got {args.motion_threshold}")
        changes["motion_threshold"] = args.motion_threshold
    return dataclasses.replace(settings, **changes)


def run(args):
    from keras_stvideo.reproductions.stcsae import experiment

    settings = settings_from_args(args)
    if args.quick:
        results = experiment.run_synthetic(settings, seed=args.seed, out=None)
    else:
        results = experiment.run_kth(args.root, settings, protocols=args.protocols, seed=args.seed, out=args.out)
    print()
    print(experiment.markdown_table(results))
    json_path, md_path = experiment.save_results(results, args.out, settings, args.seed)
    print(f"\nwrote {json_path} and {md_path}")
    return 0
