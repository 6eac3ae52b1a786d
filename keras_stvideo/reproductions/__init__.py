"""The registry of paper reproductions that ``stvideo reproduce <paper>`` dispatches over.

Each entry names a module (``reproductions/<method>/reproduction.py``) that is cheap to
import (no Keras at module level) and defines:

- ``DESCRIPTION``: one paragraph for ``stvideo reproduce <paper> --help``;
- ``add_arguments(parser)``: the reproduction's own options;
- ``run(args) -> int``: builds one settings object from the parsed options, runs
  the experiment with a progress line per step, writes ``results.json`` and
  ``results.md`` into ``--out`` and prints the paper's table beside the measured one.

Every reproduction also takes ``--devices N`` (added here, not by each paper):
its whole run, models and fits included, happens inside
``keras_stvideo.training.distribution.data_parallel(N)``.

A sixth paper adds one line here.
"""

import functools
import importlib

REPRODUCTIONS = {
    "shan2017": "keras_stvideo.reproductions.attention_lstm.reproduction",
    "siamese-c3d": "keras_stvideo.reproductions.siamese_c3d.reproduction",
    "tesnet": "keras_stvideo.reproductions.tesnet.reproduction",
    "stcsae": "keras_stvideo.reproductions.stcsae.reproduction",
    "fstcn": "keras_stvideo.reproductions.fstcn.reproduction",
}


def load_reproduction(name):
    """The reproduction module registered as ``name``."""
    if name not in REPRODUCTIONS:
        raise ValueError(f"no reproduction named {name!r}; choose one of {sorted(REPRODUCTIONS)}")
    return importlib.import_module(REPRODUCTIONS[name])


def add_device_argument(parser):
    """``--devices N``: train data-parallel on N devices (TensorFlow or JAX; see ``training.distribution``)."""
    parser.add_argument("--devices", type=int, default=1,
                        help="train data-parallel on this many devices (GPUs, else CPUs): MirroredStrategy on "
                             "TensorFlow (MultiWorkerMirroredStrategy when TF_CONFIG is set), DataParallel on JAX")


def run_on_devices(run, args):
    """``run(args)`` inside ``data_parallel(args.devices)``; one device runs it as it is."""
    if args.devices < 1:
        raise ValueError(f"--devices must be a positive number of devices, got {args.devices}")
    if args.devices == 1:
        return run(args)
    from keras_stvideo.training.distribution import data_parallel

    with data_parallel(args.devices):
        return run(args)


def command_function(reproduction):
    """The function ``stvideo reproduce <paper>`` calls with the parsed options."""
    return functools.partial(run_on_devices, reproduction.run)


def positive_integer_options(args, options, zero_allowed=()):
    """``{setting: value}`` for each ``setting -> "--option"`` in ``options`` that the user gave.

    A value below 1 (below 0 for the settings in ``zero_allowed``) raises a
    ValueError naming the option and the value.
    """
    changes = {}
    for key, option in options.items():
        value = getattr(args, option[2:].replace("-", "_"))
        if value is None:
            continue
        if value < (0 if key in zero_allowed else 1):
            raise ValueError(f"{option} must be positive, got {value}")
        changes[key] = value
    return changes
