"""The Shan & Atanasov notebook runs end to end in smoke mode."""

import os
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "notebooks" / "shan2017_attention_lstm.ipynb"


@pytest.mark.slow
def test_notebook_runs_in_smoke_mode(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_STVIDEO_SMOKE", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # sequences, elastic field, STN outputs, training curves
    assert any("LeNet-LSTM" in str(o.get("data", {})) for o in outputs)  # the results table
