"""``stvideo reproduce fstcn``: Sun et al. 2015's FstCN, averaging vs SCI fusion, beside Tables 2 and 3.

Cheap to import (Keras loads when the run starts), so ``stvideo --help`` and option errors stay fast.
"""

import dataclasses

from keras_stvideo.reproductions import positive_integer_options
from keras_stvideo.reproductions.fstcn.settings import FstcnSettings

DESCRIPTION = (
    "Reproduce Sun, Jia, Yeung & Shi 2015 (FstCN: factorized spatio-temporal convolutional networks). Train FstCN "
    "(the fstcn_paper preset: 204x204 crops, l_t 5, s_t 5, d_t 9, SGD momentum 0.9 with Caffe's weight decay, "
    "batch 32) on (V_clip, V_diff) pairs read from the training videos of a dataset index (--index, e.g. UCF101 "
    "from stvideo data fetch ucf101), then test every test video with M clip pairs x 9 crops x 2 flips fused by "
    "averaging and by SCI (Eqs. 5-7), and print top-1 beside the paper's Tables 2 and 3. --quick runs the whole "
    "pipeline on generated motion-labelled videos (MotionClips) with stvideo compare's reduced FstCN in about 5 "
    "minutes on 2 CPU cores. Resumable: run the same command again after an interruption. Writes results.json, "
    "results.md, training_curve.png and the trained fstcn.keras."
)


def add_arguments(parser):
    parser.add_argument("--quick", action="store_true",
                        help="generated MotionClips videos (6 motions, 60 videos per class of 24 frames at 32x32, "
                             "read back at 88x88) and stvideo compare's reduced FstCN (fstcn_compare: 80x80 crops, "
                             "Adam 1e-4), 30 epochs: about 5 minutes")
    parser.add_argument("--index", default=None,
                        help="the dataset's index.json (stvideo data fetch ucf101 or hmdb51); not with --quick")
    parser.add_argument("--split", default="split1", help="the index's split (default split1)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs of one clip pair per training video (not stated; default 50, --quick 30)")
    parser.add_argument("--batch-size", type=int, default=None, help="default 32 (section 2.5); --quick 16")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help="default 0.01 (not stated in the paper); --quick: Adam's 1e-4")
    parser.add_argument("--input-size", type=int, default=None,
                        help="crop side (default 204, section 2.5; --quick 80; at least 75)")
    parser.add_argument("--frame-size", type=int, nargs=2, default=None, metavar=("HEIGHT", "WIDTH"),
                        help="resize the frames to this before cropping (default: as they are; --quick 88 88)")
    parser.add_argument("--lower-filters", type=int, nargs=4, default=None, metavar="N",
                        help="the four lower SCLs' widths (default 96 256 512 512; --quick 24 64 128 128)")
    parser.add_argument("--fc-units", type=int, nargs=2, default=None, metavar="N",
                        help="each path's two FC layers (default 4096 2048; --quick 256 128)")
    parser.add_argument("--fusion-units", type=int, default=None, help="the FC after the concatenation (2048)")
    parser.add_argument("--test-clips", type=int, default=None,
                        help="M, clip pairs per test video (not stated in the paper; default 5)")
    parser.add_argument("--max-videos", type=int, default=None,
                        help="use at most this many training and this many test videos (tiny trial runs)")
    parser.add_argument("--videos-per-class", type=int, default=None,
                        help="--quick: generated videos per class (default 60; split 1 tests a quarter)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/reproduce_fstcn", help="output folder (also the resume state)")


def settings_from_args(args):
    """One ``FstcnSettings`` from the parsed options; a ValueError names a bad option."""
    if args.quick and args.index is not None:
        raise ValueError("--index is for the paper's setting; --quick generates its own videos: give one of them")
    if not args.quick and args.index is None:
        raise ValueError("give --index INDEX.json (e.g. UCF101 from stvideo data fetch ucf101) or --quick")
    changes = positive_integer_options(args, {"epochs": "--epochs", "batch_size": "--batch-size",
                                              "input_size": "--input-size", "fusion_units": "--fusion-units",
                                              "num_test_clips": "--test-clips", "max_videos": "--max-videos",
                                              "quick_videos_per_class": "--videos-per-class"})
    if "quick_videos_per_class" in changes:
        if not args.quick:
            raise ValueError("--videos-per-class is for --quick (generated videos)")
        if changes["quick_videos_per_class"] < 4:
            raise ValueError(f"--videos-per-class must be at least 4 (split 1 tests a quarter), got "
                             f"{changes['quick_videos_per_class']}")
    if args.learning_rate is not None:
        if not args.learning_rate > 0:
            raise ValueError(f"--learning-rate must be positive, got {args.learning_rate}")
        changes["learning_rate"] = args.learning_rate
    for option, key in (("--lower-filters", "lower_filters"), ("--fc-units", "fc_units")):
        values = getattr(args, key)
        if values is not None:
            if min(values) < 1:
                raise ValueError(f"{option} must be positive integers, got {' '.join(map(str, values))}")
            changes[key] = tuple(values)
    if not args.split:
        raise ValueError("--split must name one of the index's splits, got an empty name")
    changes["split"] = args.split
    base = FstcnSettings.quick_run() if args.quick else FstcnSettings.paper()
    input_size = changes.get("input_size", base.input_size)
    from keras_stvideo.reproductions.fstcn.settings import MIN_INPUT_SIZE

    if input_size < MIN_INPUT_SIZE:
        raise ValueError(f"--input-size must be at least {MIN_INPUT_SIZE} (the lower SCLs' strides), got "
                         f"{input_size}")
    if args.frame_size is not None:
        if min(args.frame_size) < input_size:
            raise ValueError(f"--frame-size must be at least the {input_size}-pixel crops each way, got "
                             f"{' '.join(map(str, args.frame_size))}")
        changes["frame_size"] = tuple(args.frame_size)
    elif args.quick and input_size > base.frame_size[0]:  # the generated frames are read back a little larger
        changes["frame_size"] = (input_size + 8, input_size + 8)
    return dataclasses.replace(base, **changes)


def check_index(path, split):
    """The index at ``path`` (checked before Keras loads): it must exist and hold training and test videos of
    ``split``; a ValueError names --index or --split."""
    from keras_stvideo.commands._common import load_video_index

    index = load_video_index(path, "--index")
    if split not in index.split_names:
        raise ValueError(f"--split {split!r} is not a split of {path}; it has {', '.join(index.split_names)}")
    counts = index.counts(split)
    for role in ("train", "test"):
        if not counts.get(role):
            raise ValueError(f"--index {path} has no {role} videos in {split}")
    return index


def run(args):
    import time

    from keras_stvideo.utils.paths import check_output_folder

    settings = settings_from_args(args)
    out = check_output_folder(args.out, "--out")
    index = None if args.quick else check_index(args.index, settings.split)

    from keras_stvideo.reproductions.fstcn import experiment

    started = time.time()
    results = experiment.run_reproduction(settings, out, index=index, index_path=args.index, seed=args.seed)
    print()
    print(experiment.markdown_table(results, settings))
    paths = experiment.save_results(results, out, settings, args.seed, seconds=time.time() - started)
    print(f"\nwrote {', '.join(str(p) for p in paths)} ({time.time() - started:.0f} s)")
    return 0
