"""The ``stvideo`` command line: generate data, train, evaluate, export, reproduce.

Each subcommand lives in its own module under ``keras_stvideo.commands`` and
exposes ``add_parser(subparsers)``, which registers its arguments and sets
``func`` (called with the parsed arguments, returns an exit code). Modules are
imported only when the command line is parsed, so ``stvideo --help`` is fast.
"""

import argparse
import importlib
import sys

# Order here is the order ``stvideo --help`` lists them.
COMMAND_MODULES = (
    "moving_mnist",
    "motion_clips",
    "reproduce",
    "compare",
    "export",
    "evaluate",
)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="stvideo",
        description=(
            "keras_stvideo: spatio-temporal video classification papers in Keras 3. "
            "Run 'stvideo COMMAND --help' for the options of one command."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"keras_stvideo.commands.{name}")
        module.add_parser(subparsers)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError) as error:
        print(f"stvideo {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
