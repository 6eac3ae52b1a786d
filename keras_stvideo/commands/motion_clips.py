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


def run(args):
    import pathlib

    import numpy as np
    from tqdm import tqdm

    from keras_stvideo.data.motion_clips import DEFAULT_MOTIONS, MotionClips, check_writable
    from keras_stvideo.data.preview import write_preview

    out = pathlib.Path(args.out)
    if out.exists():
        raise ValueError(f"--out must not exist yet (nothing is overwritten), got existing {out}")
    check_writable(out)
    if args.preview:
        if not args.preview.lower().endswith((".gif", ".mp4")):
            raise ValueError(f"--preview must end in .gif or .mp4, got {args.preview!r}")
        check_writable(args.preview)
    if len(args.frame_size) not in (1, 2):
        raise ValueError(f"--frame-size takes one or two integers, got {args.frame_size}")
    if args.clips_per_class < 1:
        raise ValueError(f"--clips-per-class must be positive, got {args.clips_per_class}")
    frame_size = args.frame_size[0] if len(args.frame_size) == 1 else tuple(args.frame_size)
    generator = MotionClips(
        frame_size=frame_size, num_frames=args.num_frames, motions=tuple(args.motions or DEFAULT_MOTIONS),
        objects=args.objects, seed=args.seed,
    )
    total = generator.num_classes * args.clips_per_class
    with tqdm(total=total, desc="motion-clips", unit="clip") as progress:
        index = generator.write(out, clips_per_class=args.clips_per_class, clips_per_group=args.clips_per_group,
                                num_splits=args.splits, codec=args.codec, fps=args.fps, progress=progress.update)
    print(f"wrote {out}: {len(index.entries)} clips of {generator.num_frames} frames "
          f"{generator.frame_size[0]}x{generator.frame_size[1]}, {generator.num_classes} classes "
          f"({', '.join(generator.class_names)}), splits {index.split_names}")
    for split in index.split_names:
        print(f"  {split}: {index.counts(split)}")
    if args.preview:
        # One clip of each class, in label order, drawn with the same settings.
        x, _ = generator.generate(generator.num_classes, seed=[args.seed, 1],
                                  labels=np.arange(generator.num_classes), dtype="float32")
        write_preview(args.preview, x, fps=8, columns=int(math.ceil(math.sqrt(len(x)))))
        print(f"wrote {args.preview} (one clip per class, in label order)")
    return 0
