"""Figures written beside a command's results (matplotlib, no display needed).

Example:
    >>> comparison_bar_chart(summarize(rows), chance=100 / 6, path="out/compare/comparison.png")  # doctest: +SKIP
"""

import pathlib

from keras_stvideo.utils.atomic import atomic_path

REFERENCE_METHOD = "reference"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on servers and CI
    import matplotlib.pyplot as plt

    return plt


def comparison_bar_chart(summary, chance, path, title="", ylabel="test accuracy (%)"):
    """A bar per measured method (mean test accuracy), its seeds as dots, a dashed line at chance and a dotted
    one at the reference model's mean; written atomically to ``path`` (PNG). Returns ``path``.

    ``summary``: ``keras_stvideo.reproductions.comparison.summarize``'s list.
    """
    plt = _pyplot()
    measured = [row for row in summary if row["status"] == "measured"]
    figure, axes = plt.subplots(figsize=(1.3 * max(len(measured), 2) + 1.5, 3.6))
    for position, row in enumerate(measured):
        is_reference = row["method"] == REFERENCE_METHOD
        axes.bar(position, row["accuracy_mean"], color="0.7" if is_reference else "C0",
                 yerr=row["accuracy_std"] if len(row["accuracies"]) > 1 else None, capsize=4)
        axes.plot([position] * len(row["accuracies"]), row["accuracies"], "o", color="k", markersize=3)
        if is_reference:
            axes.axhline(row["accuracy_mean"], color="0.4", linestyle=":", label="reference 3D CNN (not a paper)")
    axes.axhline(chance, color="C3", linestyle="--", label=f"chance ({chance:.1f}%)")
    axes.set_xticks(range(len(measured)), [row["method"] for row in measured], rotation=20)
    axes.set_ylabel(ylabel)
    axes.set_ylim(0, 100)
    axes.set_title(title, fontsize=9)
    axes.legend(fontsize=8, loc="upper left")
    figure.tight_layout()
    path = pathlib.Path(path)
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=120)
    plt.close(figure)
    return path
