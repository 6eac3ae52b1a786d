"""``stvideo data fetch DATASET``: download, verify, unpack and index a dataset (``keras_stvideo.data.fetch``).

No Keras at module level (``stvideo --help`` stays fast); the work is the package's, the same code the
``data_scripts/`` wrappers run.
"""

import argparse

VIDEO_DATASETS = ("kth", "ucf101", "hmdb51")  # keras_stvideo.data.fetch.VIDEO_DATASETS, without importing it
DATASETS = (*VIDEO_DATASETS, "mnist")


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "data",
        help="fetch a dataset: download, verify, unpack and index KTH, UCF101, HMDB51, or install MNIST",
        description="Dataset tools. 'stvideo data fetch DATASET --help' for one dataset's steps.",
    )
    actions = parser.add_subparsers(dest="data_command", metavar="ACTION")
    actions.required = True
    fetch = actions.add_parser(
        "fetch",
        help="download, verify, unpack and index a dataset",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Download (resumably, with size and checksum checks where known), unpack atomically and index a video "
            "dataset into ROOT (archives/, videos/, index.json), then decode every video once and list the broken "
            "ones in ROOT/broken_videos.txt; or install Keras' mnist.npz where load_mnist looks first.\n\n"
            "  stvideo data fetch kth --root data/kth\n"
            "  stvideo data fetch ucf101 --root data/ucf101   (needs rarfile and a RAR tool: "
            "pip install 'keras-stvideo[data]')\n"
            "  stvideo data fetch mnist [--dest PATH] [--from-file mnist.npz]"
        ),
    )
    fetch.add_argument("dataset", choices=DATASETS, help="which dataset")
    fetch.add_argument("--root", default=None, help="video datasets: folder for the archives, videos and index")
    fetch.add_argument("--skip-download", action="store_true",
                       help="video datasets: use the archives already in ROOT/archives")
    fetch.add_argument("--allow-missing", action="store_true",
                       help="video datasets: skip videos that the split files name but the archives lack")
    fetch.add_argument("--skip-verify", action="store_true",
                       help="video datasets: do not decode every video once after unpacking")
    fetch.add_argument("--dest", default=None,
                       help="mnist: where to put mnist.npz (default: Keras' cache, ~/.keras/datasets/mnist.npz)")
    fetch.add_argument("--from-file", default=None, help="mnist: install a local copy instead of downloading")
    fetch.add_argument("--sha256", default=None, help="mnist: expected SHA-256 ('' to skip, for other copies)")
    fetch.set_defaults(func=run)
    return parser


def check_args(args):
    """Options that belong to the other kind of dataset, or a missing --root, stop before anything is written."""
    video_options = [name for name, value in (("--root", args.root), ("--skip-download", args.skip_download),
                                              ("--allow-missing", args.allow_missing),
                                              ("--skip-verify", args.skip_verify)) if value]
    mnist_options = [name for name, value in (("--dest", args.dest), ("--from-file", args.from_file),
                                              ("--sha256", args.sha256)) if value is not None]
    if args.dataset == "mnist" and video_options:
        raise ValueError(f"{', '.join(video_options)} apply to the video datasets {VIDEO_DATASETS}, not to mnist")
    if args.dataset != "mnist":
        if mnist_options:
            raise ValueError(f"{', '.join(mnist_options)} apply to mnist, not to {args.dataset}")
        if args.root is None:
            raise ValueError(f"{args.dataset} needs --root DIR (the folder for its archives, videos and index)")


def run(args):
    check_args(args)
    from keras_stvideo.data import fetch

    if args.dataset == "mnist":
        fetch.install_mnist(args.dest, args.from_file, sha256=args.sha256)
        return 0
    prepare = fetch.VIDEO_DATASETS[args.dataset]
    return prepare(args.root, args.skip_download, args.allow_missing, not args.skip_verify)
