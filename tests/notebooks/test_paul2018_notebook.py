"""The Paul et al. 2018 (Siamese C3D) notebook runs end to end in smoke mode, and its .py source matches it."""

import pathlib

import nbformat
import pytest

from tests.notebooks.test_notebooks import run_notebook

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"


def test_paired_sources_hold_the_same_code():
    import jupytext

    source = jupytext.read(NOTEBOOKS / "paul2018_siamese_c3d.py")
    executed = nbformat.read(NOTEBOOKS / "paul2018_siamese_c3d.ipynb", as_version=4)
    code = lambda nb: [c.source.strip() for c in nb.cells if c.cell_type == "code"]  # noqa: E731
    assert code(source) == code(executed)
    assert any("mode:" in str(o) for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", []))


@pytest.mark.slow
def test_paul2018_notebook_runs_in_smoke_mode(monkeypatch, tmp_path):
    outputs = run_notebook("paul2018_siamese_c3d.ipynb", monkeypatch, tmp_path)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 6  # clips, mined pairs, F1/F2, training curves, ROC, confusion matrix
    text = "".join(o.get("text", "") for o in outputs)
    assert "17,238,016 parameters" in text and "video accuracy" in text and "Table 3" in text
