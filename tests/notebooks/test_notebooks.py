"""The paper notebooks run end to end in smoke mode."""

import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"


def run_notebook(name, monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_STVIDEO_SMOKE", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return outputs


@pytest.mark.slow
def test_shan2017_notebook_runs_in_smoke_mode(monkeypatch, tmp_path):
    outputs = run_notebook("shan2017_attention_lstm.ipynb", monkeypatch, tmp_path)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # sequences, elastic field, STN outputs, training curves
    assert any("LeNet-LSTM" in str(o.get("data", {})) for o in outputs)  # the results table


@pytest.mark.slow
def test_sun2015_notebook_runs_in_smoke_mode(monkeypatch, tmp_path):
    outputs = run_notebook("sun2015_fstcn.ipynb", monkeypatch, tmp_path)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # the clip pair, the 18 views, the training curve
    text = "".join(o.get("text", "") for o in outputs)
    assert "averaging: top-1" in text and "SCI:" in text and "parameters" in text


@pytest.mark.slow
def test_huang2020_notebook_runs_in_smoke_mode(monkeypatch, tmp_path):
    outputs = run_notebook("huang2020_tesnet.ipynb", monkeypatch, tmp_path)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 5  # the clips, squeezed images, flow, squeezed flow, training curves
    text = "".join(o.get("text", "") for o in outputs)
    assert "l_proj" in text and "GMACs" in text and "test top-1" in text
