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
