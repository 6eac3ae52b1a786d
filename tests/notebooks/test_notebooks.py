"""The paper notebooks: each jupytext source is in sync with its executed .ipynb, and runs in smoke mode."""

import pathlib
import re

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"
PAIRS = ("baccouche2012_stcsae", "huang2020_tesnet", "paul2018_siamese_c3d", "shan2017_attention_lstm", "sun2015_fstcn")


def test_every_notebook_is_a_jupytext_pair():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(PAIRS)
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.py")) == sorted(PAIRS)  # no generator scripts


@pytest.mark.parametrize("name", PAIRS)
def test_source_and_executed_notebook_are_in_sync(name):
    source = jupytext.read(NOTEBOOKS / f"{name}.py")
    executed = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in source.cells] == [(c.cell_type, c.source) for c in executed.cells], (
        f"notebooks/{name}.py and .ipynb differ: run `jupytext --to ipynb --execute notebooks/{name}.py`"
    )
    assert executed.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), "commit the notebook executed"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for c in code for o in c.outputs)
    # it says in which mode its outputs were made: in its first cell, or in a "mode: ..." line it printed
    printed = "".join(o.get("text", "") for c in code for o in c.outputs)
    assert (re.search(r"executed in \*(smoke|demo)\* mode", executed.cells[0].source)
            or "\nmode: " in "\n" + printed), "say which mode produced the outputs"
    assert "MODE_MINUTES" not in executed.cells[0].source and "MODE_NOTE" not in executed.cells[0].source


# TensorFlow's and XLA's C++ log lines ("I0000 00:00:... port.cc:153] oneDNN custom operations are on", "W0000 ...",
# "cudart_stub.cc ... Could not find cuda drivers"): keras_stvideo.utils.quiet.quiet_tensorflow() keeps them out
TF_LOG_LINE = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:|oneDNN custom operations|cudart_stub|absl::InitializeLog",
                         re.MULTILINE)


@pytest.mark.parametrize("name", PAIRS)
def test_executed_notebook_has_no_tensorflow_log_lines(name):
    executed = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert not TF_LOG_LINE.findall(printed), f"notebooks/{name}.ipynb holds TensorFlow C++ log lines"


def run_notebook(name, monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_STVIDEO_SMOKE", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return outputs


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_shan2017_notebook_runs_in_smoke_mode(monkeypatch, tmp_path):
    outputs = run_notebook("shan2017_attention_lstm.ipynb", monkeypatch, tmp_path)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # sequences, elastic field, STN outputs, training curves
    assert any("LeNet-LSTM" in str(o.get("data", {})) for o in outputs)  # the results table


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_sun2015_notebook_runs_in_smoke_mode(monkeypatch, tmp_path):
    outputs = run_notebook("sun2015_fstcn.ipynb", monkeypatch, tmp_path)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 5  # the clips, V_clip / V_diff, training curves, confusion matrix, the views
    text = "".join(o.get("text", "") for o in outputs)
    assert "averaging: top-1" in text and "SCI:" in text and "parameters" in text


@pytest.mark.slow
def test_huang2020_notebook_runs_in_smoke_mode(monkeypatch, tmp_path):
    outputs = run_notebook("huang2020_tesnet.ipynb", monkeypatch, tmp_path)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 6  # photo clips, squeezed images, flow, the motion clips, training curves, confusion matrix
    text = "".join(o.get("text", "") for o in outputs)
    assert "l_proj" in text and "GMACs" in text and "test top-1" in text
