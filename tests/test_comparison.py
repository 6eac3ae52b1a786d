"""``stvideo compare``: every method present trains on the shared generated task; absent ones are listed."""

import json

import pytest

from keras_stvideo import comparison
from keras_stvideo.cli import main


def test_settings_are_validated():
    with pytest.raises(ValueError, match="epochs must be a positive integer, got 0"):
        comparison.CompareSettings(epochs=0)
    with pytest.raises(ValueError, match="method must be one of"):
        comparison.load_recipe("c3d")


def test_markdown_lists_missing_methods():
    rows = [{"method": "tesnet", "status": "not yet there"},
            {"method": "fstcn", "status": "measured", "paper": "Sun et al. 2015", "reduced": "smaller",
             "accuracy": 50.0, "parameters": 1234, "train_seconds": 3.0, "clips_per_second": 10.0}]
    table = comparison.markdown_table(rows, comparison.CompareSettings.smoke())
    assert "| tesnet | | not yet there |" in table
    assert "| fstcn | Sun et al. 2015 | 50.0% | 1,234 | 3 s | 10.0 clips/s | smaller |" in table


@pytest.mark.slow
def test_compare_command_trains_every_present_method(tmp_path):
    assert main(["compare", "--smoke", "--out", str(tmp_path)]) == 0
    payload = json.loads((tmp_path / "comparison.json").read_text())
    rows = {row["method"]: row for row in payload["rows"]}
    assert list(rows) == list(comparison.METHODS)
    for method, row in rows.items():
        present = comparison.load_recipe(method) is not None
        assert row["status"] == ("measured" if present else "not yet there")
        if present:
            assert 0 <= row["accuracy"] <= 100 and row["parameters"] > 0 and row["clips_per_second"] > 0
    assert (tmp_path / "comparison.md").read_text().count("\n| ") == 2 + len(rows)  # header, separator, a row per method
