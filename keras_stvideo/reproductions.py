"""The registry of paper reproductions that ``stvideo reproduce <paper>`` dispatches over.

Each entry names a module (``models/<method>/reproduction.py``) that is cheap to
import (no Keras at module level) and defines:

- ``DESCRIPTION``: one paragraph for ``stvideo reproduce <paper> --help``;
- ``add_arguments(parser)``: the reproduction's own options;
- ``run(args) -> int``: builds one settings object from the parsed options, runs
  the experiment with a progress line per step, writes ``results.json`` and
  ``results.md`` into ``--out`` and prints the paper's table beside the measured one.

A sixth paper adds one line here.
"""

import importlib

REPRODUCTIONS = {
    "shan2017": "keras_stvideo.models.attention_lstm.reproduction",
}


def load_reproduction(name):
    """The reproduction module registered as ``name``."""
    if name not in REPRODUCTIONS:
        raise ValueError(f"no reproduction named {name!r}; choose one of {sorted(REPRODUCTIONS)}")
    return importlib.import_module(REPRODUCTIONS[name])
