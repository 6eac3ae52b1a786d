"""``stvideo reproduce tesnet``: Huang & Bors 2020's experiments beside Tables 1 to 4.

Cheap to import (Keras loads when the run starts), so ``stvideo --help`` and option errors stay fast.
"""

import dataclasses

from keras_stvideo.reproductions.tesnet.settings import BACKBONES, DATASETS, MODELS, STREAMS, TABLE1, TesnetSettings
from keras_stvideo.reproductions import positive_integer_options

DESCRIPTION = (
    "Reproduce Huang & Bors 2020 (TeSNet: Temporal Squeeze pooling in Inception-ResNet-V2). Train the RGB and/or "
    "TV-L1 flow stream on a UCF101 or HMDB51 split (SGD, Eq. 6's loss, TSN's augmentation), test each video with "
    "20 uniformly sampled clips on whole frames, fuse the streams, and print the result beside Tables 1-4. "
    "Resumable: run the same command again after an interruption. --quick runs the whole pipeline on generated "
    "motion-labelled videos (MotionClips) with a small backbone in about 10 minutes. Writes results.json and "
    "results.md."
)


def add_arguments(parser):
    parser.add_argument("--quick", action="store_true",
                        help="the whole pipeline on generated motion-labelled videos (MotionClips: 6 motions, "
                             "300 videos each, 32x32, K=16) with the small backbone, 20 epochs")
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="ucf101")
    parser.add_argument("--root", default=None,
                        help="dataset folder with index.json (stvideo data fetch ucf101 --root DIR)")
    parser.add_argument("--split", default="1", choices=("1", "2", "3", "all"),
                        help="official split, or 'all' for the mean over the three (Table 4)")
    parser.add_argument("--stream", choices=STREAMS, default="rgb", help="rgb, flow, or both fused (Table 3)")
    parser.add_argument("--model", choices=MODELS, default="tesnet",
                        help="tesnet, or Table 3's tsn (3 segments) / baseline (1 frame)")
    parser.add_argument("--setting", type=int, choices=sorted(TABLE1), default=1, help="Table 1's No. (default 1)")
    parser.add_argument("--frames", type=int, default=None, help="K, frames per clip (default 10; Table 2: 16, 64)")
    parser.add_argument("--squeezed-frames", type=int, nargs="+", default=None,
                        help="D per TS layer, replacing the setting's (Table 2's 64 frames: --setting 5 "
                             "--frames 64 --squeezed-frames 16 4)")
    parser.add_argument("--epochs", type=int, default=None, help="default 30 (section 3.1)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="default 32 (section 3.1); 8 for the 64-frame pyramid (section 3.3)")
    parser.add_argument("--learning-rate", type=float, default=None, help="default 0.001 RGB / 0.005 flow")
    parser.add_argument("--input-size", type=int, default=None, help="crop side (default 299)")
    parser.add_argument("--test-clips", type=int, default=None, help="clips per test video (default 20)")
    parser.add_argument("--backbone-weights", default=None,
                        help="'imagenet' (default), 'none', or an InceptionResNetV2(include_top=False) weights file")
    parser.add_argument("--backbone", choices=BACKBONES, default=None,
                        help="inception_resnet_v2 (the paper's; the default) or small (stvideo compare's recipe, "
                             "TeSNet setting 1 only; the --quick default for TeSNet)")
    parser.add_argument("--flow-backend", choices=("skimage", "opencv"), default="skimage")
    parser.add_argument("--flow-bound", type=float, default=None,
                        help="pixels a frame at which the colour-coded flow saturates (default 20, TSN's; --quick: "
                             "2.5, the same fraction of its 32-pixel frames as 20 of 256)")
    parser.add_argument("--videos-per-class", type=int, default=None,
                        help="--quick: generated videos per class (default 300; split 1 tests a quarter)")
    parser.add_argument("--flow-root", default=None, help="flow images folder (default ROOT/flow)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/reproduce_tesnet", help="output folder")


def settings_from_args(args):
    """One ``TesnetSettings`` from the parsed options; a ValueError names a bad option."""
    changes = {"dataset": args.dataset, "stream": args.stream, "model": args.model, "setting": args.setting,
               "splits": (1, 2, 3) if args.split == "all" else (int(args.split),), "flow_backend": args.flow_backend}
    changes.update(positive_integer_options(args, {"frames": "--frames", "epochs": "--epochs",
                                                   "batch_size": "--batch-size", "input_size": "--input-size",
                                                   "num_test_clips": "--test-clips",
                                                   "quick_videos_per_class": "--videos-per-class"}))
    if changes.get("quick_videos_per_class") is not None and not args.quick:
        raise ValueError("--videos-per-class is for --quick (generated videos)")
    if getattr(args, "flow_bound", None) is not None:
        if not args.flow_bound > 0:
            raise ValueError(f"--flow-bound must be positive, got {args.flow_bound}")
        changes["flow_bound"] = args.flow_bound
    if getattr(args, "backbone", None) is not None:
        changes["backbone"] = args.backbone
    if args.learning_rate is not None:
        changes["learning_rate"] = args.learning_rate
    if args.squeezed_frames is not None:
        changes["squeezed_frames"] = tuple(args.squeezed_frames)
    if args.backbone_weights is not None:
        changes["backbone_weights"] = None if args.backbone_weights.lower() == "none" else args.backbone_weights
    if args.quick:
        return TesnetSettings.quick_run(**changes)
    return dataclasses.replace(TesnetSettings(), **changes)


def run(args):
    from keras_stvideo.reproductions.tesnet import experiment

    settings = settings_from_args(args)
    results = experiment.run_reproduction(settings, root=args.root, out=args.out, seed=args.seed,
                                          flow_root=args.flow_root)
    print()
    print(experiment.markdown_table(results, settings))
    json_path, md_path = experiment.save_results(results, args.out, settings, args.seed)
    print(f"\nwrote {json_path} and {md_path}")
    return 0
