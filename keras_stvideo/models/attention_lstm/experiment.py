"""Reproduction of Shan & Atanasov 2017, Table I and section IV-D.

For each frame CNN (LeNet, STN, DCN): stage 1 pre-trains it once on Scaled
MNIST (MNIST training digits); then, for each protocol and Moving MNIST
variant, a fresh LSTM head is trained on the frozen CNN's features (stage 2)
and evaluated on the test videos (cross-entropy and accuracy, as Table I).

Protocols:
    * "paper": section III literally -- train and test videos both draw their
      digits from the MNIST training set, which the CNN was pre-trained on.
    * "clean": test videos use MNIST test digits, never seen by the CNN or the LSTM.

Labels: section III's ``y = d_m d_n`` keeps the order in which the digits were
drawn, which no video shows (``label_ceiling``: at most 55% accuracy on unseen
videos); ``label_order="sorted"`` makes the task well posed.

Example:
    >>> results = run_reproduction(models=("lenet",), variants=("normal",), settings=ReproductionSettings.quick())  # doctest: +SKIP
"""

import dataclasses
import json
import pathlib
import time

import keras
import numpy as np

from keras_stvideo.saving import load_model
from keras_stvideo.utils.atomic import atomic_path
from keras_stvideo.data.mnist import load_mnist
from keras_stvideo.data.moving_mnist import VARIANTS, MovingMNIST, MovingMNISTSequence
from keras_stvideo.data.scaled_mnist import ScaledMNIST
from keras_stvideo.training.epoch_backup import DatasetEpochSync, EpochBackup
from keras_stvideo.models.attention_lstm.frame_encoders import FRAME_ENCODERS
from keras_stvideo.models.attention_lstm.training import TwoStageTrainer
from keras_stvideo.models.attention_lstm.settings import (MODEL_NAMES, PAPER_RESULTS, PROTOCOLS,  # noqa: F401
                                                          ReproductionSettings, label_ceiling)

def _generator(variant, split, protocol, mnist, settings):
    return MovingMNIST.from_variant(
        variant, sequence_length=settings.sequence_length, split=split,
        digit_source="paper" if protocol == "paper" else "disjoint", label_order=settings.label_order, mnist=mnist,
    )


def _videos(variant, split, protocol, mnist, settings, seed):
    generator = _generator(variant, split, protocol, mnist, settings)
    if split == "train" and settings.train_videos:
        return generator.generate(settings.train_videos, seed=seed)
    return generator.paper_protocol(settings.settings_per_class, seed=seed)


def _fit_callbacks(backup_dir, name, dataset=None):
    """``(callbacks, backup)`` letting one fit resume from ``backup_dir / name``; ``([], None)`` without a folder."""
    if backup_dir is None:
        return [], None
    backup = EpochBackup(pathlib.Path(backup_dir) / name)
    return ([] if dataset is None else [DatasetEpochSync(dataset)]) + [backup], backup


def _epoch_logs(history, backup):
    """Per-epoch logs of a fit, and how many epochs it restored: the backup's hold the epochs before a resume."""
    return (history.history, 0) if backup is None else (backup.history, backup.restored_epochs)


def _train_and_score(trainer, variant, protocol, mnist, settings, seed, verbose, log, backup_name=None,
                     backup_dir=None):
    """Stage 2 (or fine-tuning) for one experiment.

    Returns (test scores, train scores, test accuracy per epoch, epochs restored from ``backup_dir``).
    """
    x_te, y_te = _videos(variant, "test", protocol, mnist, settings, seed=seed + 1)
    fit_options = {"epochs": settings.lstm_epochs, "batch_size": settings.lstm_batch_size,
                   "learning_rate": settings.lstm_learning_rate, "lr_schedule": settings.lr_schedule, "verbose": verbose}
    if settings.fresh_videos:
        generator = _generator(variant, "train", protocol, mnist, settings)
        data = MovingMNISTSequence(generator, settings.train_videos, batch_size=settings.lstm_batch_size,
                                   seed=seed, fresh_each_epoch=True)
        log(f"    {settings.train_videos} new training videos every epoch, {len(x_te)} test videos")
        callbacks, backup = _fit_callbacks(backup_dir, backup_name, data)
        # Every batch holds new random videos: shuffling their order adds nothing, and would keep a resumed run
        # from repeating the interrupted one (keras draws that order from Python's global random state).
        history = trainer.fit(data, fine_tune=True, validation_data=(x_te, y_te), callbacks=callbacks, shuffle=False,
                              **fit_options)
        curve, restored = _epoch_logs(history, backup)
        test = trainer.evaluate(x_te, y_te)
        # No fixed training set: the last epoch's running scores on the videos it trained on.
        train = {"loss": float(curve["loss"][-1]), "accuracy": float(curve["accuracy"][-1])}
        return test, train, curve["val_accuracy"], restored
    x_tr, y_tr = _videos(variant, "train", protocol, mnist, settings, seed=seed)
    log(f"    {len(x_tr)} training and {len(x_te)} test videos")
    callbacks, backup = _fit_callbacks(backup_dir, backup_name)
    # The test videos are only watched (a curve per epoch), never used to pick a model.
    if settings.fine_tune:
        history = trainer.fit(x_tr, y_tr, fine_tune=True, validation_data=(x_te, y_te), callbacks=callbacks,
                              **fit_options)
        test, train = trainer.evaluate(x_te, y_te), trainer.evaluate(x_tr, y_tr)
    else:
        f_tr, f_te = trainer.frame_features(x_tr), trainer.frame_features(x_te)  # the frozen CNN's, computed once
        history = trainer.fit_features(f_tr, y_tr, validation_data=(f_te, y_te), callbacks=callbacks, **fit_options)
        test, train = trainer.evaluate_features(f_te, y_te), trainer.evaluate_features(f_tr, y_tr)
    curve, restored = _epoch_logs(history, backup)
    return test, train, curve["val_accuracy"], restored


def model_file_name(model_name, protocol, variant):
    """File name of a trained video model saved by ``run_reproduction(save_dir=...)``."""
    return f"{model_name}_lstm_{protocol}_{variant}.keras"


def run_reproduction(models=("lenet", "dcn"), variants=tuple(VARIANTS), protocols=PROTOCOLS, settings=None,
                     seed=0, mnist_path=None, verbose=1, log=print, save_dir=None, backup_dir=None):
    """Run the experiment; returns a list of result dicts (one per model, protocol and variant).

    With ``save_dir``, each trained video model (frame CNN + LSTM) is also saved
    there as ``model_file_name(...)`` (``.keras``, written atomically), ready for
    ``keras.saving.load_model`` or ``stvideo export``; its name goes in the
    result's ``"model_file"``. ``settings.mixed_precision`` sets keras' global
    dtype policy for the run only; the caller's policy is restored afterwards.

    With ``backup_dir``, every training epoch (stage 1 and each experiment's
    stage 2) leaves its state there (``EpochBackup``), and calling again with the
    same folder, settings and seed resumes an interrupted run at its last
    finished epoch: finished fits are restored, not retrained, and the per-epoch
    curves keep their earlier epochs (``"resumed_epochs"`` in each result says
    how many were restored; ``"seconds"`` count this call only). Remove the
    folder once the results are saved.

    With ``settings.init_model`` (a video model saved by an earlier run, e.g.
    with ``save_dir``), stage 2 continues that model instead of pre-training and
    training a new one; ``models`` then names its one frame CNN.
    """
    settings = settings or ReproductionSettings()
    for name, allowed, given in (("models", FRAME_ENCODERS, models), ("variants", VARIANTS, variants),
                                 ("protocols", PROTOCOLS, protocols)):
        unknown = [g for g in given if g not in allowed]
        if unknown:
            raise ValueError(f"{name} must be among {tuple(allowed)}, got {unknown!r}")
    if settings.init_model and len(models) != 1:
        raise ValueError(f"init_model continues one trained video model, so models must name one frame CNN, "
                         f"got {tuple(models)!r}")
    if settings.init_model and not pathlib.Path(settings.init_model).is_file():
        raise FileNotFoundError(f"init_model {settings.init_model!r} is not a file (a video model saved as .keras)")
    if backup_dir is not None:
        check_backup_settings(backup_dir, settings, seed)
    mnist = load_mnist(mnist_path)
    previous_policy = keras.mixed_precision.global_policy()
    if settings.mixed_precision:
        from keras_stvideo.training.precision import check_mixed_precision_hardware

        check_mixed_precision_hardware(log=log)  # bfloat16 is slower on CPUs without bfloat16 instructions
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        return _run(models, variants, protocols, settings, seed, mnist, verbose, log, save_dir, backup_dir)
    finally:
        keras.mixed_precision.set_global_policy(previous_policy)


def check_backup_settings(backup_dir, settings, seed):
    """Record the run's settings in ``backup_dir``, or check that they match those recorded there.

    A backup only resumes the run that wrote it: other settings or another seed
    would mix two experiments in one result, so they raise a ValueError naming
    what differs.
    """
    path = pathlib.Path(backup_dir) / "run.json"
    wanted = {"settings": dataclasses.asdict(settings), "seed": seed}
    if not path.exists():
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(wanted, indent=2))
        return
    recorded = json.loads(path.read_text())
    recorded_settings = recorded.get("settings", {})
    differences = [f"{key}: {recorded_settings.get(key)!r} there, {value!r} now"
                   for key, value in wanted["settings"].items() if recorded_settings.get(key) != value]
    if recorded.get("seed") != seed:
        differences.append(f"seed: {recorded.get('seed')!r} there, {seed!r} now")
    if differences:
        raise ValueError(f"{backup_dir} holds the backup of a run with other settings ({'; '.join(differences)}); "
                         "use the same settings to resume it, or another folder (or remove this one) to start afresh")


def _pretrain(trainer, model_name, mnist, settings, seed, verbose, log, backup_dir):
    """Stage 1 on Scaled MNIST; returns the last epoch's running accuracy in %."""
    (x_train, y_train), _ = mnist
    count = min(settings.pretrain_samples, len(x_train))
    log(f"[{MODEL_NAMES[model_name]}] stage 1: pre-training on Scaled MNIST ({count} digits, "
        f"{settings.pretrain_epochs} epoch(s))")
    digits = ScaledMNIST(x_train[:count], y_train[:count], batch_size=settings.pretrain_batch_size, seed=seed)
    callbacks, backup = _fit_callbacks(backup_dir, f"{model_name}/pretrain", digits)
    history = trainer.pretrain(digits, epochs=settings.pretrain_epochs, verbose=verbose, callbacks=callbacks,
                               shuffle=False)  # ScaledMNIST reshuffles its digits every epoch itself
    return 100 * float(_epoch_logs(history, backup)[0]["accuracy"][-1])


def _check_continued_model(trainer, settings):
    units = trainer.head.get_layer("lstm").units
    length = trainer.sequence_length
    if (units, length) != (settings.lstm_units, settings.sequence_length):
        raise ValueError(f"{settings.init_model} has an LSTM of {units} units on {length} frames; the settings ask "
                         f"for {settings.lstm_units} units on {settings.sequence_length} frames (set --lstm-units)")


def _run(models, variants, protocols, settings, seed, mnist, verbose, log, save_dir, backup_dir):
    results = []
    for model_index, model_name in enumerate(models):
        keras.utils.set_random_seed(seed + model_index)
        start = time.perf_counter()
        if settings.init_model:
            log(f"[{MODEL_NAMES[model_name]}] continuing {settings.init_model} (no stage 1)")
            trainer = TwoStageTrainer.from_video_model(load_model(settings.init_model))
            _check_continued_model(trainer, settings)
            pretrain_accuracy = None
        else:
            trainer = TwoStageTrainer(FRAME_ENCODERS[model_name](), settings.sequence_length,
                                      lstm_units=settings.lstm_units)
            pretrain_accuracy = _pretrain(trainer, model_name, mnist, settings, seed, verbose, log, backup_dir)
        pretrain_seconds = time.perf_counter() - start
        initial_head = trainer.head.get_weights()
        initial_cnn = trainer.frame_encoder.get_weights() if settings.fine_tune else None
        for protocol in protocols:
            for variant_index, variant in enumerate(variants):
                start = time.perf_counter()
                trainer.head.set_weights(initial_head)  # a fresh LSTM for every experiment
                if initial_cnn is not None:
                    trainer.frame_encoder.set_weights(initial_cnn)
                log(f"[{MODEL_NAMES[model_name]}] stage 2: {protocol} protocol, {variant}")
                test, train, curve, resumed = _train_and_score(
                    trainer, variant, protocol, mnist, settings, seed + 10 * variant_index, verbose, log,
                    backup_name=f"{model_name}/{protocol}_{variant}", backup_dir=backup_dir,
                )
                paper_loss, paper_accuracy = PAPER_RESULTS[variant][model_name]
                results.append({
                    "model": model_name, "protocol": protocol, "variant": variant,
                    "test_loss": test["loss"], "test_accuracy": 100 * test["accuracy"],
                    "train_loss": train["loss"], "train_accuracy": 100 * train["accuracy"],
                    "paper_loss": paper_loss, "paper_accuracy": paper_accuracy,
                    "pretrain_accuracy": pretrain_accuracy,
                    "pretrain_seconds": pretrain_seconds, "seconds": time.perf_counter() - start,
                    "test_accuracy_per_epoch": [100 * float(a) for a in curve],
                    "resumed_epochs": resumed,
                })
                if save_dir is not None:
                    results[-1]["model_file"] = _save_model(trainer.model, save_dir, model_name, protocol, variant)
                    log(f"    saved {pathlib.Path(save_dir) / results[-1]['model_file']}")
                log(f"    test: cross-entropy {test['loss']:.2f}, accuracy {100 * test['accuracy']:.2f}% "
                    f"(paper: {paper_loss:.2f}, {paper_accuracy:.2f}%)")
    return results


def _save_model(model, save_dir, model_name, protocol, variant):
    name = model_file_name(model_name, protocol, variant)
    with atomic_path(pathlib.Path(save_dir) / name) as tmp:
        model.save(tmp)
    return name


def markdown_table(results):
    """Paper Table I beside the measured numbers, one row per variant, protocol and model."""
    lines = [
        "| variant | model | protocol | paper CE, acc | measured test CE, acc | measured train CE, acc |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['variant']} | {MODEL_NAMES[r['model']]} | {r['protocol']} | "
            f"{r['paper_loss']:.2f}, {r['paper_accuracy']:.2f}% | {r['test_loss']:.2f}, {r['test_accuracy']:.2f}% | "
            f"{r['train_loss']:.2f}, {r['train_accuracy']:.2f}% |"
        )
    return "\n".join(lines)


def ceiling_note(label_order):
    """One line on what the label order allows on unseen videos."""
    if label_order == "sorted":
        return "Labels sorted (d_m <= d_n): each video has one correct label."
    accuracy, cross_entropy = label_ceiling()
    return (f"Labels in drawn order (section III): on unseen videos no classifier can exceed {100 * accuracy:.0f}% "
            f"accuracy or go below a cross-entropy of {cross_entropy:.2f} (label_ceiling).")


def save_results(results, out_dir, settings, seed):
    """Write results.json and results.md atomically into ``out_dir``; return their paths."""
    out_dir = pathlib.Path(out_dir)
    json_path, md_path = out_dir / "results.json", out_dir / "results.md"
    payload = {"settings": dataclasses.asdict(settings), "seed": seed, "results": results}
    with atomic_path(json_path) as tmp:
        tmp.write_text(json.dumps(payload, indent=2))
    with atomic_path(md_path) as tmp:
        tmp.write_text("# Shan & Atanasov 2017, Table I: paper vs measured\n\n" + markdown_table(results) + "\n\n"
                       + ceiling_note(settings.label_order) + "\n")
    return json_path, md_path
