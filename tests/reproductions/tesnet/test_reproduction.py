"""``stvideo reproduce tesnet --quick``: the whole pipeline on generated videos, its outputs and its resume."""

import json
import os
import subprocess
import sys

import pytest


def _run(out, *extra):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    command = [sys.executable, "-m", "keras_stvideo.cli", "reproduce", "tesnet", "--quick", "--out", str(out),
               "--epochs", "1", "--test-clips", "2", "--videos-per-class", "8", *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=3000, env=env)


@pytest.mark.slow
def test_quick_two_stream_run_and_rerun(tmp_path):
    """A few minutes on the shared 2-core machine: 48 MotionClips videos, their TV-L1 flow, two small-backbone
    streams trained for an epoch and tested."""
    first = _run(tmp_path, "--stream", "both")
    assert first.returncode == 0, first.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    row = results["results"]["splits"]["1"]
    assert set(row) == {"rgb", "flow", "both"}
    assert all(0.0 <= row[s]["top1"] <= 100.0 for s in row)
    assert "Table 4" in (tmp_path / "results.md").read_text() and "[flow] TV-L1" in first.stdout
    second = _run(tmp_path, "--stream", "both")  # every stream finished: scores and flow are reused
    assert second.returncode == 0, second.stderr[-3000:]
    assert "scores from" in second.stdout and "[train]" not in second.stdout


def test_bad_options_fail_fast(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    result = subprocess.run([sys.executable, "-m", "keras_stvideo.cli", "reproduce", "tesnet", "--epochs", "0",
                             "--out", str(tmp_path)], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode != 0 and "--epochs must be positive" in (result.stderr + result.stdout)
    missing = subprocess.run([sys.executable, "-m", "keras_stvideo.cli", "reproduce", "tesnet", "--root",
                              str(tmp_path / "nowhere"), "--out", str(tmp_path)], capture_output=True, text=True,
                             timeout=300, env=env)
    assert missing.returncode != 0 and "index.json not found" in (missing.stderr + missing.stdout)
