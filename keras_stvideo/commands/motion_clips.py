"""``stvideo motion-clips``: write a generated motion-labelled video set (UCF101 layout) and a preview."""

import math


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "motion-clips",
        help="write generated motion-labelled clips as videos with UCF101-format splits and an index",
        description=(
            "Generate clips whose class is a motion (move left/right/up/down, zoom in/out, rotate) of textured "
            "shapes or MNIST digits over a drifting textured background, so that no single frame tells the "
            "class. Writes OUT/videos/<Class>/v_<Class>_gXX_cYY.avi, OUT/splits/classInd.txt, "
            "trainlist0k.txt and testlist0k.txt in the official UCF101 format, and OUT/index.json "
            "(a VideoIndex), all at once: OUT appears only when complete."
        ),
    )
    parser.add_argument("--out", required=True, help="output folder (must not exist)")
    parser.add_argument("--clips-per-class", type=int, default=20, help="clips of every class (default 20)")
    parser.add_argument("--clips-per-group", type=int, default=5,
                        help="clips per UCF101-style group gXX (default 5); splits test whole groups")
    parser.add_argument("--splits", type=int, default=3, help="number of train/test splits (default 3)")
    parser.add_argument("--frame-size", type=int, nargs="+", default=[64], metavar="PIXELS",
                        help="frame side, or height and width (default 64; 112 for C3D)")
    parser.add_argument("--num-frames", type=int, default=16, help="frames per clip (default 16)")
    parser.add_argument("--motions", nargs="+", default=None, metavar="MOTION",
                        help="classes in label order, among left right up down zoom_in zoom_out rotate_ccw "
                             "rotate_cw (default: the first six)")
    parser.add_argument("--objects", default="mixed", choices=("mixed", "shapes", "digits"),
                        help="what the objects are (default mixed)")
    parser.add_argument("--codec", default="ffv1", choices=("ffv1", "mjpeg"),
                        help="ffv1: lossless, read back exactly (default); mjpeg: lossy, smaller")
    parser.add_argument("--fps", type=int, default=25, help="frame rate stored in the files (default 25)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same clips)")
    parser.add_argument("--preview", default=None, help="optional preview animation of some clips (.gif or .mp4)")
    parser.set_defaults(func=run)
    return parser


def check_args(args):
    """Reject bad options, an existing or unwritable --out and an unwritable --preview before any clip is drawn.

    Writability is judged by creating (and removing) a probe file where the output goes, not by ``os.access``.
    """
    import math

    from keras_stvideo.commands._common import check_memory
    from keras_stvideo.utils.paths import PathError, check_output_file, check_output_folder

    if len(args.frame_size) not in (1, 2):
        raise ValueError(f"--frame-size takes one or two integers, got {args.frame_size}")
    if min(args.frame_size) < 16:
        raise ValueError(f"--frame-size must be at least 16 pixels each way, got {args.frame_size}")
    if args.num_frames < 2:
        raise ValueError(f"--num-frames must be at least 2, got {args.num_frames}")
    if args.clips_per_class < 1:
        raise ValueError(f"--clips-per-class must be positive, got {args.clips_per_class}")
    if not 1 <= args.splits <= 9:
        raise ValueError(f"--splits must be an integer in [1, 9], got {args.splits}")
    if args.motions is not None:
        from keras_stvideo.data.motion_clips import MOTIONS

        unknown = [m for m in args.motions if m not in MOTIONS]
        if unknown:
            raise ValueError(f"--motions: unknown motion {unknown[0]!r}; choose among {' '.join(MOTIONS)}")
        if len(set(args.motions)) != len(args.motions) or len(args.motions) < 2:
            raise ValueError(f"--motions must be at least two distinct motions, got {' '.join(args.motions)}")
    groups = math.ceil(args.clips_per_class / args.clips_per_group)
    if groups < args.splits + 1:
        raise ValueError(f"--clips-per-class {args.clips_per_class} and --clips-per-group {args.clips_per_group} "
                         f"give {groups} groups per class; --splits {args.splits} needs at least {args.splits + 1}")
    if groups > 99:
        raise ValueError(f"--clips-per-class / --clips-per-group give {groups} groups per class; at most 99 "
                         "(UCF101 file names): raise --clips-per-group or lower --clips-per-class")
    height, width = (args.frame_size * 2)[:2]
    num_classes = len(args.motions) if args.motions else 6
    # write() renders up to 256 clips at a time: uint8 frames plus float32 working copies (about 9 bytes a value).
    in_memory = min(256, num_classes * args.clips_per_class) * args.num_frames * height * width * 3 * 9
    check_memory(in_memory, "rendering the clips", "--frame-size or --num-frames")
    out = check_output_folder(args.out, "--out")
    if out.exists():
        raise PathError(f"--out must not exist yet (nothing is overwritten), got existing {out}")
    if args.preview:
        check_output_file(args.preview, "--preview", suffixes=(".gif", ".mp4"))  # inside --out is fine too
    return out


def run(args):
    import shutil

    import numpy as np
    from tqdm import tqdm

    out = check_args(args)

    from keras_stvideo.data.motion_clips import DEFAULT_MOTIONS, MotionClips
    from keras_stvideo.data.preview import write_preview

    frame_size = args.frame_size[0] if len(args.frame_size) == 1 else tuple(args.frame_size)
    generator = MotionClips(
        frame_size=frame_size, num_frames=args.num_frames, motions=tuple(args.motions or DEFAULT_MOTIONS),
        objects=args.objects, seed=args.seed,
    )
    total = generator.num_classes * args.clips_per_class
    with tqdm(total=total, desc="motion-clips", unit="clip") as progress:
        index = generator.write(out, clips_per_class=args.clips_per_class, clips_per_group=args.clips_per_group,
                                num_splits=args.splits, codec=args.codec, fps=args.fps, progress=progress.update)
    if args.preview:
        # One clip of each class, in label order, drawn with the same settings. Should it fail, the dataset goes
        # too, so that the corrected command can rerun with the same --out.
        try:
            x, _ = generator.generate(generator.num_classes, seed=[args.seed, 1],
                                      labels=np.arange(generator.num_classes), dtype="float32")
            write_preview(args.preview, x, fps=8, columns=int(math.ceil(math.sqrt(len(x)))))
        except BaseException:
            shutil.rmtree(out, ignore_errors=True)
            raise
    print(f"wrote {out}: {len(index.entries)} clips of {generator.num_frames} frames "
          f"{generator.frame_size[0]}x{generator.frame_size[1]}, {generator.num_classes} classes "
          f"({', '.join(generator.class_names)}), splits {index.split_names}")
    for split in index.split_names:
        print(f"  {split}: {index.counts(split)}")
    if args.preview:
        print(f"wrote {args.preview} (one clip per class, in label order)")
    return 0
