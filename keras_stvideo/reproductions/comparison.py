"""The five methods side by side on one generated motion task (``stvideo compare``).

Every method trains at a reduced size on the same clips of ``MotionClips`` (the
label is the motion, so a model must use time), under the same budget (the same
training clips and epochs), and is scored on the same test clips: accuracy,
parameters, training time and inference clips per second. Unsupervised methods
are scored by their paper's protocol (a classifier fine-tuned or trained on
frozen features after the unsupervised stage).

Each method's recipe lives in its own folder, ``reproductions/<method>/comparison.py``,
and defines ``PAPER`` (the paper's short citation), ``REDUCED`` (what is reduced
from the paper's setting, and why) and ``train(task) -> (model, predict)``:
the trained model (for its parameter count) and a function from clips
``(N, T, H, W, 3)`` in [0, 1] to class probabilities. A method listed in
``METHODS`` whose recipe module does not exist yet is reported as such, not hidden.

Example:
    >>> rows = run_comparison(CompareSettings.quick())  # doctest: +SKIP
"""

import dataclasses
import importlib
import time

from keras_stvideo.utils.validation import check_positive_int

# method name -> recipe module; in the order of the papers' publication
METHODS = {
    "stcsae": "keras_stvideo.reproductions.stcsae.comparison",
    "fstcn": "keras_stvideo.reproductions.fstcn.comparison",
    "attention_lstm": "keras_stvideo.reproductions.attention_lstm.comparison",
    "siamese_c3d": "keras_stvideo.reproductions.siamese_c3d.comparison",
    "tesnet": "keras_stvideo.reproductions.tesnet.comparison",
    # not a paper: a tiny 3D CNN on frames and frame differences, to show what the clips and budget allow
    "reference": "keras_stvideo.reproductions.comparison_reference",
}


@dataclasses.dataclass(frozen=True)
class CompareSettings:
    """The shared task and budget: every method sees the same clips for the same epochs.

    The defaults (4,800 / 1,200 clips, 20 epochs: about 8x the quick run's compute) were not run here.
    """

    train_clips: int = 4800
    test_clips: int = 1200
    frame_size: int = 32
    num_frames: int = 16
    epochs: int = 20
    batch_size: int = 16
    seed: int = 0
    # True: hold out the last fifth of the training clips and score on them instead of the test clips (for
    # choosing a recipe's settings; the test clips are then never generated)
    validation: bool = False

    def __post_init__(self):
        for name in ("train_clips", "test_clips", "frame_size", "num_frames", "epochs", "batch_size"):
            check_positive_int(getattr(self, name), name)

    @classmethod
    def quick(cls):
        """32 x 32 clips of 16 frames, 1,200 training and 480 test clips, 10 epochs: about 20-30 minutes in all on
        2 shared CPU cores. The size at which a small 3D CNN on frame differences learns the motions (about 60%:
        the ``reference`` row), chosen by short per-method probes."""
        return cls(train_clips=1200, test_clips=480, frame_size=32, num_frames=16, epochs=10)

    @classmethod
    def smoke(cls):
        """Seconds per method: for tests and CI, not for conclusions."""
        return cls(train_clips=24, test_clips=12, frame_size=32, num_frames=13, epochs=1, batch_size=8)


@dataclasses.dataclass
class ComparisonTask:
    """What a recipe gets: clips in [0, 1] (N, T, H, W, 3), integer labels, the budget."""

    x_train: object
    y_train: object
    x_test: object
    y_test: object
    num_classes: int
    class_names: list
    epochs: int
    batch_size: int
    seed: int


def make_task(settings):
    """The generated motion task of ``settings``: training and test clips from disjoint seeds.

    With ``settings.validation`` the last fifth of the training clips (at least one) is held out and takes the
    test clips' place, so that a recipe's settings are chosen without ever seeing the test clips.
    """
    from keras_stvideo.data.motion_clips import MotionClips

    clips = MotionClips(frame_size=settings.frame_size, num_frames=settings.num_frames, seed=settings.seed)
    x_train, y_train = clips.generate(settings.train_clips, seed=(settings.seed, 0), dtype="float32")
    if settings.validation:
        held_out = max(1, settings.train_clips // 5)
        if held_out >= settings.train_clips:
            raise ValueError(f"a validation split needs at least 2 training clips, got {settings.train_clips}")
        x_train, x_test = x_train[:-held_out], x_train[-held_out:]
        y_train, y_test = y_train[:-held_out], y_train[-held_out:]
    else:
        x_test, y_test = clips.generate(settings.test_clips, seed=(settings.seed, 1), dtype="float32")
    return ComparisonTask(x_train, y_train, x_test, y_test, clips.num_classes, list(clips.class_names),
                          settings.epochs, settings.batch_size, settings.seed)


def load_recipe(method):
    """The recipe module of ``method``, or None when that method is not in the package yet."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {tuple(METHODS)}, got {method!r}")
    try:
        return importlib.import_module(METHODS[method])
    except ModuleNotFoundError as error:
        if error.name and METHODS[method].startswith(error.name):
            return None
        raise


def evaluate_method(recipe, task):
    """Train one recipe on ``task``; its test accuracy (%), its accuracy on as many training clips as there are
    test clips (fitting, %), parameters, training seconds and inference clips/s."""
    import keras
    import numpy as np

    keras.utils.set_random_seed(task.seed)
    start = time.perf_counter()
    model, predict = recipe.train(task)
    train_seconds = time.perf_counter() - start
    predict(task.x_test[:2])  # warm up (tracing, compilation) before timing inference
    start = time.perf_counter()
    probabilities = np.asarray(predict(task.x_test))
    predict_seconds = time.perf_counter() - start
    seen = slice(0, len(task.x_test))  # as many training clips as test clips: does it fit what it saw?
    fitted = np.asarray(predict(task.x_train[seen])).argmax(axis=-1) == np.asarray(task.y_train[seen])
    return {
        "accuracy": 100.0 * float(np.mean(probabilities.argmax(axis=-1) == task.y_test)),
        "train_accuracy": 100.0 * float(np.mean(fitted)),
        "parameters": int(model.count_params()),
        "train_seconds": train_seconds,
        "clips_per_second": len(task.x_test) / predict_seconds,
    }


def run_comparison(settings, methods=tuple(METHODS), log=print, seeds=None):
    """One row per method and seed (seed by seed, methods in ``METHODS`` order): the measured scores with the
    row's ``seed``, or ``status: "not yet there"``. ``seeds`` defaults to ``(settings.seed,)``; each seed draws
    its own clips and initialises every method anew."""
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"methods must be among {tuple(METHODS)}, got {unknown!r}")
    seeds = (settings.seed,) if seeds is None else tuple(seeds)
    held_out = "validation (the last fifth of the training clips)" if settings.validation else "test"
    log(f"task: {settings.train_clips} training and {settings.test_clips} {held_out} clips of {settings.num_frames} "
        f"frames of {settings.frame_size} x {settings.frame_size}, {settings.epochs} epoch(s), seed(s) "
        f"{', '.join(map(str, seeds))}")
    rows = []
    for seed in seeds:
        task = make_task(dataclasses.replace(settings, seed=seed))
        for method in methods:
            recipe = load_recipe(method)
            if recipe is None:
                rows.append({"method": method, "seed": seed, "status": "not yet there"})
                log(f"[{method}] not in the package yet")
                continue
            log(f"[{method}, seed {seed}] training ({recipe.REDUCED})")
            row = {"method": method, "seed": seed, "paper": recipe.PAPER, "reduced": recipe.REDUCED,
                   "status": "measured"}
            row.update(evaluate_method(recipe, task))
            rows.append(row)
            log(f"[{method}, seed {seed}] accuracy {row['accuracy']:.1f}% (chance {100 / task.num_classes:.1f}%; "
                f"training clips {row['train_accuracy']:.1f}%), {row['parameters']:,} parameters, "
                f"{row['train_seconds']:.0f} s training, {row['clips_per_second']:.1f} clips/s")
    return rows


def summarize(rows):
    """One summary per method (in ``METHODS`` order, then any other): its seeds' accuracies with their mean,
    sample standard deviation (0 for one seed) and minimum, and the means of the other scores.

    Example:
        >>> summarize([{"method": "reference", "seed": 0, "status": "measured", "accuracy": 60.0, ...}, ...])
        ... # doctest: +SKIP
    """
    import numpy as np

    order = list(METHODS)
    methods = sorted({row["method"] for row in rows}, key=lambda m: (order.index(m) if m in order else len(order), m))
    summary = []
    for method in methods:
        measured = sorted((r for r in rows if r["method"] == method and r["status"] == "measured"),
                          key=lambda r: r.get("seed", 0))
        if not measured:
            summary.append({"method": method, "status": "not yet there"})
            continue
        accuracies = np.array([r["accuracy"] for r in measured])
        first = measured[0]
        summary.append({
            "method": method, "status": "measured", "paper": first["paper"], "reduced": first["reduced"],
            "seeds": [r.get("seed", 0) for r in measured],
            "accuracies": accuracies.tolist(),
            "accuracy_mean": float(accuracies.mean()),
            "accuracy_std": float(accuracies.std(ddof=1)) if len(accuracies) > 1 else 0.0,
            "accuracy_min": float(accuracies.min()),
            "train_accuracy_mean": float(np.mean([r["train_accuracy"] for r in measured])),
            "parameters": first["parameters"],
            "train_seconds_mean": float(np.mean([r["train_seconds"] for r in measured])),
            "clips_per_second_mean": float(np.mean([r["clips_per_second"] for r in measured])),
        })
    return summary


def markdown_table(rows, settings):
    """The comparison as a Markdown table (a row per method: mean and spread over its seeds, each seed's
    accuracy), with the task and chance above it."""
    seeds = sorted({row.get("seed", settings.seed) for row in rows})
    held_out = "validation clips (the last fifth of the training clips)" if settings.validation else "test clips"
    lines = [
        f"Generated motion clips ({settings.num_frames} frames of {settings.frame_size} x {settings.frame_size}, "
        f"6 motions, chance {100 / 6:.1f}%): {settings.train_clips} training clips, "
        f"{'' if settings.validation else f'{settings.test_clips} '}{held_out}, {settings.epochs} epoch(s), "
        f"seed{'s' if len(seeds) > 1 else ''} {', '.join(map(str, seeds))}. Accuracy: mean ± standard deviation "
        "over the seeds.",
        "",
        "| method | paper | accuracy | per seed | training-clip accuracy | parameters | training time | inference | "
        "reduced from the paper |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in summarize(rows):
        if row["status"] != "measured":
            lines.append(f"| {row['method']} | | {row['status']} | | | | | | |")
            continue
        per_seed = ", ".join(f"{a:.1f}" for a in row["accuracies"])
        lines.append(
            f"| {row['method']} | {row['paper']} | {row['accuracy_mean']:.1f} ± {row['accuracy_std']:.1f}% | "
            f"{per_seed} | {row['train_accuracy_mean']:.1f}% | {row['parameters']:,} | "
            f"{row['train_seconds_mean']:.0f} s | {row['clips_per_second_mean']:.1f} clips/s | {row['reduced']} |")
    return "\n".join(lines)


def _comparable(settings_dict):
    return {key: value for key, value in settings_dict.items() if key != "seed"}


def check_same_settings(previous, settings):
    """A comparison.json payload to merge into must have been run with ``settings`` (the seeds may differ);
    else a ValueError."""
    if _comparable(previous.get("settings") or {}) != _comparable(dataclasses.asdict(settings)):
        raise ValueError(f"--merge needs a comparison of the same settings: expected {dataclasses.asdict(settings)}, "
                         f"got {previous.get('settings')}")


def _row_key(row):
    return row["method"], row.get("seed", 0)


def merge_comparison(previous, rows, settings, seconds):
    """``previous`` (a comparison.json payload of the same settings) with its rows of the (method, seed) pairs in
    ``rows`` replaced by ``rows``: the payload to save after rerunning some methods (``stvideo compare --merge``).

    The payload keeps the previous run's ``seconds`` and lists every rerun in ``reruns`` (methods, seeds, seconds).
    """
    check_same_settings(previous, settings)
    fresh = {_row_key(row): row for row in rows}
    merged = [fresh.pop(_row_key(row), row) for row in previous["rows"]]
    merged += list(fresh.values())  # methods or seeds the previous run did not have
    order = list(METHODS)
    merged.sort(key=lambda row: (row.get("seed", 0),
                                 order.index(row["method"]) if row["method"] in order else len(order)))
    rerun = {"methods": sorted({row["method"] for row in rows}, key=lambda m: order.index(m) if m in order else 0),
             "seeds": sorted({row.get("seed", 0) for row in rows}), "seconds": seconds}
    reruns = list(previous.get("reruns", [])) + [rerun]
    return {"settings": previous["settings"], "seconds": previous["seconds"], "rows": merged, "reruns": reruns}


def save_comparison(rows, settings, out_dir, seconds, reruns=()):
    """Write comparison.json, comparison.md and the bar chart comparison.png atomically into ``out_dir``;
    return the paths of the JSON and Markdown files.

    ``reruns``: the methods rerun later and merged into this table (``merge_comparison``), listed below it.
    """
    import pathlib

    from keras_stvideo.plots import comparison_bar_chart
    from keras_stvideo.utils.results import write_results

    from keras_stvideo.utils.machine import describe_machine

    summary = summarize(rows)
    machine = describe_machine()
    payload = {"settings": dataclasses.asdict(settings), "seeds": sorted({row.get("seed", 0) for row in rows}),
               "seconds": seconds, "machine": machine, "rows": rows, "summary": summary}
    notes = (f"\n\nThe {'first run' if reruns else 'whole comparison'} took {seconds / 60:.1f} minutes "
             f"({machine['cpu']}, {machine['cores']} cores).\n")
    if reruns:
        payload["reruns"] = list(reruns)
        notes += "".join(f"Rerun later and merged into the table (`--merge`): {', '.join(rerun['methods'])}, "
                         f"in {rerun['seconds'] / 60:.1f} minutes.\n" for rerun in reruns)
    paths = write_results(out_dir, payload, "# Five methods on generated motion clips\n\n"
                          + markdown_table(rows, settings) + notes, stem="comparison")
    comparison_bar_chart(summary, chance=100 / 6, path=pathlib.Path(out_dir) / "comparison.png",
                         title=f"stvideo compare: {settings.train_clips} training clips, {settings.epochs} epochs",
                         ylabel=f"{'validation' if settings.validation else 'test'} accuracy (%)")
    return paths
