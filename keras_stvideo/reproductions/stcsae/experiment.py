"""Baccouche et al. 2012's experiment: ST-CSAE on motion-selected patches, then an LSTM on its frozen features.

Resumable at step granularity: each finished step leaves a file in the output
folder (``autoencoder.keras``, ``features_*.npy``, ``partial.json``) and a rerun
of the same command skips it.
"""

import json
import pathlib
import time

import keras
import numpy as np

from keras_stvideo.data.patches import as_float_clip, sample_moving_patches
from keras_stvideo.models.stcsae.stcsae_autoencoder import build_stcsae
from keras_stvideo.models.stcsae.stcsae_classifier import build_sequence_head, build_stcsae_features
from keras_stvideo.reproductions.stcsae.settings import KTH2_SCENARIOS, PAPER_RESULTS
from keras_stvideo.training.two_stage import TwoStage
from keras_stvideo.utils.atomic import atomic_path
from keras_stvideo.utils.results import write_results


def log(message):
    print(message, flush=True)


# ---------------------------------------------------------------------------------------------- data
def window_starts(length, window, count):
    """Up to ``count`` window starts spread evenly over a clip of ``length`` frames."""
    last = max(length - window, 0)
    return np.unique(np.linspace(0, last, count).round().astype(int)) if count > 1 else np.array([last // 2])


def make_windows(clips, labels, window, count):
    """Fixed-length windows of every clip (the last frame repeated for a clip that is too short).

    Returns ``(windows (N, window, H, W, C) of the clips' dtype, labels (N,), owner (N,))``.
    """
    out, out_labels, owner = [], [], []
    for number, (clip, label) in enumerate(zip(clips, labels)):
        if len(clip) < window:
            clip = np.concatenate([clip, np.repeat(clip[-1:], window - len(clip), axis=0)])
        for start in window_starts(len(clip), window, count):
            out.append(clip[start:start + window])
            out_labels.append(label)
            owner.append(number)
    return np.stack(out), np.asarray(out_labels, "int64"), np.asarray(owner, "int64")


def load_kth(index, settings, roles=("train", "test")):
    """KTH1's clips (grey, resized, uint8) by role: ``{role: (clips, labels, scenarios)}``.

    Every video file is decoded once; its ``00sequences.txt`` sub-sequences are sliced from it.
    """
    from keras_stvideo.data.video import read_video

    result = {}
    for role in roles:
        entries = index.entries_for("kth1", role)
        by_path = {}
        for entry in entries:
            by_path.setdefault(entry.path, []).append(entry)
        clips, labels, scenarios = [], [], []
        for number, (path, group) in enumerate(sorted(by_path.items())):
            video = read_video(index.path_of(group[0]), size=settings.frame_size)
            grey = np.round(video.astype("float32").mean(axis=-1, keepdims=True)).astype("uint8")
            for entry in group:
                start, stop = entry.frame_range or (0, len(grey))
                clip = grey[start:min(stop, len(grey))][::settings.frame_stride]
                if len(clip) == 0:
                    continue
                clips.append(clip)
                labels.append(entry.label)
                scenarios.append(next(d for d in KTH2_SCENARIOS if entry.splits.get(f"kth2_{d}") == role))
            if (number + 1) % 100 == 0:
                log(f"  decoded {number + 1}/{len(by_path)} {role} videos")
        result[role] = (clips, np.asarray(labels, "int64"), np.asarray(scenarios))
        log(f"KTH1 {role}: {len(clips)} sequences from {len(by_path)} videos")
    return result


# ---------------------------------------------------------------------------------------------- stage 1
def train_autoencoder(train_clips, settings, seed=0, out=None, verbose=0):
    """Stage 1: ST-CSAE on motion-selected neighbourhoods of the training clips; resumes from ``out``."""
    path = None if out is None else pathlib.Path(out) / "autoencoder.keras"
    if path is not None and path.is_file():
        from keras_stvideo.saving import load_model

        log(f"stage 1: reusing {path}")
        history_path = path.with_name("autoencoder_history.json")
        history = json.loads(history_path.read_text()) if history_path.is_file() else {}
        return load_model(path), history
    samples, _ = sample_moving_patches(train_clips, settings.patch_shape[:3], settings.shift_range,
                                       settings.patches_per_clip, settings.motion_threshold, seed=seed)
    if len(samples) == 0:
        raise ValueError(f"no training patch passes the motion threshold {settings.motion_threshold}: lower "
                         "motion_threshold")
    log(f"stage 1: {len(samples)} motion-selected patches (threshold {settings.motion_threshold}), "
        f"{settings.ae_epochs} epochs")
    keras.utils.set_random_seed(seed)
    model = build_stcsae(settings.patch_shape, settings.code_units, eta=settings.eta, beta=settings.beta,
                         shift_range=settings.shift_range, code_steps=settings.code_steps,
                         code_learning_rate=settings.code_learning_rate, grid_stride=settings.grid_stride,
                         centre_patches=settings.centre_patches)
    model.compile(optimizer=keras.optimizers.Adam(settings.ae_learning_rate))

    class Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            log(f"  stage 1 epoch {epoch + 1}/{settings.ae_epochs}: "
                + ", ".join(f"{k} {v:.4f}" for k, v in (logs or {}).items()))

    history = model.fit(samples, epochs=settings.ae_epochs, batch_size=settings.ae_batch_size, shuffle=True,
                        verbose=verbose, callbacks=[Progress()]).history
    history = {k: [float(v) for v in values] for k, values in history.items()}
    if path is not None:
        with atomic_path(path) as temporary:
            model.save(temporary.with_suffix(".keras") if temporary.suffix != ".keras" else temporary)
        _write_json(path.with_name("autoencoder_history.json"), history)
    return model, history


# ---------------------------------------------------------------------------------------------- stage 2
def clip_features(feature_model, windows, cache=None, chunk=256):
    """The frozen encoder's per-frame features of (N, L, H, W, C) windows, in chunks; cached as .npy."""
    if cache is not None and pathlib.Path(cache).is_file():
        cached = np.load(cache)
        if len(cached) == len(windows):
            return cached
    parts = [feature_model.predict(as_float_clip(windows[i:i + chunk]), batch_size=64, verbose=0)
             for i in range(0, len(windows), chunk)]
    features = np.concatenate(parts)
    if cache is not None:
        with atomic_path(cache) as temporary:
            with open(temporary, "wb") as handle:
                np.save(handle, features)
    return features


def train_and_test_classifier(autoencoder, train, test, settings, num_classes, seed=0, cache_prefix=None,
                              validation=None):
    """Stage 2: LSTM on the frozen encoder's features; ``train``/``test`` are (clips, labels).

    Training windows carry their video's label; a test video's label is the
    argmax of the mean class probabilities over its windows. ``validation``: optional (clips, labels) whose
    windows (as many per video as training's) are scored after every epoch (``val_loss``, ``val_accuracy``).
    The result's ``history`` holds the LSTM's per-epoch Keras logs.
    """
    window = settings.sequence_length
    train_windows, train_labels, _ = make_windows(train[0], train[1], window, settings.train_windows_per_video)
    test_windows, test_labels, owner = make_windows(test[0], test[1], window, settings.test_windows_per_video)
    clip_shape = (window,) + tuple(settings.frame_size) + (settings.patch_shape[3],)
    feature_model = build_stcsae_features(autoencoder, clip_shape, pooling=settings.pooling)
    steps, size = feature_model.output.shape[1:]
    keras.utils.set_random_seed(seed)
    head = build_sequence_head(steps, size, num_classes, settings.lstm_units, dropout=settings.lstm_dropout)
    stages = TwoStage(feature_model, head, pretrain_model=autoencoder)
    stages.freeze()
    cache = (lambda role: None) if cache_prefix is None else (lambda role: f"{cache_prefix}_{role}.npy")
    train_features = clip_features(feature_model, train_windows, cache("train"))
    test_features = clip_features(feature_model, test_windows, cache("test"))
    validation_data = None
    if validation is not None:
        val_windows, val_labels, _ = make_windows(validation[0], validation[1], window,
                                                  settings.train_windows_per_video)
        validation_data = (clip_features(feature_model, val_windows), val_labels)
    head.get_layer("normalization").adapt(train_features)
    history = stages.fit_features(train_features, train_labels, epochs=settings.lstm_epochs,
                                  batch_size=settings.lstm_batch_size,
                                  optimizer=keras.optimizers.Adam(settings.lstm_learning_rate),
                                  validation_data=validation_data, verbose=0)
    probabilities = stages.predict_features(test_features)
    videos = np.zeros((len(test[1]), num_classes))
    np.add.at(videos, owner, probabilities)
    return {
        "accuracy": 100.0 * float(np.mean(videos.argmax(1) == np.asarray(test[1]))),
        "window_accuracy": 100.0 * float(np.mean(probabilities.argmax(1) == test_labels)),
        "train_accuracy": 100.0 * float(history.history["accuracy"][-1]),
        "train_windows": int(len(train_windows)),
        "test_videos": int(len(test[1])),
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
    }, stages


# ---------------------------------------------------------------------------------------------- runs
def run_synthetic(settings, seed=0, out=None):
    """``--quick``: generated ``MotionClips`` (the class is the motion; still background, ``QUICK_OPTIONS``), grey
    and downsampled to the frame size."""
    from keras_stvideo.reproductions.stcsae.quick_data import QUICK_OPTIONS, grey_motion_clips

    frames = settings.sequence_length
    train = grey_motion_clips(settings.synthetic_train_clips, frames, settings.frame_size,
                              settings.synthetic_classes, seed=seed, **QUICK_OPTIONS)
    test = grey_motion_clips(settings.synthetic_test_clips, frames, settings.frame_size,
                             settings.synthetic_classes, seed=seed + 1, **QUICK_OPTIONS)
    log(f"generated {len(train[0])} training and {len(test[0])} test MotionClips, {settings.synthetic_classes} "
        "motions on a still background")
    started = time.time()
    autoencoder, history = train_autoencoder(train[0], settings, seed, out)
    result, _ = train_and_test_classifier(autoencoder, train, test, settings, settings.synthetic_classes, seed)
    result.update({"chance": 100.0 / settings.synthetic_classes, "seconds": time.time() - started,
                   "energy": history.get("energy", [])})
    log(f"generated clips: accuracy {result['accuracy']:.2f}% (chance {result['chance']:.1f}%)")
    return {"synthetic": result}


def run_kth(root, settings, protocols=("kth1", "kth2"), seed=0, out="out/reproduce_stcsae"):
    """KTH1 and/or KTH2 on the index at ``root/index.json``; resumable through ``out``."""
    from keras_stvideo.data.video_index import VideoIndex

    index_path = pathlib.Path(root) / "index.json"
    if not index_path.is_file():
        raise FileNotFoundError(f"no KTH index at {index_path}: run data_scripts/kth.py --root {root} first")
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    partial_path = out / "partial.json"
    partial = json.loads(partial_path.read_text()) if partial_path.is_file() else {}
    index = VideoIndex.load(index_path)
    data = load_kth(index, settings)
    num_classes = len(index.class_names)
    # Stage 1 is unsupervised and sees training persons only (all scenarios); both protocols share it.
    autoencoder, _ = train_autoencoder(data["train"][0], settings, seed, out)
    for protocol in protocols:
        scenarios = (None,) if protocol == "kth1" else KTH2_SCENARIOS
        for scenario in scenarios:
            key = protocol if scenario is None else f"{protocol}_{scenario}"
            if key in partial:
                log(f"{key}: done before ({partial[key]['accuracy']:.2f}%)")
                continue
            picked = {}
            for role in ("train", "test"):
                clips, labels, where = data[role]
                keep = np.ones(len(labels), bool) if scenario is None else where == scenario
                picked[role] = ([c for c, k in zip(clips, keep) if k], labels[keep])
            log(f"{key}: stage 2 on {len(picked['train'][1])} training and {len(picked['test'][1])} test sequences")
            result, _ = train_and_test_classifier(autoencoder, picked["train"], picked["test"], settings,
                                                  num_classes, seed, cache_prefix=str(out / f"features_{key}"))
            partial[key] = result
            _write_json(partial_path, partial)
            log(f"{key}: accuracy {result['accuracy']:.2f}%")
    results = {}
    if "kth1" in protocols:
        results["kth1"] = partial["kth1"]
    if "kth2" in protocols:
        per_scenario = {d: partial[f"kth2_{d}"] for d in KTH2_SCENARIOS}
        results["kth2"] = {"accuracy": float(np.mean([r["accuracy"] for r in per_scenario.values()])),
                           "scenarios": per_scenario}
    return results


# ---------------------------------------------------------------------------------------------- results
def _write_json(path, data):
    with atomic_path(path) as temporary:
        pathlib.Path(temporary).write_text(json.dumps(data, indent=2))


def markdown_table(results):
    lines = ["| experiment | Baccouche et al. 2012 | measured |", "| --- | --- | --- |"]
    names = {"kth1": "KTH1 (scenarios together)", "kth2": "KTH2 (per scenario, averaged)"}
    for key in ("kth1", "kth2"):
        measured = f"{results[key]['accuracy']:.2f}%" if key in results else "not run"
        lines.append(f"| {names[key]} | {PAPER_RESULTS[key]:.2f}% | {measured} |")
    if "synthetic" in results:
        r = results["synthetic"]
        lines.append(f"| generated clips, class = motion (--quick; chance {r['chance']:.1f}%) | - | "
                     f"{r['accuracy']:.2f}% |")
    lines.append(f"| GEMEP-FERA overall / person-independent | {PAPER_RESULTS['gemep_fera_overall']:.2f}% / "
                 f"{PAPER_RESULTS['gemep_fera_person_independent']:.2f}% | not public: not run |")
    return "\n".join(lines)


def stage2_histories(results):
    """``{run name: the LSTM's per-epoch logs}`` of every stage 2 in ``results`` (KTH2: one per scenario)."""
    runs = {"synthetic": "generated clips", "kth1": "KTH1"}
    histories = {name: results[key]["history"] for key, name in runs.items()
                 if key in results and "history" in results[key]}
    for scenario, result in results.get("kth2", {}).get("scenarios", {}).items():
        if "history" in result:
            histories[f"KTH2 {scenario}"] = result["history"]
    return histories


def save_results(results, out, settings, seed):
    """Write results.json, results.md and, when ``results`` hold per-epoch logs, training_curves.png (the LSTM's
    training curves, stage 2) atomically into ``out``; return the paths of results.json and results.md."""
    from keras_stvideo.plots import write_training_curves

    payload = {"paper": "Baccouche et al. 2012", "paper_results": PAPER_RESULTS, "seed": seed,
               "settings": settings.as_dict(), "results": results}
    paths = write_results(out, payload, "# ST-CSAE (Baccouche et al. 2012)\n\n" + markdown_table(results) + "\n")
    histories = stage2_histories(results)
    if histories:
        write_training_curves(histories, pathlib.Path(out) / "training_curves.png",
                              title="ST-CSAE: the LSTM on the frozen sparse codes (stage 2)")
    return paths
