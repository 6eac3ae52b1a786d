"""The ``stvideo`` command line: generate data, train, evaluate, export, reproduce.

Each subcommand lives in its own module under ``keras_stvideo.commands`` and
exposes ``add_parser(subparsers)``, which registers its arguments and sets
``func`` (called with the parsed arguments, returns an exit code). Command
modules import no Keras or TensorFlow at module level, so ``stvideo --help``
and option errors are fast and quiet.

Errors: a bad option, and any ``ValueError`` or ``OSError`` a command raises
(a missing, unwritable or corrupt file, ...), end the command with exit status 2
and one line on stderr, ``stvideo COMMAND: error: ...``, naming the path for an
``OSError``. Any other exception (a bug, or running out of memory) ends it with
exit status 1 and one line, ``stvideo COMMAND: internal error: ...  (rerun with
--debug for the traceback)``; ``stvideo --debug ...`` (``--debug`` may also
follow the command) prints the traceback too. Ctrl-C exits with 130. Numeric
options are bounded (``keras_stvideo.commands._common``). Commands check their
inputs and outputs before the work starts (``keras_stvideo.utils.paths``) and
write files atomically, so a failed command leaves no partial file.
"""

import argparse
import importlib
import logging
import re
import sys
import traceback

from keras_stvideo.utils.quiet import quiet_tensorflow

# Order here is the order ``stvideo --help`` lists them.
COMMAND_MODULES = (
    "moving_mnist",
    "motion_clips",
    "data",
    "reproduce",
    "compare",
    "claims",
    "export",
    "evaluate",
)
EXIT_ERROR = 2
EXIT_INTERNAL = 1
EXIT_INTERRUPTED = 130
DEBUG_HINT = "rerun with --debug for the traceback"


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (no usage block), exit status 2."""

    def error(self, message):
        message = one_line(message)
        # "argument --seed: --seed must be ..." -> "--seed must be ...": the bounded types name the option already
        message = re.sub(r"^argument (\S+): \1 ", r"\1 ", message)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


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


# Temporary names of atomic writes (``.name.XXXX.part.npz``, ``.name.XXXX``): a message shows the final name.
_PART_NAME = re.compile(r"\.([^/\\\s]+?)\.[A-Za-z0-9_]{8}\.part(\.[A-Za-z0-9]+)*")


def _hide_temporary_names(text):
    return _PART_NAME.sub(lambda match: match.group(1), text)


def describe_error(error):
    """A one-line description of an exception; for an ``OSError`` it names the path(s) involved."""
    if isinstance(error, OSError) and error.filename is not None:
        paths = f"{error.filename}" + (f" -> {error.filename2}" if error.filename2 is not None else "")
        return _hide_temporary_names(one_line(f"{error.strerror or type(error).__name__}: {paths}"))
    return _hide_temporary_names(one_line(error)) or type(error).__name__


def is_input_error(error):
    """Whether ``error`` reports a bad input (exit status 2), not an internal failure (exit status 1).

    ``ValueError`` and ``OSError`` are what the checks raise; TensorFlow's errors (``tf.errors.OpError``, e.g.
    ``ResourceExhaustedError``) are ``Exception`` subclasses of neither, and are internal.
    """
    return isinstance(error, (ValueError, OSError)) and type(error).__module__.split(".")[0] not in (
        "tensorflow", "jax", "jaxlib", "torch")


def describe_internal_error(error):
    """One line for an unexpected exception: its class, its message and the --debug hint."""
    kind = type(error).__name__
    if isinstance(error, MemoryError) or kind == "ResourceExhaustedError":
        return (f"out of memory ({kind}{': ' + describe_error(error)[:200] if str(error) else ''}); lower the "
                f"sizes or counts of the options ({DEBUG_HINT})")
    text = describe_error(error)
    text = f"{kind}: {text[:300]}" if text and text != kind else kind
    return f"{text} ({DEBUG_HINT})"


def _split_debug(argv):
    """``argv`` without ``--debug`` (which may follow the command), and whether it was there."""
    argv = list(sys.argv[1:] if argv is None else argv)
    end = argv.index("--") if "--" in argv else len(argv)
    debug = "--debug" in argv[:end]
    return [a for i, a in enumerate(argv) if not (i < end and a == "--debug")], debug


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
    parser.add_argument("--debug", action="store_true",
                        help="on an unexpected error, print the traceback (may also follow the command)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"keras_stvideo.commands.{name}")
        module.add_parser(subparsers)
    from keras_stvideo.commands._common import bound_numeric_options

    return bound_numeric_options(parser)


def main(argv=None):
    """Run ``stvideo`` with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    quiet_tensorflow()
    argv, debug = _split_debug(argv)
    name = "stvideo"
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exit_:  # --help (0) or a bad option (2); argparse has printed the message
            return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else EXIT_ERROR)
        debug = debug or args.debug
        _configure_logging()
        name = " ".join(part for part in ("stvideo", args.command, getattr(args, "paper", None)) if part)
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 - every failure is one line (and a traceback with --debug)
        if debug:
            traceback.print_exc(file=sys.stderr)
        if is_input_error(error):
            print(f"{name}: error: {describe_error(error)}", file=sys.stderr)
            return EXIT_ERROR
        print(f"{name}: internal error: {describe_internal_error(error)}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
