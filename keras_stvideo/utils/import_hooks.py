"""Hooks on the first import of a module: wrap its loader, or run a function once it has loaded; and
functions deferred until no module of a package is half imported.

Example:
    >>> call_after_import("keras", register_all)  # doctest: +SKIP
    >>> import keras  # register_all() runs as soon as keras has loaded
"""

import importlib.abc
import importlib.util
import sys


class LoaderWrappingFinder(importlib.abc.MetaPathFinder):
    """A finder for one module name that hands its spec's loader to ``wrap_loader`` and removes itself once used."""

    def __init__(self, name, wrap_loader):
        self.name = name
        self.wrap_loader = wrap_loader
        self._searching = False

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name or self._searching:
            return None
        self._searching = True
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self._searching = False
        if spec is not None and spec.loader is not None:
            spec.loader = self.wrap_loader(spec.loader)
        return spec


class _CallAfterLoader(importlib.abc.Loader):
    def __init__(self, loader, callback):
        self._loader = loader
        self._callback = callback

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._callback()


def call_after_import(name, callback):
    """Run ``callback()`` once module ``name`` has been imported: at once if it is already, else right after
    its first import completes (through a finder placed first on ``sys.meta_path``)."""
    if name in sys.modules:
        callback()
        return

    def wrap(loader):
        sys.meta_path[:] = [f for f in sys.meta_path if f is not finder]
        return _CallAfterLoader(loader, callback)

    finder = LoaderWrappingFinder(name, wrap)
    sys.meta_path.insert(0, finder)


_DEFERRED = []  # (package prefix, callback) pairs waiting for the package's imports to settle


def initializing_modules(prefix):
    """The modules named ``prefix.*`` that are being imported right now (their code has not finished running)."""
    return [name for name, module in list(sys.modules.items())
            if name.startswith(prefix + ".") and getattr(getattr(module, "__spec__", None), "_initializing", False)]


def call_when_settled(prefix, callback):
    """Run ``callback()`` now unless a module ``prefix.*`` is half imported; else keep it for ``run_settled``.

    A callback that imports the package's modules must not run while one of them is half imported: a module
    importing names from the half-imported one would fail ("partially initialized module").
    """
    if initializing_modules(prefix):
        _DEFERRED.append((prefix, callback))
    else:
        callback()


def run_settled():
    """Run the deferred callbacks whose package has no half-imported module any more (each once)."""
    for entry in list(_DEFERRED):
        if entry in _DEFERRED and not initializing_modules(entry[0]):
            _DEFERRED.remove(entry)
            entry[1]()
