"""Keep TensorFlow's C++ start-up log lines off the terminal of ``stvideo`` commands.

TensorFlow 2.21 writes lines such as "oneDNN custom operations are on" and
"Could not find cuda drivers" to file descriptor 2 while it is imported, before
``TF_CPP_MIN_LOG_LEVEL`` takes effect. ``silence_tensorflow_import()`` installs an
import hook that sends descriptor 2 to a temporary file while ``tensorflow`` is
first imported, whenever that happens (so ``--help`` and option errors still do
not import it), and replays the captured text if the import fails.

Example:
    >>> silence_tensorflow_import()  # doctest: +SKIP
    >>> import keras  # no C++ log lines
"""

import contextlib
import importlib.abc
import logging
import os
import sys
import tempfile

from keras_stvideo.utils.import_hooks import LoaderWrappingFinder


@contextlib.contextmanager
def captured_stderr_fd():
    """Redirect file descriptor 2 to a temporary file; yield the file (read it for what was written)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield capture
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        error = None
        with captured_stderr_fd() as capture:
            try:
                self._loader.exec_module(module)
            except BaseException as caught:
                capture.seek(0)
                text = capture.read().decode(errors="replace")
                error = caught
        if error is not None:
            sys.stderr.write(text)
            raise error


def silence_import(name):
    """Capture descriptor 2 while module ``name`` is first imported; a no-op once it is imported or hooked."""
    hooked = any(getattr(f, "wrap_loader", None) is _QuietLoader and f.name == name for f in sys.meta_path)
    if name not in sys.modules and not hooked:
        sys.meta_path.insert(0, LoaderWrappingFinder(name, _QuietLoader))


def silence_tensorflow_import():
    """Capture descriptor 2 while ``tensorflow`` is first imported; a no-op once it is imported."""
    silence_import("tensorflow")


def quiet_tensorflow():
    """Keep TensorFlow's C++ log lines off: ``TF_CPP_MIN_LOG_LEVEL=3`` unless set, and the import hook.

    Level 3 hides the C++ lines written after start-up (such as "failed call to cuInit" on a machine without a
    GPU); the hook hides those written while TensorFlow is imported, before that setting applies. Set
    ``TF_CPP_MIN_LOG_LEVEL=0`` to see them all. Call it before anything imports TensorFlow.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    silence_tensorflow_import()
    # TensorFlow's Python warnings (such as "5 out of the last 23 calls ... triggered tf.function retracing", from
    # predicting on batches of another size) go through the "tensorflow" logger: keep its errors only
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
