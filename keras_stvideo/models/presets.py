"""Named configurations of the five papers' models: the paper's own and each reduced one, in one place.

Each method's ``models/<method>/<method>_presets.py`` defines ``PRESETS``: a tuple of
``Preset`` objects. A preset names a builder, the builder's keyword arguments
(``config``) and the training numbers that go with them (``training``: optimizer,
learning rate, batch size, epochs, input scaling, ...). The paper's preset holds
every number the paper states, with the section it comes from; the builders take
their defaults from it, and the reproductions and ``stvideo compare`` read the
reduced presets, so a number is written once.

The preset modules import no Keras (they are plain data), so listing presets is
cheap; ``build_from_preset`` imports the builder's module when it is called.

Example:
    >>> import keras_stvideo
    >>> keras_stvideo.list_presets("fstcn")
    ['fstcn_compare', 'fstcn_paper']
    >>> model = keras_stvideo.build_from_preset("fstcn_compare", num_classes=6)  # doctest: +SKIP
"""

import dataclasses
import functools
import importlib
import pathlib
import types


@dataclasses.dataclass(frozen=True)
class Preset:
    """One named configuration of a method.

    Attributes:
        name: ``<method>_<configuration>``, e.g. ``"fstcn_paper"``.
        builder: the builder's dotted path, ``"keras_stvideo.models.fstcn.build_fstcn"``.
        description: what the configuration is and where its numbers come from.
        config: the builder's keyword arguments.
        training: the training numbers that go with the configuration (optimizer, learning rate, batch, ...).
    """

    name: str
    builder: str
    description: str
    config: dict = dataclasses.field(default_factory=dict)
    training: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        # Read-only views: a preset is shared by everyone who reads it.
        object.__setattr__(self, "config", types.MappingProxyType(dict(self.config)))
        object.__setattr__(self, "training", types.MappingProxyType(dict(self.training)))

    @property
    def method(self):
        """The method folder the preset belongs to (``"fstcn"`` for ``keras_stvideo.models.fstcn.build_fstcn``)."""
        return self.builder.split(".")[2]

    def build(self, **overrides):
        """The builder called with ``config`` updated by ``overrides`` (e.g. ``num_classes``)."""
        module_name, function_name = self.builder.rsplit(".", 1)
        builder = getattr(importlib.import_module(module_name), function_name)
        return builder(**{**self.config, **overrides})


@functools.lru_cache(maxsize=None)
def _all_presets():
    """``{name: Preset}`` from every ``models/<method>/<method>_presets.py`` (found on disk, no hand-kept list)."""
    presets = {}
    for path in sorted(pathlib.Path(__file__).parent.glob("*/*_presets.py")):
        module = importlib.import_module(f"{__package__}.{path.parent.name}.{path.stem}")
        for preset in module.PRESETS:
            if preset.name in presets:
                raise RuntimeError(f"two presets are named {preset.name!r} ({path})")
            presets[preset.name] = preset
    return presets


def list_presets(method=None):
    """The preset names, sorted; only ``method``'s (``"fstcn"``, ``"tesnet"``, ...) when given."""
    presets = _all_presets()
    methods = sorted({preset.method for preset in presets.values()})
    if method is not None and method not in methods:
        raise ValueError(f"method must be one of {methods}, got {method!r}")
    return sorted(name for name, preset in presets.items() if method is None or preset.method == method)


def get_preset(name):
    """The ``Preset`` named ``name`` (see ``list_presets``)."""
    presets = _all_presets()
    if name not in presets:
        raise ValueError(f"no preset named {name!r}; choose one of {sorted(presets)}")
    return presets[name]


def build_from_preset(name, **overrides):
    """The model of preset ``name``, its builder's arguments updated by ``overrides``."""
    return get_preset(name).build(**overrides)
