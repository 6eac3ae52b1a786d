"""``stvideo evaluate``: an FstCN on a dataset index, with averaging and SCI fusion."""


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate an FstCN .keras model on a dataset index (averaging vs SCI fusion)",
        description=(
            "Run an FstCN (Sun et al. 2015) over every test video of a split: 5 clip pairs (V_clip, V_diff) "
            "x 9 crops x 2 flips, fused by averaging and by SCI (Eqs. 5-7); prints top-1, top-5 and mean class "
            "accuracy for both fusions."
        ),
    )
    parser.add_argument("model", help="an FstCN saved as .keras")
    parser.add_argument("index", help="index.json written by a data script")
    parser.add_argument("--split", default="split1")
    parser.add_argument("--role", default="test")
    parser.add_argument("--num-clips", type=int, default=5, help="clip pairs per video (paper: 5)")
    parser.add_argument("--frame-size", type=int, nargs=2, default=None, metavar=("HEIGHT", "WIDTH"),
                        help="resize frames before cropping (must exceed the model's crop size)")
    parser.set_defaults(func=run)
    return parser


def check_args(args):
    """Reject bad options and unusable files before TensorFlow is imported."""
    from keras_stvideo.utils.paths import check_input_file, check_keras_archive

    if args.num_clips < 1:
        raise ValueError(f"--num-clips must be positive, got {args.num_clips}")
    if args.frame_size is not None and min(args.frame_size) < 1:
        raise ValueError(f"--frame-size must be two positive integers, got {args.frame_size}")
    check_keras_archive(args.model, "model")
    check_input_file(args.index, "index", what="dataset index")


def run(args):
    check_args(args)

    from keras_stvideo.commands._common import load_model_file
    from keras_stvideo.data.video_index import VideoIndex
    from keras_stvideo.models.fstcn.inference import evaluate_fstcn

    index = VideoIndex.load(args.index)
    if not index.entries_for(args.split, args.role):  # also checks --split and --role
        raise ValueError(f"the index {args.index} has no {args.role} videos in {args.split}")
    model = load_model_file(args.model, "model")
    report = evaluate_fstcn(model, index, args.split, args.role, args.num_clips,
                            tuple(args.frame_size) if args.frame_size else None)
    print(f"{len(report['labels'])} videos, {args.split}/{args.role}")
    print("fusion   top-1    top-5    mean class")
    for fusion in ("average", "sci"):
        r = report[fusion]
        print(f"{fusion:8s} {100 * r['top1']:6.2f}%  {100 * r['top5']:6.2f}%  {100 * r['mean_class']:6.2f}%")
    return 0
