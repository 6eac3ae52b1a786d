"""Writing a run's results: ``STEM.json`` (everything) and ``STEM.md`` (the tables), each atomically.

Example:
    >>> write_results("out/run", {"results": rows}, "# Table\\n\\n| a |\\n")  # doctest: +SKIP
"""

import json
import pathlib

from keras_stvideo.utils.atomic import atomic_path


def write_results(out_dir, payload, markdown, stem="results"):
    """Write ``payload`` as ``out_dir/STEM.json`` and ``markdown`` as ``out_dir/STEM.md``; return both paths."""
    out_dir = pathlib.Path(out_dir)
    json_path, md_path = out_dir / f"{stem}.json", out_dir / f"{stem}.md"
    with atomic_path(json_path) as tmp:
        tmp.write_text(json.dumps(payload, indent=2, default=str))
    with atomic_path(md_path) as tmp:
        tmp.write_text(markdown)
    return json_path, md_path


class StepState:
    """A resumable run's finished steps and their results, saved atomically after each step (``OUT/state.json``).

    ``key`` identifies the run (its settings, seed, ...): a ``state.json`` written by a run with another key is
    refused, naming ``what`` differs, instead of being resumed.

    Example:
        >>> state = StepState("out/run", {"settings": {...}, "seed": 0}, "settings or seed")  # doctest: +SKIP
        >>> if not state.done("train"):  # doctest: +SKIP
        ...     state.record("train", {"accuracy": 0.9})
    """

    def __init__(self, out, key, what="settings or seed"):
        self.path = pathlib.Path(out) / "state.json"
        self.key = key
        self.steps = {}
        if self.path.is_file():
            saved = json.loads(self.path.read_text())
            if json.loads(json.dumps(self.key)) != saved.get("key"):
                raise ValueError(f"{self.path} belongs to a run with other {what}; use another --out or remove it")
            self.steps = saved["steps"]

    def done(self, name):
        return name in self.steps

    def record(self, name, result):
        self.steps[name] = result
        with atomic_path(self.path) as tmp:
            tmp.write_text(json.dumps({"key": self.key, "steps": self.steps}, indent=1))
