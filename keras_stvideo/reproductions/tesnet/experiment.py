"""The TeSNet experiment: train a stream on a split, test it with 20 clips per video, fuse, tabulate.

``run_reproduction(settings, root, out)`` runs every (split, stream) of the
settings with a progress line per step; each stream's training is resumable
(``EpochBackup`` under ``out/backup``) and its test scores are kept in
``out/scores`` so a finished stream is not run again.
"""

import dataclasses
import json
import pathlib

import numpy as np

from keras_stvideo.reproductions.tesnet.settings import TABLE1, TABLE1_ROWS, TABLE2, TABLE3, TABLE4, TesnetSettings
from keras_stvideo.utils.atomic import atomic_path
from keras_stvideo.utils.results import write_results


def _say(message):
    print(message, flush=True)


def load_index(settings, root, out):
    """The dataset's ``VideoIndex``: ``root/index.json`` (data_scripts/ucf101.py, hmdb51.py), or generated for
    --quick."""
    from keras_stvideo.data.video_index import VideoIndex

    if settings.quick:
        from keras_stvideo.reproductions.tesnet.quick_data import motion_clip_dataset

        folder = quick_folder(settings, out)
        if not (folder / "index.json").is_file():
            _say(f"[data] writing {settings.quick_classes} x {settings.quick_videos_per_class} generated motion "
                 f"videos (MotionClips, {settings.quick_video_frames} frames of {settings.frame_size[0]} x "
                 f"{settings.frame_size[1]}) into {folder}")
        index = motion_clip_dataset(folder, num_classes=settings.quick_classes,
                                    videos_per_class=settings.quick_videos_per_class,
                                    num_frames=settings.quick_video_frames, size=settings.frame_size)
        counts = index.counts("split1")
        _say(f"[data] {len(index.entries)} videos in {folder}; split 1: {counts.get('train', 0)} training, "
             f"{counts.get('test', 0)} test")
        return index
    if root is None:
        raise ValueError("--root is required (the folder data_scripts/ucf101.py or hmdb51.py wrote), or use --quick")
    path = pathlib.Path(root) / "index.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run data_scripts/{settings.dataset}.py --root {root} first")
    return VideoIndex.load(path)


def quick_folder(settings, out):
    """Where --quick writes its videos: one folder per (classes, videos per class, frames, size)."""
    height, width = settings.frame_size
    return pathlib.Path(out) / (f"quick_motion_clips_{settings.quick_classes}x{settings.quick_videos_per_class}_"
                                f"{settings.quick_video_frames}f_{height}x{width}")


def with_validation(index, split, fraction, seed=0):
    """A copy of ``index`` where ``fraction`` of ``split``'s training videos are "validation"."""
    from keras_stvideo.data.video_index import VideoEntry, VideoIndex

    train = [i for i, e in enumerate(index.entries) if e.splits.get(split) == "train"]
    count = int(round(fraction * len(train)))
    held = set(np.random.default_rng(seed).choice(train, size=count, replace=False).tolist()) if count else set()
    entries = []
    for i, entry in enumerate(index.entries):
        if i in held:
            entry = VideoEntry(entry.path, entry.label, {**entry.splits, split: "validation"}, entry.frame_range,
                               entry.group)
        entries.append(entry)
    return VideoIndex(index.root, index.class_names, entries, index.name)


def build_model(settings):
    from keras_stvideo.models.tesnet.tesnet_classifier import build_tesnet, build_tsn

    # input_size=None: one model trains on crops and tests on whole frames (fully convolutional, section 3.1).
    if settings.backbone == "small":
        from keras_stvideo.reproductions.tesnet.comparison import build_recipe_model

        # stvideo compare's recipe (setting 1, Bernstein start, "fuse", beta 10, batch-norm momentum 0.9) on
        # frames of any size
        return build_recipe_model(settings.num_classes, (settings.frames, None, None, 3))
    if settings.model == "tesnet":
        return build_tesnet(settings.num_classes, frames=settings.frames, setting=settings.setting, input_size=None,
                            backbone_weights=settings.backbone_weights, squeezed_frames=settings.squeezed_frames,
                            batchnorm_momentum=settings.batchnorm_momentum)
    segments = 3 if settings.model == "tsn" else 1
    return build_tsn(settings.num_classes, segments=segments, input_size=None,
                     backbone_weights=settings.backbone_weights, batchnorm_momentum=settings.batchnorm_momentum)


def _datasets(settings, index, split, stream, flow_root, seed):
    from keras_stvideo.data.flow import flow_clip_dataset
    from keras_stvideo.data.video_dataset import VideoClipDataset
    from keras_stvideo.models.tesnet.training import TesnetClipSampler, TsnSegmentSampler

    flow = stream == "flow"
    sampler_cls = TesnetClipSampler if settings.model == "tesnet" else TsnSegmentSampler
    make = (lambda *a, **k: flow_clip_dataset(index, flow_root, *a, **k)) if flow else (
        lambda *a, **k: VideoClipDataset(index, *a, **k))
    common = dict(batch_size=settings.batch_size, frame_size=settings.frame_size, seed=seed,
                  cache_size=2048 if settings.quick else 0)
    train = make(f"split{split}", "train",
                 sampler_cls(settings.model_frames, settings.input_size, flow=flow, flip=settings.flip), **common)
    validation = None
    if index.counts(f"split{split}").get("validation"):
        validation = make(f"split{split}", "validation",
                          sampler_cls(settings.model_frames, settings.input_size, flow=flow, augment=False),
                          shuffle=False, **common)
    return train, validation


def train_stream(settings, index, split, stream, out, flow_root=None, seed=0):
    """Train one stream on one split (resumable); returns the trained model and its per-epoch history."""
    import keras

    from keras_stvideo.models.tesnet.training import compile_tesnet, reduce_on_plateau
    from keras_stvideo.training.epoch_backup import EpochBackup

    keras.utils.set_random_seed(seed)
    index = with_validation(index, f"split{split}", settings.validation_fraction, seed)
    train, validation = _datasets(settings, index, split, stream, flow_root, seed)
    model = build_model(settings)
    if settings.backbone == "small":
        from keras_stvideo.reproductions.tesnet.comparison import compile_recipe

        compile_recipe(model)  # the recipe's optimiser (Adam 1e-3) for either stream
        if settings.learning_rate is not None:
            model.optimizer.learning_rate = settings.learning_rate
    else:
        compile_tesnet(model, stream, settings.learning_rate)
    backup = EpochBackup(pathlib.Path(out) / "backup" / f"split{split}_{stream}")
    callbacks = [backup]
    if validation is not None:
        callbacks.append(reduce_on_plateau(settings.plateau_patience))
    _say(f"[train] split {split} {stream}: {len(train.entries)} videos, {len(train)} batches of "
         f"{settings.batch_size}, {settings.epochs} epochs")
    model.fit(train, validation_data=validation, epochs=settings.epochs, initial_epoch=backup.initial_epoch,
              callbacks=callbacks, verbose=2)
    if backup.restored_epochs:
        _say(f"[train] resumed after epoch {backup.restored_epochs}")
    return model, backup.history


def test_stream(settings, model, index, split, stream, flow_root=None):
    """20-clip video-level scores on the split's test videos (section 3.1)."""
    from keras_stvideo.data.flow import flow_dir, read_flow
    from keras_stvideo.models.tesnet.tesnet_video_inference import VideoFile, evaluate_videos

    entries = index.entries_for(f"split{split}", "test")

    def videos():
        for entry in entries:
            if stream == "flow":
                yield read_flow(flow_dir(flow_root, entry.path), size=settings.frame_size,
                                frame_range=entry.frame_range)
            else:  # decoded only where its 20 test clips are
                yield VideoFile(index.path_of(entry), settings.frame_size, entry.frame_range)

    def progress(done, total):
        if done == total or done % max(1, total // 10) == 0:
            _say(f"[test] split {split} {stream}: {done}/{total} videos")

    kind = "tesnet" if settings.model == "tesnet" else "tsn"
    return evaluate_videos(model, videos(), [e.label for e in entries], frames=settings.model_frames,
                           num_clips=settings.num_test_clips, kind=kind, progress=progress)


def run_reproduction(settings, root=None, out="out/reproduce_tesnet", seed=0, flow_root=None):
    """Every split and stream of ``settings``; returns the results dict (see ``save_results``)."""
    from keras_stvideo.inference.metrics import top_k_accuracy
    from keras_stvideo.models.tesnet.tesnet_video_inference import two_stream_fusion

    out = pathlib.Path(out)
    index = load_index(settings, root, out)
    if "flow" in settings.streams:
        from keras_stvideo.data.flow import compute_index_flow

        if flow_root is None:  # --quick: one flow folder per generated set
            flow_root = (out / "flow" / f"{quick_folder(settings, out).name}_bound{settings.flow_bound:g}"
                         if settings.quick else pathlib.Path(root) / "flow")
        flow_root = pathlib.Path(flow_root)
        _say(f"[flow] TV-L1 ({settings.flow_backend}, bound {settings.flow_bound:g} pixels) into {flow_root} "
             f"(cached after the first run)")
        compute_index_flow(index, flow_root, backend=settings.flow_backend, bound=settings.flow_bound)
    per_split = {}
    for split in settings.splits:
        scores = {}
        for stream in settings.streams:
            cached = out / "scores" / f"split{split}_{stream}.npz"
            if cached.is_file():
                saved = np.load(cached)
                result = {"scores": saved["scores"], "labels": saved["labels"]}
                history = json.loads(str(saved["history"]))
                _say(f"[test] split {split} {stream}: scores from {cached}")
            else:
                model, history = train_stream(settings, index, split, stream, out, flow_root, seed)
                result = test_stream(settings, model, index, split, stream, flow_root)
                with atomic_path(cached) as tmp:
                    with open(tmp, "wb") as handle:
                        np.savez(handle, scores=result["scores"], labels=result["labels"],
                                 history=json.dumps(history))
            top1 = top_k_accuracy(result["scores"], result["labels"])
            _say(f"[result] split {split} {stream}: top-1 {100 * top1:.1f}%")
            scores[stream] = (result, top1, history)
        row = {stream: {"top1": 100 * top1, "history": history} for stream, (_, top1, history) in scores.items()}
        if len(scores) == 2:
            fused = two_stream_fusion(scores["rgb"][0]["scores"], scores["flow"][0]["scores"], settings.flow_weight)
            row["both"] = {"top1": 100 * top_k_accuracy(fused, scores["rgb"][0]["labels"])}
            _say(f"[result] split {split} RGB + OF: top-1 {row['both']['top1']:.1f}%")
        per_split[split] = row
    columns = list(settings.streams) + (["both"] if len(settings.streams) == 2 else [])
    mean = {c: float(np.mean([per_split[s][c]["top1"] for s in settings.splits])) for c in columns}
    return {"splits": {str(s): r for s, r in per_split.items()}, "mean": mean}


def paper_reference(settings):
    """The paper's numbers that the run corresponds to, as (table, row, value) triples."""
    rows = []
    if settings.model == "tesnet" and settings.squeezed_frames is None and settings.frames == 10:
        rows.append(("Table 1", f"No. {settings.setting}: {TABLE1_ROWS[settings.setting]} (RGB, split 1)",
                     TABLE1[settings.setting]))
    if settings.model == "tesnet" and settings.frames in TABLE2:
        rows.append(("Table 2", f"clip length {settings.frames} (RGB, split 1)", TABLE2[settings.frames]))
    length, rgb, flow, both = TABLE3["tesnet" if settings.model == "tesnet" else settings.model]
    rows.append(("Table 3", f"{settings.model} length {length}: RGB / OF / RGB+OF (split 1)",
                 f"{rgb} / {flow} / {both}"))
    rows.append(("Table 4", f"TeSNet two-stream, mean of 3 splits ({settings.dataset})", TABLE4[settings.dataset]))
    return rows


def markdown_table(results, settings):
    columns = list(results["mean"])
    lines = ["| split | " + " | ".join(f"measured {c} top-1 (%)" for c in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for split, row in results["splits"].items():
        lines.append(f"| {split} | " + " | ".join(f"{row[c]['top1']:.1f}" for c in columns) + " |")
    if len(results["splits"]) > 1:
        lines.append("| mean | " + " | ".join(f"{results['mean'][c]:.1f}" for c in columns) + " |")
    lines += ["", "| paper | row | top-1 (%) |", "|---|---|---|"]
    lines += [f"| {table} | {row} | {value} |" for table, row, value in paper_reference(settings)]
    if settings.quick:
        backbone = ("stvideo compare's small Inception-ResNet-style backbone (Bernstein start, fuse consensus, "
                    "Adam)" if settings.backbone == "small" else "Inception-ResNet-V2")
        lines += ["", f"--quick: {settings.quick_classes} motions of generated MotionClips videos (chance "
                  f"{100 / settings.quick_classes:.1f}%; the class is the motion only), "
                  f"{settings.quick_videos_per_class} videos per class of {settings.quick_video_frames} frames, "
                  f"{settings.input_size}x{settings.input_size} inputs, {backbone} from scratch, K = "
                  f"{settings.frames}, {settings.epochs} epochs, {settings.num_test_clips} test clips per video: "
                  f"it shows the pipeline, not the paper's numbers."]
    return "\n".join(lines)


def training_histories(results):
    """``{"split S stream": per-epoch logs}`` of every trained stream in ``results`` (training and validation)."""
    return {f"split {split} {stream}": scores["history"] for split, row in results["splits"].items()
            for stream, scores in row.items() if scores.get("history")}


def save_results(results, out, settings, seed):
    """Write results.json, results.md and training_curves.png (each stream's training and validation curves)
    atomically into ``out``; return the paths of results.json and results.md."""
    from keras_stvideo.plots import write_training_curves

    payload = {"settings": dataclasses.asdict(settings), "seed": seed, "results": results}
    paths = write_results(out, payload, "# Huang & Bors 2020 (TeSNet): measured vs the paper\n\n"
                          + markdown_table(results, settings) + "\n")
    histories = training_histories(results)
    if histories:
        write_training_curves(histories, pathlib.Path(out) / "training_curves.png",
                              title="Huang & Bors 2020 (TeSNet): training per epoch (dashed: validation)")
    return paths


__all__ = ["TesnetSettings", "run_reproduction", "save_results", "markdown_table"]
