"""``stvideo reproduce <paper>``: a paper's experiment beside the paper's table.

The papers and their options come from ``keras_stvideo.reproductions``; this
module only builds one sub-command per registered reproduction, and checks the
options every reproduction shares (``--out``, and ``--mnist``, ``--init-model``,
``--backup-dir`` where a reproduction has them) before its ``run`` starts, so an
unwritable output folder or a missing input fails at once, not after training.
"""

from keras_stvideo.reproductions import REPRODUCTIONS, add_device_argument, command_function, load_reproduction


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "reproduce",
        help="reproduce a paper's experiment and print it beside the paper's table",
        description="Reproduce one paper's experiment. Run 'stvideo reproduce PAPER --help' for its options.",
    )
    papers = parser.add_subparsers(dest="paper", metavar="PAPER")
    papers.required = True
    for name in REPRODUCTIONS:
        reproduction = load_reproduction(name)
        paper_parser = papers.add_parser(name, help=reproduction.DESCRIPTION.split(". ")[0],
                                         description=reproduction.DESCRIPTION)
        reproduction.add_arguments(paper_parser)
        add_device_argument(paper_parser)
        paper_parser.set_defaults(func=_checked(command_function(reproduction)))
    return parser


def check_common_paths(args):
    """Check the paths of the options reproductions share; a PathError names the option."""
    import pathlib

    from keras_stvideo.commands._common import load_video_index
    from keras_stvideo.utils.paths import (
        check_input_file, check_keras_archive, check_output_folder, check_weights_file,
    )

    if getattr(args, "out", None) is not None:
        check_output_folder(args.out, "--out")
    if getattr(args, "mnist", None) is not None:
        check_input_file(args.mnist, "--mnist", what="MNIST .npz file")
    if getattr(args, "init_model", None) is not None:
        check_keras_archive(args.init_model, "--init-model")
    if getattr(args, "pretrained_cnn", None) is not None:
        check_weights_file(args.pretrained_cnn, "--pretrained-cnn")
    weights = getattr(args, "backbone_weights", None)
    if weights is not None and weights.lower() not in ("imagenet", "none"):
        check_weights_file(weights, "--backbone-weights")
    if getattr(args, "backup_dir", None) is not None:
        check_output_folder(args.backup_dir, "--backup-dir")
    for option in ("index", "ucf101", "hmdb51"):  # dataset indexes: opened and parsed before any training
        if getattr(args, option, None) is not None:
            load_video_index(getattr(args, option), f"--{option}")
    root = getattr(args, "root", None)
    if root is not None and (pathlib.Path(root) / "index.json").is_file():  # a missing one: the paper's message
        load_video_index(pathlib.Path(root) / "index.json", "--root")


def _checked(run):
    def run_checked(args):
        check_common_paths(args)
        return run(args)

    run_checked.__wrapped__ = run
    return run_checked
