"""Load a script of ``experiments/`` as a module, so a test can call its ``main(argv)``."""

import importlib.util
import pathlib
import sys

EXPERIMENTS = pathlib.Path(__file__).resolve().parents[2] / "experiments"


def load_experiment(study, name):
    """The module ``experiments/<study>/<name>.py``, freshly executed (its folder on ``sys.path``, as when run)."""
    folder = EXPERIMENTS / study
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
