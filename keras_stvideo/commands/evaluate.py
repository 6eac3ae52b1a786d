"""``stvideo evaluate``: a paper's classifier on a dataset index, with averaging and SCI fusion.

A two-input model (FstCN, or one of its single-path variants, whose input is named ``v_clip`` or ``v_diff``)
runs FstCN's protocol (``evaluate_fstcn``); any other single-input clip model (the C3D classifier of Paul et
al. 2018, TeSNet / TSN of Huang & Bors 2020, the CNN-LSTM of Shan & Atanasov 2017, the ST-CSAE LSTM of
Baccouche et al. 2012) runs ``evaluate_clip_classifier``.
"""


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate a paper's classifier (.keras) on a dataset index (averaging vs SCI fusion)",
        description=(
            "Run a trained classifier over every test video of a split and print top-1, top-5 and mean class "
            "accuracy for averaging and SCI fusion (Sun et al. 2015, Eqs. 5-7). FstCN (Sun et al. 2015; two "
            "inputs): 5 clip pairs (V_clip, V_diff) x 9 crops x 2 flips. A single-input clip classifier: the C3D "
            "classifier (Paul et al. 2018), TeSNet or TSN (Huang & Bors 2020), the CNN-LSTM (Shan & Atanasov "
            "2017) or the ST-CSAE LSTM (Baccouche et al. 2012): 10 clips of the model's T consecutive frames at "
            "uniformly spaced starts, resized to the model's frame size (or --frame-size for a fully "
            "convolutional model), grey when it takes one channel, each clip's scores fused."
        ),
    )
    parser.add_argument("model", help="a classifier saved as .keras (FstCN, C3D, TeSNet/TSN, CNN-LSTM, ST-CSAE LSTM)")
    parser.add_argument("index", help="index.json written by a data script")
    parser.add_argument("--split", default="split1")
    parser.add_argument("--role", default="test")
    parser.add_argument("--num-clips", type=int, default=None,
                        help="FstCN: clip pairs per video (M, not stated in the paper; default 5); other "
                             "classifiers: uniformly spaced clips per video (default 10)")
    parser.add_argument("--frame-size", type=int, nargs=2, default=None, metavar=("HEIGHT", "WIDTH"),
                        help="FstCN: resize frames before cropping (must exceed the model's crop size); a fully "
                             "convolutional clip classifier: the frame size it sees (default: as decoded)")
    parser.add_argument("--pixel-range", choices=("auto", "0-1", "0-255"), default="auto",
                        help="clip classifiers' input pixels: auto (0-255 for a model that rescales its input "
                             "itself, as TeSNet and TSN do; 0-1 otherwise)")
    parser.set_defaults(func=run)
    return parser


def check_args(args):
    """Reject bad options and unusable files before TensorFlow is imported; return the loaded index."""
    from keras_stvideo.commands._common import load_video_index
    from keras_stvideo.utils.paths import check_keras_archive, check_video_file

    if args.num_clips is not None and args.num_clips < 1:
        raise ValueError(f"--num-clips must be positive, got {args.num_clips}")
    if args.frame_size is not None and min(args.frame_size) < 1:
        raise ValueError(f"--frame-size must be two positive integers, got {args.frame_size}")
    check_keras_archive(args.model, "model")
    index = load_video_index(args.index, "index")
    entries = index.entries_for(args.split, args.role)  # also checks --split and --role
    if not entries:
        raise ValueError(f"the index {args.index} has no {args.role} videos in {args.split}")
    for entry in entries:
        path = index.path_of(entry)
        if not path.is_file():
            raise ValueError(f"index {args.index}: the {args.role} video {path} is missing or not a regular file")
        if not 0 <= entry.label < len(index.class_names):
            raise ValueError(f"index {args.index}: {entry.path} has label {entry.label}, outside its "
                             f"{len(index.class_names)} classes")
    check_video_file(index.path_of(entries[0]), f"index {args.index}:", what="video")
    return index, entries


def model_kind(model):
    """"fstcn" for FstCN's inputs (two, or one named ``v_clip`` / ``v_diff``), "clip" for another single input."""
    inputs = list(getattr(model, "inputs", None) or [])
    if len(inputs) == 2 or (len(inputs) == 1 and any(n in inputs[0].name for n in ("v_clip", "v_diff"))):
        return "fstcn"
    return "clip"


def check_clip_model(model, index, args):
    """A single-input clip classifier: its clips, classes and frame size must fit; memory must do."""
    from keras_stvideo.commands._common import check_memory
    from keras_stvideo.inference.clip_classifier import clip_input_shape

    try:
        frames, height, width, channels = clip_input_shape(model)
    except ValueError as error:
        raise ValueError(f"model {args.model}: {error}") from None
    num_classes = model.outputs[0].shape[-1]
    if num_classes != len(index.class_names):
        raise ValueError(f"model {args.model} predicts {num_classes} classes but the index {args.index} has "
                         f"{len(index.class_names)}: evaluate a model trained on this dataset")
    if height is not None and args.frame_size is not None and tuple(args.frame_size) != (height, width):
        raise ValueError(f"--frame-size: model {args.model} takes frames of {height} x {width}, got "
                         f"{' '.join(map(str, args.frame_size))} (leave it out)")
    size = (height, width) if height is not None else args.frame_size
    if size is not None:
        num_clips = args.num_clips or 10
        per_video = num_clips * frames * size[0] * size[1] * channels * 4 * 2
        check_memory(per_video, f"--num-clips {num_clips} (the clips of one video)", "--num-clips")
    return "clip"


def check_model(model, index, args):
    """The model must be a paper's classifier whose classes are the index's and whose inputs fit the frames (an
    FstCN's crops, a clip classifier's clips); memory must do. Returns ``model_kind(model)``."""
    from keras_stvideo.commands._common import check_memory

    if model_kind(model) == "clip":
        return check_clip_model(model, index, args)
    inputs = list(getattr(model, "inputs", None) or [])
    shape = tuple(inputs[0].shape) if inputs else ()
    if not inputs or len(shape) != 5 or any(d is None for d in shape[1:]):
        raise ValueError(f"model {args.model}: expected an FstCN taking clips (frames, height, width, channels), "
                         f"got inputs {[tuple(i.shape) for i in inputs]}")
    num_classes = model.outputs[0].shape[-1]
    if num_classes != len(index.class_names):
        raise ValueError(f"model {args.model} predicts {num_classes} classes but the index {args.index} has "
                         f"{len(index.class_names)}: evaluate a model trained on this dataset")
    clip_length, crop = int(shape[1]), int(shape[2])
    if args.frame_size is not None and min(args.frame_size) < crop:
        raise ValueError(f"--frame-size must be at least the model's {crop} x {crop} crops, got {args.frame_size}")
    # Every clip pair of a video is cropped 9 times and flipped: (num_clips x 18) inputs of each path at once.
    num_clips = args.num_clips or 5
    per_video = num_clips * 18 * len(inputs) * clip_length * crop * crop * int(shape[4]) * 4 * 2
    check_memory(per_video, f"--num-clips {num_clips} (the crops of one video)", "--num-clips")
    return "fstcn"


def run(args):
    index, _ = check_args(args)

    from keras_stvideo.commands._common import load_model_file
    from keras_stvideo.models.fstcn.fstcn_video_inference import evaluate_fstcn

    model = load_model_file(args.model, "model")
    frame_size = tuple(args.frame_size) if args.frame_size else None
    if check_model(model, index, args) == "clip":
        from keras_stvideo.inference.clip_classifier import evaluate_clip_classifier

        scale = {"auto": "auto", "0-1": 1.0 / 255.0, "0-255": 1.0}[args.pixel_range]
        report = evaluate_clip_classifier(model, index, args.split, args.role, args.num_clips or 10, frame_size,
                                          input_scale=scale)
    else:
        report = evaluate_fstcn(model, index, args.split, args.role, args.num_clips or 5, frame_size)
    print(f"{len(report['labels'])} videos, {args.split}/{args.role}")
    print("fusion   top-1    top-5    mean class")
    for fusion in ("average", "sci"):
        r = report[fusion]
        print(f"{fusion:8s} {100 * r['top1']:6.2f}%  {100 * r['top5']:6.2f}%  {100 * r['mean_class']:6.2f}%")
    return 0
