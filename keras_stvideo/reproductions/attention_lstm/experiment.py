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
    >>> results = run_reproduction(models=("lenet",), variants=("normal",),
    ...                            settings=ReproductionSettings.quick())  # doctest: +SKIP
"""

import dataclasses
import json
import pathlib
import time

import keras
import numpy as np

from keras_stvideo.saving import load_model
from keras_stvideo.utils.atomic import atomic_path
from keras_stvideo.utils.results import write_results
from keras_stvideo.data.mnist import load_mnist
from keras_stvideo.data.moving_mnist import VARIANTS, MovingMNIST, MovingMNISTSequence
from keras_stvideo.data.scaled_mnist import ScaledMNIST, make_scaled_mnist
from keras_stvideo.training.epoch_backup import DatasetEpochSync, EpochBackup
from keras_stvideo.models.attention_lstm.frame_encoders import FRAME_ENCODERS
from keras_stvideo.models.attention_lstm.training import TwoStageTrainer
from keras_stvideo.reproductions.attention_lstm.settings import (  # noqa: F401
    MODEL_NAMES, NUM_CLASSES, PAPER_LITERAL_PROTOCOL, PAPER_LITERAL_REASON, PAPER_RESULTS, PAPER_STAGE2, PROTOCOLS,
    ReproductionSettings, label_ceiling,
)

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


FEATURE_CHUNK = 1000  # videos rendered and encoded at a time for the frozen stage (80 MB of float32 frames)


def _frozen_features(trainer, variant, split, protocol, mnist, settings, seed):
    """The frozen CNN's features of a split's videos, computed once: ``(features (N, T, F), labels)``.

    With ``settings.train_videos`` the training videos are rendered and encoded
    ``FEATURE_CHUNK`` at a time (chunk i from the seed ``(seed, i)``), so only
    their features, 10 kB a video, stay in memory: 50,000 videos need 0.5 GB of
    features instead of 4 GB of frames.
    """
    if split == "train" and settings.train_videos:
        generator = _generator(variant, split, protocol, mnist, settings)
        features, labels = [], []
        for index, start in enumerate(range(0, settings.train_videos, FEATURE_CHUNK)):
            x, y = generator.generate(min(FEATURE_CHUNK, settings.train_videos - start), seed=[seed, index])
            features.append(trainer.frame_features(x))
            labels.append(y)
        return np.concatenate(features), np.concatenate(labels)
    x, y = _videos(variant, split, protocol, mnist, settings, seed)
    return trainer.frame_features(x), y


def _fit_callbacks(backup_dir, name, dataset=None):
    """``(callbacks, backup)`` letting one fit resume from ``backup_dir / name``; ``([], None)`` without a folder."""
    if backup_dir is None:
        return [], None
    backup = EpochBackup(pathlib.Path(backup_dir) / name)
    return ([] if dataset is None else [DatasetEpochSync(dataset)]) + [backup], backup


def _epoch_logs(history, backup):
    """Per-epoch logs of a fit, and how many epochs it restored: the backup's hold the epochs before a resume."""
    return (history.history, 0) if backup is None else (backup.history, backup.restored_epochs)


def _train_and_score(trainer, variant, protocol, mnist, settings, seed, verbose, backup_name=None,
                     backup_dir=None):
    """Stage 2 (or fine-tuning) for one experiment.

    Returns (test scores, train scores, per-epoch logs, epochs restored from ``backup_dir``, a description of
    the videos for the progress line).
    """
    x_te, y_te = _videos(variant, "test", protocol, mnist, settings, seed=seed + 1)
    fit_options = {"epochs": settings.lstm_epochs, "batch_size": settings.lstm_batch_size,
                   "learning_rate": settings.lstm_learning_rate, "lr_schedule": settings.lr_schedule,
                   "verbose": verbose}
    if settings.fresh_videos:
        generator = _generator(variant, "train", protocol, mnist, settings)
        data = MovingMNISTSequence(generator, settings.train_videos, batch_size=settings.lstm_batch_size,
                                   seed=seed, fresh_each_epoch=True)
        videos = f"{settings.train_videos} new training videos every epoch, {len(x_te)} test videos"
        callbacks, backup = _fit_callbacks(backup_dir, backup_name, data)
        # Every batch holds new random videos: shuffling their order adds nothing, and would keep a resumed run
        # from repeating the interrupted one (keras draws that order from Python's global random state).
        history = trainer.fit(data, fine_tune=True, validation_data=(x_te, y_te), callbacks=callbacks, shuffle=False,
                              **fit_options)
        curve, restored = _epoch_logs(history, backup)
        test = trainer.evaluate(x_te, y_te)
        # No fixed training set: the last epoch's running scores on the videos it trained on.
        train = {"loss": float(curve["loss"][-1]), "accuracy": float(curve["accuracy"][-1])}
        return test, train, curve, restored, videos
    callbacks, backup = _fit_callbacks(backup_dir, backup_name)
    # The test videos are only watched (a curve per epoch), never used to pick a model.
    if settings.fine_tune:
        x_tr, y_tr = _videos(variant, "train", protocol, mnist, settings, seed=seed)
        history = trainer.fit(x_tr, y_tr, fine_tune=True, validation_data=(x_te, y_te), callbacks=callbacks,
                              **fit_options)
        test, train = trainer.evaluate(x_te, y_te), trainer.evaluate(x_tr, y_tr)
    else:
        # The frozen CNN's features, computed once.
        x_tr, y_tr = _frozen_features(trainer, variant, "train", protocol, mnist, settings, seed)
        f_te = trainer.frame_features(x_te)
        history = trainer.fit_features(x_tr, y_tr, validation_data=(f_te, y_te), callbacks=callbacks, **fit_options)
        test, train = trainer.evaluate_features(f_te, y_te), trainer.evaluate_features(x_tr, y_tr)
    curve, restored = _epoch_logs(history, backup)
    return test, train, curve, restored, f"{len(x_tr)} training and {len(x_te)} test videos"


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
    training a new one; ``models`` then names its one frame CNN. With
    ``settings.pretrained_cnn`` (a frame CNN's ``.weights.h5`` or ``.keras``),
    that CNN replaces stage 1 (it is still scored on the held-out digits) and
    ``models`` names its one architecture.
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
    if settings.pretrained_cnn:
        check_pretrained_cnn(settings.pretrained_cnn, models)
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


PRETRAIN_TEST_DIGITS = 2000  # MNIST test digits, shifted and zoomed once, that score stage 1
PRETRAINED_CNN_SUFFIXES = (".weights.h5", ".keras")


def check_pretrained_cnn(path, models):
    """A ``pretrained_cnn`` must be an existing ``.weights.h5`` or ``.keras`` file, for one named frame CNN."""
    if len(models) != 1:
        raise ValueError(f"pretrained_cnn holds one frame CNN, so models must name its architecture alone, "
                         f"got {tuple(models)!r}")
    if not str(path).endswith(PRETRAINED_CNN_SUFFIXES):
        raise ValueError(f"pretrained_cnn must be a {' or '.join(PRETRAINED_CNN_SUFFIXES)} file, got {path!r}")
    if not pathlib.Path(path).is_file():
        raise FileNotFoundError(f"pretrained_cnn {str(path)!r} is not a file")


def load_pretrained_cnn(frame_encoder, path, model_name):
    """Give ``frame_encoder`` the weights of the pre-trained CNN at ``path`` (``.weights.h5`` or ``.keras``)."""
    try:
        if str(path).endswith(".keras"):
            frame_encoder.set_weights(load_model(path).get_weights())
        else:
            frame_encoder.load_weights(path)
    except ValueError as error:
        raise ValueError(f"pretrained_cnn {str(path)!r} does not hold a {model_name!r} frame CNN "
                         f"({frame_encoder.count_params():,} parameters) as build_* makes it: {error}") from None


def _held_out_digit_accuracy(trainer, mnist, seed):
    """Accuracy (%) on ``PRETRAIN_TEST_DIGITS`` MNIST test digits, shifted and zoomed once as Scaled MNIST does."""
    _, (x_test, y_test) = mnist
    held_out = make_scaled_mnist(x_test[:PRETRAIN_TEST_DIGITS], np.random.default_rng([seed, 2017]))
    probabilities = trainer.frame_encoder.predict(held_out, batch_size=250, verbose=0)
    return 100 * float(np.mean(np.argmax(probabilities, axis=1) == np.asarray(y_test[:PRETRAIN_TEST_DIGITS])))


def _pretrain(trainer, model_name, mnist, settings, seed, verbose, backup_dir):
    """Stage 1 on Scaled MNIST; returns (last epoch's running accuracy, accuracy on held-out digits), in %.

    The held-out digits are ``PRETRAIN_TEST_DIGITS`` MNIST test digits (never
    trained on), shifted and zoomed as Scaled MNIST does, with a fixed seed.
    """
    x_train, y_train = mnist[0]
    count = min(settings.pretrain_samples, len(x_train))
    digits = ScaledMNIST(x_train[:count], y_train[:count], batch_size=settings.pretrain_batch_size, seed=seed)
    callbacks, backup = _fit_callbacks(backup_dir, f"{model_name}/pretrain", digits)
    history = trainer.pretrain(digits, epochs=settings.pretrain_epochs, verbose=verbose, callbacks=callbacks,
                               shuffle=False)  # ScaledMNIST reshuffles its digits every epoch itself
    return (100 * float(_epoch_logs(history, backup)[0]["accuracy"][-1]),
            _held_out_digit_accuracy(trainer, mnist, seed))


def _check_continued_model(trainer, settings):
    units = trainer.head.get_layer("lstm").units
    length = trainer.sequence_length
    if (units, length) != (settings.lstm_units, settings.sequence_length):
        raise ValueError(f"{settings.init_model} has an LSTM of {units} units on {length} frames; the settings ask "
                         f"for {settings.lstm_units} units on {settings.sequence_length} frames (set --lstm-units)")


def _describe_stage2(settings):
    """The stage-2 settings of a row, in a few words, for its progress line."""
    how = "fine-tuned CNN" if settings.fine_tune else "frozen CNN"
    return (f"{settings.label_order} labels, LSTM({settings.lstm_units}), {how}, {settings.lstm_epochs} epochs "
            f"of RMSProp {settings.lstm_learning_rate:g}")


def _row_settings(settings, configuration):
    return dataclasses.replace(settings, **PAPER_STAGE2) if configuration == "paper_literal" else settings


def _run(models, variants, protocols, settings, seed, mnist, verbose, log, save_dir, backup_dir):
    results = []
    for model_index, model_name in enumerate(models):
        keras.utils.set_random_seed(seed + model_index)
        start = time.perf_counter()
        name = MODEL_NAMES[model_name]
        if settings.init_model:
            trainer = TwoStageTrainer.from_video_model(load_model(settings.init_model))
            _check_continued_model(trainer, settings)
            pretrain_accuracy = pretrain_test_accuracy = None
            log(f"[{name}] continuing {settings.init_model} (no stage 1)")
        elif settings.pretrained_cnn:
            trainer = TwoStageTrainer(FRAME_ENCODERS[model_name](), settings.sequence_length,
                                      lstm_units=settings.lstm_units)
            load_pretrained_cnn(trainer.frame_encoder, settings.pretrained_cnn, model_name)
            pretrain_accuracy, pretrain_test_accuracy = None, _held_out_digit_accuracy(trainer, mnist, seed)
            log(f"[{name}] stage 1: the pre-trained CNN {settings.pretrained_cnn}: digit accuracy "
                f"{pretrain_test_accuracy:.1f}% on {PRETRAIN_TEST_DIGITS} held-out digits (chance 10%)")
        else:
            trainer = TwoStageTrainer(FRAME_ENCODERS[model_name](), settings.sequence_length,
                                      lstm_units=settings.lstm_units)
            pretrain_accuracy, pretrain_test_accuracy = _pretrain(trainer, model_name, mnist, settings, seed, verbose,
                                                                  backup_dir)
            count = min(settings.pretrain_samples, len(mnist[0][0]))
            log(f"[{name}] stage 1: pre-trained on {count} Scaled MNIST digits x {settings.pretrain_epochs} "
                f"epoch(s) (Adadelta 1.0, batch {settings.pretrain_batch_size}): digit accuracy "
                f"{pretrain_test_accuracy:.1f}% on {PRETRAIN_TEST_DIGITS} held-out digits (chance 10%), "
                f"{time.perf_counter() - start:.0f} s")
        pretrain_seconds = time.perf_counter() - start
        initial_head = trainer.head.get_weights()
        initial_cnn = trainer.frame_encoder.get_weights() if settings.fine_tune else None
        experiments = [("run", protocol, variant_index, variant) for protocol in protocols
                       for variant_index, variant in enumerate(variants)]
        if settings.paper_baseline:
            experiments += [("paper_literal", PAPER_LITERAL_PROTOCOL, variant_index, variant)
                            for variant_index, variant in enumerate(variants)]
        heads = {"run": (trainer, initial_head)}
        if settings.paper_baseline:
            # The paper's LSTM(8) head on the same pre-trained (frozen) CNN.
            literal = TwoStageTrainer(trainer.frame_encoder, settings.sequence_length,
                                      lstm_units=PAPER_STAGE2["lstm_units"])
            heads["paper_literal"] = (literal, literal.head.get_weights())
        for configuration, protocol, variant_index, variant in experiments:
            start = time.perf_counter()
            row_settings = _row_settings(settings, configuration)
            row_trainer, head_weights = heads[configuration]
            backup_name = f"{model_name}/{'paper_literal' if configuration == 'paper_literal' else protocol}_{variant}"
            if initial_cnn is not None:  # every row starts from the pre-trained CNN
                trainer.frame_encoder.set_weights(initial_cnn)
            row_trainer.head.set_weights(head_weights)  # a fresh LSTM for every experiment
            test, train, curve, resumed, videos = _train_and_score(
                row_trainer, variant, protocol, mnist, row_settings, seed + 10 * variant_index, verbose,
                backup_name=backup_name, backup_dir=backup_dir,
            )
            paper_loss, paper_accuracy = PAPER_RESULTS[variant][model_name]
            results.append({
                "model": model_name, "protocol": protocol, "variant": variant, "configuration": configuration,
                "test_loss": test["loss"], "test_accuracy": 100 * test["accuracy"],
                "train_loss": train["loss"], "train_accuracy": 100 * train["accuracy"],
                "paper_loss": paper_loss, "paper_accuracy": paper_accuracy,
                "pretrain_accuracy": pretrain_accuracy, "pretrain_test_accuracy": pretrain_test_accuracy,
                "pretrain_seconds": pretrain_seconds, "seconds": time.perf_counter() - start,
                "test_accuracy_per_epoch": [100 * float(a) for a in curve["val_accuracy"]],
                "test_loss_per_epoch": [float(a) for a in curve["val_loss"]],
                # every per-epoch Keras log (training and test-set "val_" curves), for training_curves.png
                "history": {key: [float(v) for v in values] for key, values in curve.items()},
                "resumed_epochs": resumed,
            })
            if configuration == "paper_literal":
                results[-1]["stage2_settings"] = {key: getattr(row_settings, key) for key in PAPER_STAGE2}
            saved = ""
            if save_dir is not None and configuration == "run":
                results[-1]["model_file"] = _save_model(trainer.model, save_dir, model_name, protocol, variant)
                saved = f"; saved {pathlib.Path(save_dir) / results[-1]['model_file']}"
            label = "the paper's literal stage 2, " if configuration == "paper_literal" else ""
            log(f"[{name}] {label}{protocol} protocol, {variant} ({_describe_stage2(row_settings)}; {videos}): "
                f"test cross-entropy {test['loss']:.2f}, accuracy {100 * test['accuracy']:.1f}% "
                f"(paper: {paper_loss:.2f}, {paper_accuracy:.2f}%), {time.perf_counter() - start:.0f} s{saved}")
    return results


def _save_model(model, save_dir, model_name, protocol, variant):
    name = model_file_name(model_name, protocol, variant)
    with atomic_path(pathlib.Path(save_dir) / name) as tmp:
        model.save(tmp)
    return name


CONFIGURATION_NAMES = {"run": "this run's settings", "paper_literal": "paper's literal stage 2"}


def markdown_table(results):
    """Paper Table I beside the measured numbers, one row per variant, protocol, model and configuration."""
    lines = [
        "| variant | model | protocol | stage 2 | paper CE, acc | measured test CE, acc | measured train CE, acc |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        configuration = CONFIGURATION_NAMES[r.get("configuration", "run")]
        lines.append(
            f"| {r['variant']} | {MODEL_NAMES[r['model']]} | {r['protocol']} | {configuration} | "
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


def results_notes(results, settings):
    """The lines under the table: what was run, what chance is, what stage 1 reached, and why rows are at chance."""
    chance = (f"Chance: {100 / NUM_CLASSES:.0f}% accuracy, cross-entropy ln {NUM_CLASSES} = "
              f"{np.log(NUM_CLASSES):.2f} (a uniform guess over the {NUM_CLASSES} two-digit classes).")
    notes = []
    if settings.quick_run:
        notes.append(
            "A quick run (`--quick`), not the paper's: stage 1 pre-trains on "
            f"{settings.pretrain_samples} Scaled MNIST digits x {settings.pretrain_epochs} epoch(s) (batch "
            f"{settings.pretrain_batch_size}); this run's stage 2: {_describe_stage2(settings)}, batch "
            f"{settings.lstm_batch_size}, on the frozen CNN's features of "
            f"{settings.train_videos or 100 * settings.settings_per_class} training videos, tested on "
            f"{100 * settings.settings_per_class} videos ({settings.settings_per_class} per class)"
            + (", bfloat16 mixed precision." if settings.mixed_precision else ", float32.")
        )
    notes.append(chance)
    stage1 = sorted({(r["model"], r["pretrain_test_accuracy"]) for r in results
                     if r.get("pretrain_test_accuracy") is not None})
    if settings.pretrained_cnn:
        notes.append(f"No stage 1 in this run: the frame CNN is {settings.pretrained_cnn}, pre-trained before.")
    for model, accuracy in stage1:
        notes.append(f"Stage 1 ({MODEL_NAMES[model].split('-')[0]}): {accuracy:.1f}% digit accuracy on "
                     f"{PRETRAIN_TEST_DIGITS} held-out Scaled MNIST test digits (chance 10%).")
    if any(r.get("configuration") == "paper_literal" for r in results):
        notes.append(f"The paper's literal stage 2 ({PAPER_LITERAL_PROTOCOL} protocol, drawn-order labels, LSTM(8), "
                     f"10 epochs, {100 * settings.settings_per_class} training videos) is {PAPER_LITERAL_REASON}.")
    if any(r.get("configuration", "run") == "run" for r in results):
        notes.append(ceiling_note(settings.label_order))
    return notes


def training_histories(results):
    """``{row name: per-epoch logs}`` of the rows of ``results`` that hold them (stage 2 or fine-tuning)."""
    histories = {}
    for row in results:
        if row.get("history"):
            name = f"{MODEL_NAMES[row['model']]} {row['protocol']} {row['variant']}"
            histories[name + (" (paper's LSTM(8))" if row.get("configuration") == "paper_literal" else "")] = \
                row["history"]
    return histories


def save_results(results, out_dir, settings, seed):
    """Write results.json, results.md and training_curves.png (every row's training and test curves per epoch)
    atomically into ``out_dir``; return the paths of results.json and results.md."""
    from keras_stvideo.plots import write_training_curves

    payload = {"settings": dataclasses.asdict(settings), "seed": seed, "results": results}
    paths = write_results(out_dir, payload, "# Shan & Atanasov 2017, Table I: paper vs measured\n\n"
                          + markdown_table(results) + "\n\n" + "\n\n".join(results_notes(results, settings))
                          + "\n")
    histories = training_histories(results)
    if histories:
        write_training_curves(histories, pathlib.Path(out_dir) / "training_curves.png",
                              title="Shan & Atanasov 2017: stage 2 per epoch (dashed: the test videos)")
    return paths
