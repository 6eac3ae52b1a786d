"""The ``stvideo`` command line: generate data, train, evaluate, export, reproduce.

Each subcommand lives in its own module under ``keras_stvideo.commands`` and
exposes ``add_parser(subparsers)``, which registers its arguments and sets
``func`` (called with the parsed arguments, returns an exit code). Command
modules import no Keras or TensorFlow at module level, so ``stvideo --help``
and option errors are fast and quiet.

Errors: a bad option, and any ``ValueError`` or ``OSError`` a command raises
(a missing, unwritable or corrupt file, ...), end the command with exit status 2
and one line on stderr, ``stvideo COMMAND: error: ...``, naming the path for an
``OSError``. Commands check their inputs and outputs before the work starts
(``keras_stvideo.utils.paths``) and write files atomically, so a failed command
leaves no partial file.
"""

import argparse
import importlib
import logging
import sys

from keras_stvideo.utils.quiet import quiet_tensorflow

# Order here is the order ``stvideo --help`` lists them.
COMMAND_MODULES = (
    "moving_mnist",
    "motion_clips",
    "reproduce",
    "compare",
    "export",
    "evaluate",
)
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (no usage block), exit status 2."""

    def error(self, message):
        self.exit(EXIT_ERROR, f"{self.prog}: error: {one_line(message)} (see '{self.prog} --help')\n")


class _StderrHandler(logging.Handler):
    """Writes to the current ``sys.stderr`` (looked up at each record, so captured streams work)."""

    def emit(self, record):
        try:
            print(self.format(record), file=sys.stderr)
        except Exception:  # noqa: BLE001 - logging must never raise
            self.handleError(record)


def one_line(text):
    """``text`` with every run of whitespace (newlines included) collapsed to one space."""
    return " ".join(str(text).split())


def describe_error(error):
    """A one-line description of an exception; for an ``OSError`` it names the path(s) involved."""
    if isinstance(error, OSError) and error.filename is not None:
        paths = f"{error.filename}" + (f" -> {error.filename2}" if error.filename2 is not None else "")
        return one_line(f"{error.strerror or type(error).__name__}: {paths}")
    return one_line(error) or type(error).__name__


def _configure_logging():
    """keras_stvideo's INFO lines (e.g. which MNIST source is used) go to stderr as plain text, once."""
    logger = logging.getLogger("keras_stvideo")
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def build_parser():
    parser = OneLineParser(
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
    """Run ``stvideo`` with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    quiet_tensorflow()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a bad option (2); argparse has printed the message
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else EXIT_ERROR)
    _configure_logging()
    name = " ".join(part for part in (args.command, getattr(args, "paper", None)) if part)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(f"stvideo {name}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ValueError, OSError) as error:
        print(f"stvideo {name}: error: {describe_error(error)}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
