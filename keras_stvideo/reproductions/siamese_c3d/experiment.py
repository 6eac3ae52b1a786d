"""The experiments of Paul et al. 2018 (Table 1, Table 3) on a user's data or on generated clips (``--quick``).

Steps, each recorded in ``OUT/state.json`` once finished so that the same command
run again resumes after the last finished step (the pre-trained Siamese model is
kept as ``OUT/siamese.keras``):

1. ``pretrain``: unsupervised Siamese training on mined pairs of the unlabelled
   training videos (UCF101 split 1 train; section 3).
2. ``finetune:<dataset>:<init>``: a C3D classifier trained on the labelled
   training videos from the tower's weights ("siamese") or at random ("random"),
   tested by video-level accuracy on the test videos (Table 1).
3. ``aslan:<init>``: ASLAN same/not-same, 10-fold, with the pre-trained and a
   random tower (Table 3), when a pairs file is given.
"""

import dataclasses
import json
import pathlib
import time

import numpy as np

from keras_stvideo.models.siamese_c3d.siamese_c3d_presets import (SIAMESE_C3D_CLASSIFIER_PAPER, SIAMESE_C3D_PAPER,
                                                                SIAMESE_C3D_QUICK, SIAMESE_C3D_TOWER_PAPER)
from keras_stvideo.utils.atomic import atomic_path
from keras_stvideo.utils.results import StepState, write_results

PAPER_TABLE1 = {  # Table 1, Paul et al. 2018: accuracy (%); "C3D [27]" = random initialisation, "Ours" = pre-trained
    "hmdb51": {"Chance": 1.9, "C3D [27]": 19.2, "STIP [24]": 20.0, "TCH [18]": 15.9, "IM [6]": 16.3,
               "OP [29]": 15.6, "S&L [17]": 18.1, "Ours": 20.6},
    "ucf101": {"Chance": 1.0, "C3D [27]": 44.1, "STIP [24]": 43.9, "TCH [18]": 45.4, "IM [6]": 45.7,
               "OP [29]": 40.7, "S&L [17]": 50.2, "Ours": 48.5},
}
INIT_COLUMNS = {"random": "C3D [27]", "siamese": "Ours"}


# The paper's numbers (section 3 unless noted) and our fine-tuning's: the presets' (siamese_c3d_presets.py).
_PAPER, _TOWER = SIAMESE_C3D_PAPER.training, SIAMESE_C3D_TOWER_PAPER.config
_FINETUNE = SIAMESE_C3D_CLASSIFIER_PAPER.training


@dataclasses.dataclass(frozen=True)
class SiameseSettings:
    """Every number of the run; paper values are the defaults (section 3 unless noted)."""

    volume_shape: tuple = _TOWER["input_shape"][:3]  # C3D crops (Tran et al. 2015, 3.1)
    frame_size: tuple = _PAPER["frame_size"]  # C3D frame size (Tran et al. 2015, 3.1)
    filters: tuple = _TOWER["filters"]  # small C3D (Tran et al. 2015, 3.1)
    fc_units: int = _TOWER["fc_units"]
    batch_size: int = _PAPER["batch_size"]  # section 3
    positive_ratio: float = _PAPER["positive_ratio"]  # section 3
    transform_on: str = _PAPER["transform_on"]  # section 2 (Algorithm 1 as printed: "negative")
    pretrain_epochs: int = 10  # not stated
    batches_per_epoch: int = 1000  # not stated
    pretrain_learning_rate: float = _PAPER["pretrain_learning_rate"]  # Adam; not stated
    finetune_epochs: int = _FINETUNE["finetune_epochs"]  # not stated
    finetune_batch_size: int = _FINETUNE["finetune_batch_size"]  # not stated
    finetune_learning_rate: float = _FINETUNE["finetune_learning_rate"]  # not stated
    test_volumes: int = _FINETUNE["test_volumes"]  # volumes per test video (not stated)
    feature_volumes: int = _PAPER["feature_volumes"]  # section 3 (nearest neighbours): 10 random volumes
    split: str = "split1"
    dropout: float = _TOWER["dropout"]  # after fc6, fc7 and the Siamese head's fc (section 2)
    batch_norm: bool = False  # not in C3D (build_c3d_small's batch_norm)
    frame_differences: bool = False  # not in C3D: conv1 also sees frame differences (build_c3d_small)
    head_initializer: str = "glorot_uniform"  # fc8's kernels when fine-tuning (Keras' default; not stated)
    finetune_flip: bool = True  # C3D's horizontal flips of the training volumes (Tran et al. 2015, 3.1)

    @classmethod
    def quick(cls):
        """The generated motion clips (``QUICK_DATA``) with ``stvideo compare``'s working Siamese recipe.

        Everything that recipe tuned is imported from ``comparison.py`` (the narrow tower, batch
        normalisation, frame differences, no dropout, zero fc8, Algorithm 1's F on negatives only, the two
        Adam rates, 3 test volumes); volumes are 8 frames (half a clip, as there) of the whole 32 x 32 frame.
        Not in the paper: no flip of the fine-tuning volumes, since a flipped "left" clip is a "right" one.
        Budget: 6 x 50 mined batches of 16 pairs, then 8 epochs of fine-tuning (one volume per training
        video per epoch, batches of 16) per arm: 5 min 14 s in all on 2 idle CPU cores (measured, seed 0).
        """
        from keras_stvideo.reproductions.siamese_c3d import comparison as recipe

        frames, size = QUICK_DATA["num_frames"], QUICK_DATA["size"]
        return cls(volume_shape=(frames // 2,) + tuple(size), frame_size=tuple(size), filters=recipe.FILTERS,
                   fc_units=recipe.FC_UNITS, transform_on=recipe.TRANSFORM_ON,
                   pretrain_learning_rate=recipe.PRETRAIN_LEARNING_RATE,
                   finetune_learning_rate=recipe.FINETUNE_LEARNING_RATE, test_volumes=recipe.TEST_VOLUMES,
                   dropout=recipe.DROPOUT, batch_norm=recipe.BATCH_NORM, frame_differences=recipe.FRAME_DIFFERENCES,
                   head_initializer=recipe.HEAD_INITIALIZER, **SIAMESE_C3D_QUICK.training)  # the quick preset

    def build_tower(self):
        """A fresh tower T of these settings (random initialisation)."""
        from keras_stvideo.models.siamese_c3d.c3d_backbone import build_c3d_small

        return build_c3d_small(tuple(self.volume_shape) + (3,), filters=self.filters, fc_units=self.fc_units,
                               dropout=self.dropout, batch_norm=self.batch_norm,
                               frame_differences=self.frame_differences)


# The generated video sets of --quick: the clips of ``stvideo compare --quick`` (16 frames of 32 x 32), written as
# UCF101-like sets; split1 tests about a quarter of each class's videos.
QUICK_DATA = {
    "num_frames": 16,
    "size": (32, 32),
    "ucf101": {"motions": ("left", "right", "up", "down"), "videos_per_class": 300},
    # without clutter, camera jitter or background drift: with them, 8 epochs of the narrow C3D fitted the clips'
    # appearance and scored chance on zoom in / zoom out / rotate (probes: 33.3%; no clutter alone 39.8%; none of
    # the three 52.3%, chance 33.3%)
    "hmdb51": {"motions": ("zoom_in", "zoom_out", "rotate_ccw"), "videos_per_class": 300,
               "clips": {"num_clutter": 0, "jitter": 0.0, "background_speed_range": (0.0, 0.0)}},
    "aslan": {"folds": 10, "pairs_per_fold": 30},  # drawn from the UCF101-like set's split1 test videos
}


# ------------------------------------------------------------------ generated data for --quick
def generate_clip_dataset(folder, num_classes=4, videos_per_class=8, num_frames=24, size=(36, 44), seed=0,
                          motions=None, **clip_options):
    """Write a small labelled video set of ``MotionClips`` (AVI files + index.json); reuse it when already there.

    The class is the motion (``motions``, default the first ``num_classes`` of
    ``keras_stvideo.data.motion_clips.MOTIONS``: left, right, up, down, zoom in,
    zoom out, ...), on textured drifting backgrounds with clutter and camera
    jitter. Laid out like UCF101 (``MotionClips.write``, one clip per group,
    three splits): "split1" tests the first quarter of each class's clips. ``clip_options`` go to
    ``MotionClips`` (e.g. ``num_clutter=0``).
    Returns the ``VideoIndex``.
    """
    from keras_stvideo.data.motion_clips import MOTIONS, MotionClips
    from keras_stvideo.data.video_index import VideoIndex

    folder = pathlib.Path(folder)
    index_path = folder / "index.json"
    if index_path.is_file():
        return VideoIndex.load(index_path)
    motions = MOTIONS[:num_classes] if motions is None else tuple(motions)
    if len(motions) != num_classes:
        raise ValueError(f"motions must name num_classes={num_classes} motions, got {motions!r}")
    if videos_per_class < 4:
        raise ValueError(f"videos_per_class must be at least 4 (split1 tests a quarter), got {videos_per_class}")
    generator = MotionClips(frame_size=tuple(size), num_frames=num_frames, motions=motions, seed=seed,
                            **clip_options)
    # UCF101's file names allow 99 groups per class; groups only number the clips (they share nothing)
    generator.write(folder, clips_per_class=videos_per_class, clips_per_group=-(-videos_per_class // 99),
                    num_splits=3, seed=seed)
    return VideoIndex.load(index_path)


def generate_aslan_pairs(index, out_path, folds=4, pairs_per_fold=8, seed=0, split=None, role=None):
    """An ASLAN-format pairs file over a generated index: half same-class, half other-class pairs per fold.

    The videos are the index's ``role`` videos of ``split`` (e.g. "split1", "test": videos the unsupervised
    stage never saw, as ASLAN's are not UCF101's), or every video when ``split`` is None.
    """
    rng = np.random.default_rng(seed)
    by_label = {}
    for entry in (index.entries if split is None else index.entries_for(split, role)):
        by_label.setdefault(entry.label, []).append(entry.path)
    labels = sorted(by_label)
    result = []
    for _ in range(folds):
        fold = []
        for j in range(pairs_per_fold):
            if j % 2 == 0:
                label = labels[int(rng.integers(len(labels)))]
                a, b = rng.choice(by_label[label], 2, replace=False)
                fold.append([str(a), str(b), 1])
            else:
                la, lb = rng.choice(labels, 2, replace=False)
                fold.append([str(rng.choice(by_label[la])), str(rng.choice(by_label[lb])), 0])
        result.append(fold)
    out_path = pathlib.Path(out_path)
    with atomic_path(out_path) as tmp:
        tmp.write_text(json.dumps({"root": str(index.root), "folds": result}, indent=1))
    return out_path


# ------------------------------------------------------------------ the run
class State(StepState):
    """Finished steps and their results, saved atomically after each step (``OUT/state.json``)."""

    def __init__(self, out, settings, seed):
        super().__init__(out, {"settings": dataclasses.asdict(settings), "seed": seed}, "settings or seed")


def _load_videos(index, entries, frame_size):
    from keras_stvideo.data.video import read_video

    return [read_video(index.path_of(e), size=frame_size, frame_range=e.frame_range) for e in entries]


def run_experiments(settings, out, ucf101=None, hmdb51=None, aslan=None, seed=0, progress=print):
    """Run (or resume) the reproduction; returns the results dict (also in ``OUT/state.json``)."""
    import keras

    from keras_stvideo.data.pair_mining import PairMiningDataset
    from keras_stvideo.data.video_dataset import VideoClipDataset
    from keras_stvideo.data.video_index import VideoIndex
    from keras_stvideo.models.siamese_c3d.training import (fine_tune, pretrain_siamese, video_level_accuracy,
                                                           volume_sampler)
    from keras_stvideo.saving import load_model

    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    state = State(out, settings, seed)
    indexes = {name: VideoIndex.load(path) if not isinstance(path, VideoIndex) else path
               for name, path in (("ucf101", ucf101), ("hmdb51", hmdb51)) if path is not None}
    if "ucf101" not in indexes:
        raise ValueError("the unsupervised step needs the UCF101 index (--ucf101)")
    siamese_path = out / "siamese.keras"

    # 1. unsupervised pre-training (section 3)
    if not state.done("pretrain"):
        keras.utils.set_random_seed(seed)
        pairs = PairMiningDataset(indexes["ucf101"], settings.split, "train", settings.volume_shape,
                                  settings.positive_ratio, settings.batch_size, settings.batches_per_epoch,
                                  settings.frame_size, settings.transform_on, seed=seed)
        tower = settings.build_tower()
        started = time.time()
        progress(f"[pretrain] {settings.pretrain_epochs} epochs x {settings.batches_per_epoch} batches of "
                 f"{settings.batch_size} mined pairs from {len(pairs.entries)} videos")
        from keras_stvideo.models.siamese_c3d.siamese_model import build_siamese_c3d

        model = build_siamese_c3d(tower=tower, dropout=settings.dropout)
        model, history = pretrain_siamese(pairs, model, epochs=settings.pretrain_epochs,
                                          learning_rate=settings.pretrain_learning_rate, verbose=0,
                                          callbacks=[_EpochPrinter("pretrain", progress)])
        with atomic_path(siamese_path) as tmp:
            model.save(tmp)  # tmp ends in ".keras"
        state.record("pretrain", {key: [float(v) for v in values] for key, values in history.history.items()}
                     | {"seconds": time.time() - started})
    siamese = load_model(siamese_path)

    # 2. fine-tuning against random initialisation (Table 1)
    for name, index in indexes.items():
        train = index.entries_for(settings.split, "train")
        test = index.entries_for(settings.split, "test")
        test_videos = None
        for init in ("random", "siamese"):
            step = f"finetune:{name}:{init}"
            if state.done(step):
                continue
            if test_videos is None:
                test_videos = _load_videos(index, test, settings.frame_size)
            data = VideoClipDataset(index, settings.split, "train",
                                    volume_sampler(settings.volume_shape, flip=settings.finetune_flip),
                                    batch_size=settings.finetune_batch_size, frame_size=settings.frame_size,
                                    cache_size=len(train), seed=seed)
            started = time.time()
            progress(f"[{step}] {settings.finetune_epochs} epochs on {len(train)} videos, "
                     f"{len(index.class_names)} classes")
            if init == "siamese":
                tower = siamese.tower
            else:
                keras.utils.set_random_seed(seed + 1)
                tower = settings.build_tower()
            classifier, history = fine_tune(data, len(index.class_names), tower=tower, epochs=settings.finetune_epochs,
                                            learning_rate=settings.finetune_learning_rate, verbose=0, seed=seed + 2,
                                            head_initializer=settings.head_initializer,
                                            callbacks=[_EpochPrinter(step, progress)])
            accuracy = video_level_accuracy(classifier, test_videos, [e.label for e in test], settings.volume_shape,
                                            settings.test_volumes)
            progress(f"[{step}] video accuracy {100 * accuracy:.1f}% on {len(test)} test videos")
            state.record(step, {"accuracy": 100 * accuracy, "train_loss": [float(v) for v in history.history["loss"]],
                                "history": {key: [float(v) for v in values] for key, values in history.history.items()},
                                "chance": 100 / len(index.class_names), "seconds": time.time() - started})

    # 3. ASLAN (Table 3)
    if aslan is not None:
        from keras_stvideo.models.siamese_c3d.aslan import evaluate_aslan

        for init in ("random", "siamese"):
            step = f"aslan:{init}"
            if state.done(step):
                continue
            if init == "siamese":
                tower = siamese.tower
            else:
                keras.utils.set_random_seed(seed + 1)
                tower = settings.build_tower()
            progress(f"[{step}] 10-fold same/not-same from mean fc7 features")
            result = evaluate_aslan(tower, aslan, settings.volume_shape, settings.feature_volumes,
                                    settings.frame_size, seed=seed, progress=progress)
            progress(f"[{step}] accuracy {result['accuracy']:.1f}% AUC {result['auc']:.1f}%")
            state.record(step, result)
    return state.steps


class _EpochPrinter:
    """A progress line per epoch (a tiny Keras callback without importing Keras at module level)."""

    def __new__(cls, step, progress):
        import keras

        class Printer(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                logs = logs or {}
                shown = " ".join(f"{k} {v:.4f}" for k, v in sorted(logs.items()))
                progress(f"[{step}] epoch {epoch + 1}: {shown}")

        return Printer()


def markdown_tables(results):
    """Table 1 and Table 3 of Paul et al. 2018 beside the measured values."""
    lines = ["Table 1 (accuracy %): paper vs measured", "",
             "| dataset | init | paper | measured | chance (measured data) |", "|---|---|---|---|---|"]
    for name in ("hmdb51", "ucf101"):
        for init, column in INIT_COLUMNS.items():
            step = results.get(f"finetune:{name}:{init}")
            if step is not None:
                lines.append(f"| {name} | {init} ({column}) | {PAPER_TABLE1[name][column]:.1f} | "
                             f"{step['accuracy']:.1f} | {step['chance']:.1f} |")
    if any(k.startswith("aslan:") for k in results):
        from keras_stvideo.models.siamese_c3d.aslan import PAPER_TABLE3

        lines += ["", "Table 3 (ASLAN, %): paper vs measured", "",
                  "| tower | paper acc. | paper AUC | measured acc. | measured AUC |", "|---|---|---|---|---|"]
        for init, column in INIT_COLUMNS.items():
            step = results.get(f"aslan:{init}")
            if step is not None:
                acc, auc = PAPER_TABLE3[column]
                lines.append(f"| {init} ({column}) | {acc:.1f} | {auc:.1f} | {step['accuracy']:.1f} "
                             f"± {step['accuracy_std']:.1f} | {step['auc']:.1f} |")
    if "pretrain" in results:
        loss = results["pretrain"]["loss"]
        lines += ["", f"Unsupervised pre-training: Eq. 2 loss {loss[0]:.4f} (epoch 1) -> {loss[-1]:.4f} "
                      f"(epoch {len(loss)}), pair accuracy {results['pretrain']['pair_accuracy'][-1]:.3f}"]
    return "\n".join(lines) + "\n"


def training_histories(results):
    """``{step: per-epoch logs}``: the Siamese pre-training's and each fine-tuning's (training only: these runs
    hold out no validation set). A fine-tuning recorded before histories were kept gives its loss alone."""
    histories = {}
    if "pretrain" in results:
        histories["pre-training (mined pairs)"] = {key: values for key, values in results["pretrain"].items()
                                                   if isinstance(values, list)}
    for step, result in results.items():
        if step.startswith("finetune:"):
            histories[step.replace("finetune:", "fine-tuning ").replace(":", ", ")] = \
                result.get("history") or {"loss": result.get("train_loss", [])}
    return {name: history for name, history in histories.items() if any(history.values())}


def save_results(results, out, settings, seed, note=""):
    """Write results.json, results.md and training_curves.png (pre-training and fine-tuning per epoch) atomically
    into ``out``; return the paths of results.json and results.md."""
    from keras_stvideo.plots import write_training_curves

    payload = {"paper": "Paul, Roy & Roy-Chowdhury 2018", "settings": dataclasses.asdict(settings),
               "seed": seed, "note": note, "results": results,
               "paper_table1": PAPER_TABLE1}
    paths = write_results(out, payload, f"# Siamese C3D reproduction\n\n{note}\n\n{markdown_tables(results)}")
    histories = training_histories(results)
    if histories:
        write_training_curves(histories, pathlib.Path(out) / "training_curves.png",
                              metrics=("loss", "accuracy", "pair_accuracy"),
                              title="Siamese C3D: pre-training and fine-tuning per epoch")
    return paths
