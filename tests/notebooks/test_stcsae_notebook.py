"""The ST-CSAE notebook runs end to end in smoke mode."""

import pytest

from tests.notebooks.test_notebooks import run_notebook


@pytest.mark.slow
def test_baccouche2012_notebook_runs_in_smoke_mode(monkeypatch, tmp_path):
    outputs = run_notebook("baccouche2012_stcsae.ipynb", monkeypatch, tmp_path)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 7  # clips, kept/dropped, motion map, energy, filters, histograms, best shifts
    text = "".join(o.get("text", "") for o in outputs)
    assert "mode: smoke" in text and "test accuracy" in text and "kept and" in text
    assert "validation" in text and "claims" in text  # the curve's held-out clips; the claim, or why it is absent
    for noise in ("I0000", "port.cc", "oneDNN custom operations", "cudart_stub"):  # no TensorFlow C++ log lines
        assert noise not in text
