"""``stvideo moving-mnist``: write an augmented Moving MNIST set (.npz) and a preview animation."""

import math
import os

import numpy as np


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "moving-mnist",
        help="generate an augmented Moving MNIST dataset (.npz) and a preview GIF/MP4",
        description=(
            "Generate augmented Moving MNIST (Shan & Atanasov 2017, section III): two digits bouncing on a "
            "64x64 canvas, rotated, scaled and/or elastically deformed. Writes x (N, T, 64, 64, 1) float32 "
            "in [0, 1], y (N,) labels 10*d1+d2, and the generation parameters, atomically."
        ),
    )
    parser.add_argument("--variant", default="rotation_scaling",
                        choices=("normal", "rotation", "scaling", "rotation_scaling", "elastic"),
                        help="augmentation variant of the paper (default: rotation_scaling)")
    parser.add_argument("--num-sequences", type=int, default=None,
                        help="number of sequences; default: the paper protocol (100 classes x 10 settings)")
    parser.add_argument("--sequence-length", type=int, default=5, help="frames per sequence (default 5)")
    parser.add_argument("--split", default="train", choices=("train", "test"), help="digit pool to draw from")
    parser.add_argument("--digit-source", default="disjoint", choices=("disjoint", "paper"),
                        help="'disjoint': train/test never share digit images; 'paper': both from MNIST train")
    parser.add_argument("--mnist", default=None, help="path to an MNIST .npz (keras.datasets.mnist layout)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same bytes)")
    parser.add_argument("--out", required=True, help="output .npz path")
    parser.add_argument("--preview", default=None, help="optional preview animation (.gif or .mp4)")
    parser.set_defaults(func=run)
    return parser


def check_args(args):
    """Reject bad options and unusable paths before any digit is drawn."""
    from keras_stvideo.utils.paths import PathError, check_input_file, check_output_file

    if args.num_sequences is not None and args.num_sequences < 1:
        raise ValueError(f"--num-sequences must be positive, got {args.num_sequences}")
    if args.sequence_length < 1:
        raise ValueError(f"--sequence-length must be positive, got {args.sequence_length}")
    from keras_stvideo.commands._common import check_memory

    num_sequences = 1000 if args.num_sequences is None else args.num_sequences
    # x is float32 (N, T, 64, 64, 1), held as chunks and once concatenated (about 2 copies).
    check_memory(2 * num_sequences * args.sequence_length * 64 * 64 * 4, "the sequences",
                 "--num-sequences or --sequence-length")
    if args.mnist is not None:
        check_input_file(args.mnist, "--mnist", what="MNIST .npz file")
        check_mnist_digits(args.mnist)
    check_output_file(args.out, "--out")
    if args.preview:
        check_output_file(args.preview, "--preview", suffixes=(".gif", ".mp4"))
        if os.path.abspath(args.preview) == os.path.abspath(args.out):
            raise PathError(f"--preview and --out must differ, both are {args.out!r}")


def check_mnist_digits(path):
    """The --mnist file must hold images of all ten digits in both pools (a sequence draws a digit of each class);
    a file numpy cannot read is left to the loader's own message."""
    from keras_stvideo.utils.paths import PathError

    try:
        with np.load(path, allow_pickle=False) as data:
            pools = {split: (data[f"x_{split}"].shape, np.unique(data[f"y_{split}"]))
                     for split in ("train", "test") if f"x_{split}" in data and f"y_{split}" in data}
    except Exception:  # noqa: BLE001 - not an .npz: the MNIST loader names the problem
        return
    for split, (shape, digits) in pools.items():
        if len(shape) != 3 or shape[0] == 0 or not set(range(10)) <= set(digits.tolist()):
            raise PathError(f"--mnist {path}: x_{split}/y_{split} must hold (N, H, W) images of all ten digits, "
                            f"got {shape[0] if shape else 0} images of digits {sorted(digits.tolist())}")


def run(args):
    check_args(args)

    from tqdm import tqdm

    from keras_stvideo.utils.atomic import atomic_path
    from keras_stvideo.data.moving_mnist import MovingMNIST
    from keras_stvideo.data.preview import write_preview

    generator = MovingMNIST.from_variant(
        args.variant, sequence_length=args.sequence_length, split=args.split,
        digit_source=args.digit_source, mnist_path=args.mnist, seed=args.seed,
    )
    if args.num_sequences is None:
        labels = np.repeat(np.arange(generator.num_classes), 10)
    else:
        labels = np.random.default_rng(args.seed).integers(0, generator.num_classes, args.num_sequences)
    chunk = 100
    xs, ys, angles, scales = [], [], [], []
    rng = np.random.default_rng(args.seed)
    with tqdm(total=len(labels), desc=f"moving-mnist {args.variant}", unit="seq") as progress:
        for start in range(0, len(labels), chunk):
            params = generator.sample_parameters(
                len(labels[start : start + chunk]), rng=rng, labels=labels[start : start + chunk]
            )
            xs.append(generator.render(params))
            ys.append(params.labels)
            angles.append(params.angles)
            scales.append(params.scales)
            progress.update(len(params.labels))
    x, y = np.concatenate(xs), np.concatenate(ys)
    with atomic_path(args.out) as tmp:  # the .npz takes its name only once the preview is written too
        with open(tmp, "wb") as handle:
            np.savez_compressed(handle, x=x, y=y, angles=np.concatenate(angles), scales=np.concatenate(scales))
        if args.preview:
            write_preview(args.preview, x[: min(16, len(x))], columns=int(math.ceil(math.sqrt(min(16, len(x))))))
    print(f"wrote {args.out}: x {x.shape} float32, y {y.shape} ({len(np.unique(y))} classes)")
    if args.preview:
        print(f"wrote {args.preview}")
    return 0
