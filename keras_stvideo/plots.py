"""Figures written beside a command's results (matplotlib, no display needed).

Example:
    >>> comparison_bar_chart(summarize(rows), chance=100 / 6, path="out/compare/comparison.png")  # doctest: +SKIP
"""

import pathlib

from keras_stvideo.utils.atomic import atomic_path

REFERENCE_METHOD = "reference"


def pyplot():
    """matplotlib.pyplot, on the Agg backend (files only) unless a notebook has its inline backend."""
    import matplotlib

    if "inline" not in matplotlib.get_backend():  # a notebook keeps its inline figures
        matplotlib.use("Agg")  # files only: no display on servers and CI
    import matplotlib.pyplot as plt

    return plt


def comparison_bar_chart(summary, chance, path, title="", ylabel="test accuracy (%)"):
    """A bar per measured method (mean test accuracy), its seeds as dots, a dashed line at chance and a dotted
    one at the reference model's mean; written atomically to ``path`` (PNG). Returns ``path``.

    ``summary``: ``keras_stvideo.reproductions.comparison.summarize``'s list.
    """
    plt = pyplot()
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
    return save_figure(figure, path)


def _save(figure, path):
    """Write ``figure`` atomically to ``path`` (PNG) when a path is given; return the figure."""
    if path is not None:
        path = pathlib.Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            figure.savefig(tmp, format="png", dpi=120)
    return figure


def save_figure(figure, path):
    """Write ``figure`` atomically to ``path`` (PNG) and close it (a command's figures are files, not windows);
    return the path."""
    _save(figure, path)
    pyplot().close(figure)
    return pathlib.Path(path)


def write_training_curves(histories, path, title="", metrics=("loss", "accuracy")):
    """``training_curves`` written to ``path`` and closed: the PNG a reproduction leaves beside its results."""
    return save_figure(training_curves(histories, title=title, metrics=metrics), path)


def training_curves(histories, path=None, title="", metrics=("loss", "accuracy")):
    """One panel per metric: each run's training curve (solid) and validation curve (dashed, ``val_<metric>``).

    ``histories``: ``{run name: keras History or its .history dict}``. Missing metrics are skipped. With ``path``
    the figure is also written there (PNG, atomically). Returns the matplotlib figure.

    Example:
        >>> history = model.fit(x, y, validation_data=(xv, yv), epochs=5)  # doctest: +SKIP
        >>> training_curves({"FstCN": history}, path="out/training_curves.png")  # doctest: +SKIP
    """
    plt = pyplot()
    histories = {name: getattr(h, "history", h) for name, h in histories.items()}
    shown = [m for m in metrics if any(m in h or f"val_{m}" in h for h in histories.values())]
    if not shown:
        raise ValueError(f"no history holds any of {list(metrics)}: got keys "
                         f"{sorted({k for h in histories.values() for k in h})}")
    figure, axes = plt.subplots(1, len(shown), figsize=(4.2 * len(shown), 3.2), squeeze=False)
    for axis, metric in zip(axes[0], shown):
        for index, (name, history) in enumerate(histories.items()):
            for key, style, label in ((metric, "-", "training"), (f"val_{metric}", "--", "validation")):
                if key in history:
                    values = history[key]
                    axis.plot(range(1, len(values) + 1), values, style, color=f"C{index}",
                              label=f"{name} {label}" if len(histories) > 1 else label)
        axis.set_xlabel("epoch")
        axis.set_ylabel(metric)
        axis.legend(fontsize=7)
    figure.suptitle(title, fontsize=9)
    figure.tight_layout()
    return _save(figure, path)


def confusion_matrix(labels, predictions, num_classes):
    """(num_classes, num_classes) counts: row = true class, column = predicted class."""
    import numpy as np

    labels, predictions = np.asarray(labels, int), np.asarray(predictions, int)
    if labels.shape != predictions.shape:
        raise ValueError(f"labels and predictions must have the same shape, got {labels.shape} and "
                         f"{predictions.shape}")
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values.size and not (0 <= values.min() and values.max() < num_classes):
            raise ValueError(f"{name} must lie in [0, {num_classes}), got values from {values.min()} to "
                             f"{values.max()}")
    counts = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(counts, (labels, predictions), 1)
    return counts


def confusion_matrix_figure(labels, predictions, class_names, path=None, title=""):
    """The confusion matrix as an image, counts written in the cells, rows normalised for the colours.

    Returns the figure (also written to ``path`` when given).
    """
    import numpy as np

    plt = pyplot()
    counts = confusion_matrix(labels, predictions, len(class_names))
    rates = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    size = 1.2 + 0.55 * len(class_names)
    figure, axis = plt.subplots(figsize=(size + 1.0, size))
    image = axis.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    for (row, column), count in np.ndenumerate(counts):
        axis.text(column, row, str(count), ha="center", va="center", fontsize=7,
                  color="white" if rates[row, column] > 0.5 else "black")
    axis.set_xticks(range(len(class_names)), class_names, rotation=45, ha="right", fontsize=7)
    axis.set_yticks(range(len(class_names)), class_names, fontsize=7)
    axis.set_xlabel("predicted")
    axis.set_ylabel("true")
    accuracy = 100.0 * np.trace(counts) / max(counts.sum(), 1)
    axis.set_title(f"{title} accuracy {accuracy:.1f}%".strip(), fontsize=9)
    figure.colorbar(image, ax=axis, fraction=0.046, label="fraction of the true class")
    figure.tight_layout()
    return _save(figure, path)


def clip_grid_figure(clips, labels, class_names, per_class=2, num_frames=6, title="", path=None):
    """The first ``per_class`` clips of each class (rows) at ``num_frames`` evenly spaced frames (columns).

    ``clips``: (N, T, H, W[, C]) videos, ``labels``: (N,) class indices; ``title`` above the grid.
    Returns the figure.

    Example:
        >>> clip_grid_figure(x_train, y_train, ["left", "right"])  # doctest: +SKIP
    """
    import numpy as np

    plt = pyplot()
    labels = np.asarray(labels)
    shown_frames = np.linspace(0, clips.shape[1] - 1, num_frames).round().astype(int)
    figure, axes = plt.subplots(len(class_names) * per_class, num_frames,
                                figsize=(1.3 * num_frames, 1.3 * len(class_names) * per_class), squeeze=False)
    for c, name in enumerate(class_names):
        for k, i in enumerate(np.flatnonzero(labels == c)[:per_class]):
            row = c * per_class + k
            for col, t in enumerate(shown_frames):
                axes[row, col].imshow(clips[i, t])
                axes[row, col].set_xticks([])
                axes[row, col].set_yticks([])
                if row == 0:
                    axes[row, col].set_title(f"frame {t}", fontsize=8)
            axes[row, 0].set_ylabel(name, fontsize=8)
    figure.suptitle(title, fontsize=9)
    return _save(figure, path)


def claim_arms_figure(record, path=None, chance=None):
    """A claim's two arms side by side (``docs/results/claims.json`` record): bars at the means, a dot per seed,
    each seed's pair joined by a line, the verdict in the title. Returns the figure."""
    import numpy as np

    plt = pyplot()
    arms = ((record["method"], np.asarray(record["method_accuracy"], float)),
            (record["control"], np.asarray(record["control_accuracy"], float)))
    figure, axis = plt.subplots(figsize=(4.2, 3.4))
    for position, (name, values) in enumerate(arms):
        axis.bar(position, values.mean(), color="C0" if position == 0 else "0.7", width=0.6)
        axis.plot([position] * len(values), values, "o", color="k", markersize=4)
    for first, second in zip(arms[0][1], arms[1][1]):
        axis.plot([0, 1], [first, second], color="k", linewidth=0.6, alpha=0.5)
    if chance is not None:
        axis.axhline(chance, color="C3", linestyle="--", label=f"chance ({chance:.1f}%)")
        axis.legend(fontsize=7, loc="lower right")
    axis.set_xticks([0, 1], [arms[0][0], arms[1][0]], fontsize=7)
    axis.set_ylabel("accuracy (%)")
    axis.set_ylim(0, 100)
    axis.set_title(f"{record['paper']}: {record['verdict']}", fontsize=9)
    figure.tight_layout()
    return _save(figure, path)
