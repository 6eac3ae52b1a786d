"""The FstCN experiment: train on clip pairs read from the videos, test with M pairs x 18 views, average vs SCI.

Steps, each recorded in ``OUT/state.json`` once finished so that the same command run again resumes after the
last finished step:

1. ``data`` (``--quick`` only): generated MotionClips videos written into ``OUT/data`` (``index.json``, UCF101
   layout), reused when there.
2. ``train``: FstCN trained on one (V_clip, V_diff) pair per training video per epoch, each read from its file
   (``read_fstcn_clip_pair`` decodes only the pair's 2 l_t frames; ``VideoClipDataset(reads_files=True)``),
   resumable epoch by epoch (``EpochBackup`` under ``OUT/backup``); the model is kept as ``OUT/fstcn.keras``.
3. ``test``: ``evaluate_fstcn`` on the split's test videos: M evenly spaced pairs x 9 crops x 2 flips,
   averaging and SCI fusion (Eqs. 5-7), top-1 / top-5 / mean class accuracy.

``save_results`` writes ``results.json``, ``results.md`` and ``training_curve.png`` into ``OUT``.
"""

import dataclasses
import pathlib
import time

import numpy as np

from keras_stvideo.reproductions.fstcn.settings import PRESETS, TABLE2, TABLE3, FstcnSettings
from keras_stvideo.utils.atomic import atomic_path
from keras_stvideo.utils.results import StepState, write_results

PAPER = "Sun, Jia, Yeung & Shi 2015 (FstCN)"


def _say(message):
    print(message, flush=True)


# ------------------------------------------------------------------ data
def generate_quick_data(settings, folder, seed=0):
    """The ``--quick`` video set (``MotionClips``: the class is the motion) under ``folder``; reused when there.

    ``quick_classes`` motions x ``quick_videos_per_class`` lossless AVIs of ``quick_video_frames`` frames of
    ``quick_video_size`` pixels, UCF101 layout with three splits: split 1 tests a quarter of each class.
    """
    import math

    from keras_stvideo.data.motion_clips import MOTIONS, MotionClips
    from keras_stvideo.data.video_index import VideoIndex

    folder = pathlib.Path(folder)
    if (folder / "index.json").is_file():
        return VideoIndex.load(folder / "index.json")
    side = settings.quick_video_size
    generator = MotionClips(frame_size=(side, side), num_frames=settings.quick_video_frames,
                            motions=MOTIONS[:settings.quick_classes], seed=seed)
    return generator.write(folder, clips_per_class=settings.quick_videos_per_class,
                           clips_per_group=math.ceil(settings.quick_videos_per_class / 20), num_splits=3, seed=seed)


def limit_videos(index, split, max_videos):
    """A copy of ``index`` keeping at most ``max_videos`` training and ``max_videos`` test videos of ``split``,
    spread evenly over each role's list (so over the classes, which the lists run through in order)."""
    from keras_stvideo.data.video_index import VideoIndex

    if max_videos is None:
        return index
    kept = []
    for role in ("train", "test"):
        entries = index.entries_for(split, role)
        if len(entries) > max_videos:
            entries = [entries[i] for i in np.linspace(0, len(entries) - 1, max_videos).round().astype(int)]
        kept.extend(entries)
    return VideoIndex(index.root, index.class_names, kept, index.name)


# ------------------------------------------------------------------ the model
def build_model(settings, num_classes):
    """FstCN of ``settings`` taking pixels in [0, 255]; the lower SCLs scale them by ``input_scale / 255`` first
    (both paths share the lower SCLs, so V_clip and V_diff are scaled alike)."""
    import keras

    from keras_stvideo.models.fstcn.fstcn_classifier import build_fstcn, build_lower_scls

    frame = (settings.input_size, settings.input_size, 3)
    scale = settings.input_scale / 255.0
    lower = build_lower_scls(frame, filters=settings.lower_filters,
                             name="lower_scls" if scale == 1.0 else "lower_scls_convs")
    if scale != 1.0:
        inputs = keras.Input(frame, name="frame")
        scaled = keras.layers.Rescaling(scale, name="scale_pixels")(inputs)
        lower = keras.Model(inputs, lower(scaled), name="lower_scls")
    config = {key: value for key, value in PRESETS[settings.preset].config.items() if key != "lower_filters"}
    config.update(input_size=settings.input_size, clip_length=settings.clip_length, fc_units=settings.fc_units,
                  fusion_units=settings.fusion_units)
    return build_fstcn(num_classes, lower_scls=lower, **config)


def make_optimizer(settings):
    import keras

    from keras_stvideo.models.fstcn.fstcn_classifier import fstcn_optimizer

    if settings.optimizer == "caffe_sgd":
        return fstcn_optimizer(settings.learning_rate)  # section 2.5: momentum 0.9, weight decay 5e-4 (Caffe's)
    return keras.optimizers.Adam(settings.learning_rate)


def training_data(settings, index, seed=0):
    """One random (V_clip, V_diff) pair per training video per epoch, read from the files (section 2.2, 2.5)."""
    import functools

    from keras_stvideo.data.samplers import read_fstcn_clip_pair
    from keras_stvideo.data.video_dataset import VideoClipDataset

    sampler = functools.partial(read_fstcn_clip_pair, clip_length=settings.clip_length, stride=settings.stride,
                                diff_offset=settings.diff_offset, crop_size=settings.input_size, flip=settings.flip)
    return VideoClipDataset(index, settings.split, "train", sampler, inputs=("v_clip", "v_diff"),
                            batch_size=settings.batch_size,
                            frame_size=None if settings.frame_size is None else tuple(settings.frame_size),
                            seed=seed, reads_files=True)


# ------------------------------------------------------------------ the run
class State(StepState):
    """Finished steps and their results, saved atomically after each step (``OUT/state.json``)."""

    def __init__(self, out, settings, seed, index_path=None):
        index = None if index_path is None else str(pathlib.Path(index_path).resolve())
        super().__init__(out, {"settings": dataclasses.asdict(settings), "seed": seed, "index": index},
                         "settings, seed or index")


class _EpochPrinter:
    """A progress line per epoch (a Keras callback built when Keras is loaded)."""

    def __new__(cls, epochs):
        import keras

        class Printer(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self.started = time.time()

            def on_epoch_end(self, epoch, logs=None):
                shown = " ".join(f"{k} {v:.4f}" for k, v in sorted((logs or {}).items()))
                _say(f"[train] epoch {epoch + 1}/{epochs}: {shown} ({time.time() - self.started:.0f} s)")

        return Printer()


def train(settings, index, out, seed=0):
    """Train FstCN on the split's training videos (resumable); return (model, per-epoch history)."""
    import keras

    from keras_stvideo.training.epoch_backup import DatasetEpochSync, EpochBackup

    keras.utils.set_random_seed(seed)
    data = training_data(settings, index, seed)
    model = build_model(settings, len(index.class_names))
    model.compile(optimizer=make_optimizer(settings), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    backup = EpochBackup(pathlib.Path(out) / "backup")
    _say(f"[train] {len(data.entries)} videos, {len(data)} batches of {settings.batch_size} clip pairs "
         f"(l_t {settings.clip_length}, s_t {settings.stride}, d_t {settings.diff_offset}, "
         f"{settings.input_size} x {settings.input_size} crops), {settings.epochs} epochs, "
         f"{model.count_params():,} parameters")
    if backup.initial_epoch:
        _say(f"[train] resuming after epoch {backup.initial_epoch} ({backup.directory})")
    model.fit(data, epochs=settings.epochs, initial_epoch=backup.initial_epoch,
              callbacks=[DatasetEpochSync(data), backup, _EpochPrinter(settings.epochs)], verbose=0)
    return model, backup.history


def run_reproduction(settings, out, index=None, index_path=None, seed=0):
    """Run (or resume) every step; returns the results dict (the steps of ``OUT/state.json``)."""
    from keras_stvideo.data.video_index import VideoIndex

    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    state = State(out, settings, seed, index_path)
    if settings.quick:
        folder = out / "data"
        if not (folder / "index.json").is_file():
            _say(f"[data] writing {settings.quick_classes} x {settings.quick_videos_per_class} generated motion "
                 f"videos (MotionClips, {settings.quick_video_frames} frames of {settings.quick_video_size} x "
                 f"{settings.quick_video_size}) into {folder}")
        started = time.time()
        index = generate_quick_data(settings, folder, seed)
        if not state.done("data"):
            state.record("data", {"folder": str(folder), "videos": len(index.entries),
                                  "seconds": time.time() - started})
    elif index is None:
        index = VideoIndex.load(index_path)
    index = limit_videos(index, settings.split, settings.max_videos)
    counts = index.counts(settings.split)
    _say(f"[data] {len(index.class_names)} classes; {settings.split}: {counts.get('train', 0)} training and "
         f"{counts.get('test', 0)} test videos")
    model_path = out / "fstcn.keras"

    if not state.done("train"):
        started = time.time()
        model, history = train(settings, index, out, seed)
        with atomic_path(model_path) as tmp:
            model.save(tmp)
        state.record("train", {"history": history, "seconds": time.time() - started,
                               "parameters": int(model.count_params())})
    else:
        _say(f"[train] done before: {model_path}")
        model = None

    if not state.done("test"):
        from keras_stvideo.models.fstcn.fstcn_video_inference import evaluate_fstcn

        if model is None:
            from keras_stvideo.saving import load_model

            model = load_model(model_path)
        started = time.time()
        _say(f"[test] {counts.get('test', 0)} videos x {settings.num_test_clips} clip pairs x 18 views "
             "(9 crops and their flips), averaging and SCI fusion")
        report = evaluate_fstcn(model, index, settings.split, "test", num_clips=settings.num_test_clips,
                                frame_size=None if settings.frame_size is None else tuple(settings.frame_size),
                                stride=settings.stride, diff_offset=settings.diff_offset, progress=True)
        result = {fusion: {k: 100.0 * float(v) for k, v in report[fusion].items()} for fusion in ("average", "sci")}
        result.update(videos=int(len(report["labels"])), seconds=time.time() - started,
                      chance=100.0 / len(index.class_names),
                      labels=[int(v) for v in report["labels"]],
                      predicted_average=[int(v) for v in report["average_scores"].argmax(1)],
                      predicted_sci=[int(v) for v in report["sci_scores"].argmax(1)])
        state.record("test", result)
    test = state.steps["test"]
    for fusion in ("average", "sci"):
        _say(f"[result] {fusion}: top-1 {test[fusion]['top1']:.1f}%, top-5 {test[fusion]['top5']:.1f}%, mean class "
             f"{test[fusion]['mean_class']:.1f}% (chance {test['chance']:.1f}%)")
    return state.steps


# ------------------------------------------------------------------ the tables
def markdown_table(results, settings):
    test = results["test"]
    dataset = "generated MotionClips" if settings.quick else settings.split
    lines = [f"Measured ({dataset}, {test['videos']} test videos, {settings.num_test_clips} clip pairs x 18 views "
             f"each; chance {test['chance']:.1f}%):", "",
             "| fusion | top-1 (%) | top-5 (%) | mean class (%) |", "|---|---|---|---|"]
    for fusion, name in (("average", "averaging"), ("sci", "SCI (Eqs. 5-7)")):
        row = test[fusion]
        lines.append(f"| {name} | {row['top1']:.1f} | {row['top5']:.1f} | {row['mean_class']:.1f} |")
    lines += ["", "The paper (mean accuracy over the three splits, %):", "",
              "| table | row | UCF101 | HMDB51 |", "|---|---|---|---|"]

    def shown(value):
        return "-" if value is None else f"{value:.1f}"

    for row, (ucf, hmdb) in TABLE2.items():
        lines.append(f"| Table 2 | {row} | {shown(ucf)} | {shown(hmdb)} |")
    for row, (ucf, hmdb) in TABLE3.items():
        if not row.startswith("FstCN"):  # FstCN's rows repeat Table 2's
            lines.append(f"| Table 3 | {row} | {shown(ucf)} | {shown(hmdb)} |")
    train = results.get("train")
    if train and train["history"].get("loss"):
        history = train["history"]
        lines += ["", f"Training: {len(history['loss'])} epochs, loss {history['loss'][0]:.3f} -> "
                      f"{history['loss'][-1]:.3f}, training-pair accuracy {100 * history['accuracy'][-1]:.1f}% "
                      f"(last epoch), {train['seconds']:.0f} s; test {test['seconds']:.0f} s."]
    if settings.quick:
        lines += ["", f"--quick: {settings.quick_classes} motions of generated MotionClips videos (the class is the "
                      f"motion only; chance {100 / settings.quick_classes:.1f}%), "
                      f"{settings.quick_videos_per_class} videos per class of {settings.quick_video_frames} frames "
                      f"at {settings.quick_video_size} x {settings.quick_video_size}, read back at "
                      f"{settings.frame_size[0]} x {settings.frame_size[1]}; stvideo compare's reduced FstCN "
                      f"({settings.preset}: {settings.input_size} x {settings.input_size} crops, lower SCLs "
                      f"{'-'.join(map(str, settings.lower_filters))}, FC {'-'.join(map(str, settings.fc_units))}, "
                      f"{settings.optimizer} {settings.learning_rate:g} on pixels x {settings.input_scale:g}/255) "
                      f"from scratch, {settings.epochs} epochs. It shows the pipeline and the two fusions; its "
                      "numbers are not comparable with the paper's."]
    return "\n".join(lines)


def training_curve(history, path, chance=None, title=""):
    """Loss and training-pair accuracy per epoch, written atomically to ``path`` (PNG)."""
    from keras_stvideo.plots import pyplot, save_figure

    plt = pyplot()
    figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(8, 3.2))
    epochs = np.arange(1, len(history.get("loss", [])) + 1)
    loss_axes.plot(epochs, history.get("loss", []), "o-", markersize=3)
    loss_axes.set_xlabel("epoch")
    loss_axes.set_ylabel("training loss")
    accuracy_axes.plot(epochs, 100 * np.asarray(history.get("accuracy", [])), "o-", markersize=3,
                       label="training pairs")
    if chance is not None:
        accuracy_axes.axhline(chance, color="C3", linestyle="--", label=f"chance ({chance:.1f}%)")
    accuracy_axes.set_xlabel("epoch")
    accuracy_axes.set_ylabel("accuracy (%)")
    accuracy_axes.set_ylim(0, 100)
    accuracy_axes.legend(fontsize=8)
    figure.suptitle(title, fontsize=9)
    figure.tight_layout()
    return save_figure(figure, path)


def save_results(results, out, settings, seed, seconds=None):
    """Write results.json, results.md and training_curve.png atomically into ``out``; return the three paths."""
    test = results["test"]
    payload = {"paper": PAPER, "settings": dataclasses.asdict(settings), "seed": seed,
               "results": results, "seconds": seconds,
               "measured": {"average": test["average"], "sci": test["sci"], "chance": test["chance"]},
               "paper_table2": {row: {"ucf101": u, "hmdb51": h} for row, (u, h) in TABLE2.items()},
               "paper_table3": {row: {"ucf101": u, "hmdb51": h} for row, (u, h) in TABLE3.items()}}
    json_path, md_path = write_results(out, payload, f"# {PAPER}: measured vs the paper\n\n"
                                       + markdown_table(results, settings) + "\n")
    curve = training_curve(results.get("train", {}).get("history", {}), pathlib.Path(out) / "training_curve.png",
                           chance=test["chance"], title=f"FstCN ({settings.preset}): training curve")
    return json_path, md_path, curve


__all__ = ["FstcnSettings", "run_reproduction", "save_results", "markdown_table", "build_model"]
