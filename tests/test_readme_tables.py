"""The README's result tables show what the committed JSON holds (docs/results), so the guide cannot drift."""

import json
import pathlib
import re

import numpy as np

from keras_stvideo.reproductions.claims import verdict

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _readme_rows(heading):
    text = (ROOT / "README.md").read_text()
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return [[cell.strip() for cell in line.strip("|").split("|")]
            for line in section.splitlines() if line.startswith("| ") and not line.startswith("| ---")][1:]


def test_claims_table_matches_claims_json():
    records = json.loads((ROOT / "docs/results/claims.json").read_text())
    rows = _readme_rows("## Does each paper's idea help?")
    assert len(rows) == len(records)
    for row, record in zip(rows, records):
        paper, method, control, method_accuracy, control_accuracy, difference, shown_verdict = row
        assert (paper, method, control) == (record["paper"], record["method"], record["control"])
        for shown, values in ((method_accuracy, record["method_accuracy"]),
                              (control_accuracy, record["control_accuracy"])):
            mean, spread = (float(x) for x in re.findall(r"[-\d.]+", shown)[:2])
            assert abs(mean - np.mean(values)) < 0.051 and abs(spread - np.std(values, ddof=1)) < 0.051
        assert shown_verdict.strip("*") == record["verdict"]
        assert record["verdict"] == verdict(record["method_accuracy"], record["control_accuracy"])
        assert float(difference.split("±")[0]) == round(record["difference_mean"], 1)


def test_compare_table_matches_compare_quick_json():
    summary = [row for row in json.loads((ROOT / "docs/results/compare_quick.json").read_text())["summary"]
               if row["status"] == "measured"]
    rows = _readme_rows("## The five methods compared")
    assert len(rows) == len(summary)
    for row, record in zip(rows, summary):
        mean, spread = (float(x) for x in re.findall(r"[\d.]+", row[2])[:2])
        assert abs(mean - record["accuracy_mean"]) < 0.051 and abs(spread - record["accuracy_std"]) < 0.051
        assert [float(x) for x in row[3].split(",")] == [round(a, 1) for a in record["accuracies"]]
        assert int(row[5].replace(",", "")) == record["parameters"]
