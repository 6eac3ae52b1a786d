"""``stvideo reproduce <paper>``: a paper's experiment beside the paper's table.

The papers and their options come from ``keras_stvideo.reproductions``; this
module only builds one sub-command per registered reproduction.
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
        paper_parser.set_defaults(func=command_function(reproduction))
    return parser
