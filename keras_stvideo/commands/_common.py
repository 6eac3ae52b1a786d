"""Helpers the commands share: bounded numeric options, a memory estimate, loading input files with one-line errors.

No Keras or TensorFlow at module level (``stvideo --help`` stays fast).

Bounded options: ``bound_numeric_options(parser)`` walks a parser (sub-commands
included) and replaces every ``type=int`` / ``type=float`` with a type that
names the option and its allowed range, so ``--seed -1``, ``--fps 0``,
``--num-clips 100000000`` or ``--learning-rate nan`` stop while the options are
parsed: ``stvideo evaluate: error: --num-clips must be at most 1000, got 100000000``.
``OPTION_BOUNDS`` holds the ranges; an option not listed there takes
``DEFAULT_INT_BOUNDS`` / ``DEFAULT_FLOAT_BOUNDS``.
"""

import argparse
import math

SEED_MAX = 2**32 - 1

# option -> (lowest, highest) allowed value, both included. Commands and reproductions share option names.
OPTION_BOUNDS = {
    "--seed": (0, SEED_MAX),
    "--seeds": (0, SEED_MAX),
    "--fps": (1, 1000),
    "--frame-size": (1, 4096),
    "--num-frames": (1, 10_000),
    "--num-clips": (1, 1000),
    "--num-sequences": (1, 10_000_000),
    "--sequence-length": (1, 1000),
    "--clips-per-class": (1, 100_000),
    "--clips-per-group": (1, 100_000),
    "--splits": (1, 9),
    "--train-clips": (1, 10_000_000),
    "--test-clips": (1, 10_000_000),
    "--epochs": (0, 100_000),
    "--pretrain-epochs": (0, 100_000),
    "--finetune-epochs": (0, 100_000),
    "--ae-epochs": (0, 100_000),
    "--lstm-epochs": (0, 100_000),
    "--batches-per-epoch": (0, 10_000_000),
    "--batch-size": (1, 65_536),
    "--pretrain-batch-size": (1, 65_536),
    "--lstm-units": (1, 4096),
    "--code-units": (1, 65_536),
    "--code-steps": (0, 10_000),
    "--patches-per-clip": (1, 100_000),
    "--frames": (1, 1000),
    "--squeezed-frames": (1, 1000),
    "--input-size": (1, 2048),
    "--videos-per-class": (1, 1_000_000),
    "--train-videos": (1, 10_000_000),
    "--pretrain-samples": (1, 10_000_000),
    "--devices": (0, 1024),
    "--lower-filters": (1, 4096),
    "--fc-units": (1, 65_536),
    "--fusion-units": (1, 65_536),
    "--max-videos": (1, 10_000_000),
    "--learning-rate": (1e-12, 100.0),
    "--motion-threshold": (0.0, 1e6),
    "--flow-bound": (0.0, 1e4),
    "--atol": (0.0, 1e6),
}
DEFAULT_INT_BOUNDS = (0, 10_000_000)
DEFAULT_FLOAT_BOUNDS = (0.0, 1e9)


def _number_text(value):
    return f"{value:,}".replace(",", "") if isinstance(value, int) else f"{value:g}"


def bounded_number(option, kind=int, low=None, high=None):
    """An argparse ``type`` that parses ``kind`` (int or float) in ``[low, high]``; its errors name ``option``.

    A word is refused as argparse refuses it ("invalid int value: 'two'"); NaN and infinities are refused for
    floats; a value below 1 with ``low == 1`` reads "--OPTION must be positive, got 0".
    """
    default_low, default_high = DEFAULT_INT_BOUNDS if kind is int else DEFAULT_FLOAT_BOUNDS
    low = default_low if low is None else low
    high = default_high if high is None else high

    def parse(text):
        value = kind(text)  # ValueError -> argparse's "invalid int value: 'two'"
        if kind is float and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{option} must be a finite number, got {text}")
        if option in ("--seed", "--seeds") and not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{option} must be an integer in [0, {SEED_MAX}], got {text}")
        if value < low:
            if low == 1 and kind is int:
                raise argparse.ArgumentTypeError(f"{option} must be positive, got {text}")
            if low == 0:
                raise argparse.ArgumentTypeError(f"{option} must be non-negative, got {text}")
            raise argparse.ArgumentTypeError(
                f"{option} must be {'an integer' if kind is int else 'a number'} in "
                f"[{_number_text(low)}, {_number_text(high)}], got {text}")
        if value > high:
            raise argparse.ArgumentTypeError(f"{option} must be at most {_number_text(high)}, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in "invalid int value"
    return parse


def bound_numeric_options(parser):
    """Give every ``type=int`` / ``type=float`` option of ``parser`` and its sub-parsers a bounded type."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                bound_numeric_options(sub)
            continue
        if action.type not in (int, float):
            continue
        option = max(action.option_strings, key=len) if action.option_strings else action.dest
        low, high = OPTION_BOUNDS.get(option, (None, None))
        if action.type is float and low is not None:
            low, high = float(low), float(high)
        action.type = bounded_number(option, action.type, low, high)
    return parser


# --- memory -------------------------------------------------------------------------------------------------

def available_memory_bytes():
    """Bytes of memory a new allocation can use now (psutil's ``available``), or None when unknown."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 - no estimate rather than a failure
        return None


def _gib(nbytes):
    return f"{nbytes / 2**30:.1f} GiB" if nbytes >= 2**28 else f"{nbytes / 2**20:.0f} MiB"


def check_memory(nbytes, what, options, fraction=0.8):
    """Raise ValueError when ``nbytes`` (an estimate of the arrays a run allocates) exceeds ``fraction`` of the
    available memory; the message gives the estimate and the option(s) to lower."""
    available = available_memory_bytes()
    if available is None or nbytes <= fraction * available:
        return
    raise ValueError(f"{what} would need about {_gib(nbytes)} of memory, more than the {_gib(available)} "
                     f"available: lower {options}")


# --- input files ----------------------------------------------------------------------------------------------

def load_model_file(path, option="model"):
    """Load the ``.keras`` file at ``path``; any failure becomes a ValueError naming the option and the file."""
    from keras_stvideo.saving import load_model
    from keras_stvideo.utils.paths import check_keras_archive

    check_keras_archive(path, option)
    try:
        return load_model(path)
    except Exception as error:  # Keras raises ValueError, TypeError, KeyError, OSError... for a bad archive
        message = " ".join(str(error).split())[:300]
        raise ValueError(
            f"{option} {path}: cannot load this .keras file ({type(error).__name__}: {message})"
        ) from error


def load_json_file(path, option, what="JSON file"):
    """Parse the JSON file at ``path``; a missing, unreadable or malformed file is a one-line error naming both."""
    import json

    from keras_stvideo.utils.paths import PathError, check_input_file

    path = check_input_file(path, option, what=what)
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PathError(f"{option} {path}: not a valid {what} ({' '.join(str(error).split())[:200]})") from None


def load_video_index(path, option="index"):
    """A ``VideoIndex`` from ``path``; a corrupt or wrong-shaped file is one line naming the option and the file."""
    from keras_stvideo.data.video_index import VideoIndex
    from keras_stvideo.utils.paths import PathError, check_input_file

    check_input_file(path, option, what="dataset index")
    try:
        return VideoIndex.load(path)
    except Exception as error:  # noqa: BLE001 - JSONDecodeError, KeyError, TypeError... for a bad file
        message = " ".join(str(error).split())[:200]
        if str(path) in message:
            raise PathError(f"{option} {message}") from None
        raise PathError(f"{option} {path}: not a keras_stvideo dataset index ({type(error).__name__}: "
                        f"{message})") from None
