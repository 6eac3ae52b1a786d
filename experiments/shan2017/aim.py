"""Shan & Atanasov 2017, issue 23: the 95% clean Rotation+Scaling aim, one frame CNN, new videos every epoch.

Stage 1 pre-trains the frame CNN on all training digits of Scaled MNIST (Adadelta 1.0, batch 128, section
IV-A) for ``--pretrain-epochs`` epochs, a new augmentation each epoch. ``--pretrain-rotation`` also turns
each digit by an angle in [0, 2 pi), as the Rotation+Scaling canvases turn (not in the paper: the digits
a CNN meets in those videos are turned, and the paper's stage 1 never shows it one).

Stage 2 fine-tunes CNN and LSTM together (RMSProp, batch 50, one optimizer for the whole run) on
``--videos-per-epoch`` new clean Rotation+Scaling videos every epoch (training digits only, sorted labels;
a process pool renders the next epoch's videos while the GPU trains on the current ones), and scores the
comparison's 1,000 clean test videos (``compare.py``'s seed for this variant) after every epoch,
until ``--seconds`` of stage 2 have passed or ``--deadline`` seconds since the start.
``OUT/shan2017_aim_<encoder>.json`` is rewritten after each epoch.

``--state-dir DIR`` makes the run resumable: the pre-trained CNN goes to ``DIR/stage1.weights.h5`` and every
finished stage-2 epoch's model and optimizer to ``DIR/stage2`` (``EpochBackup``), so the same command, run
again, skips stage 1 and goes on at the next epoch with that epoch's new videos (``--seconds`` and
``--max-epochs`` count over the whole run, ``--deadline`` from this command's start). It refuses settings
that differ from the run it resumes. Keep DIR out of the repository (weights).
``--mixed-precision`` trains under Keras' ``mixed_bfloat16`` policy.

Usage (CPU, tiny):
    python experiments/shan2017/aim.py --out /tmp/aim --encoder lenet --pretrain-digits 512 --pretrain-epochs 1 \\
        --videos-per-epoch 200 --test-per-class 1 --seconds 30
"""

import argparse
import json
import math
import multiprocessing
import pathlib
import sys
import tempfile
import threading
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "experiments" / "shan2017")]

import compare  # noqa: E402  (experiments/shan2017 is on sys.path now)

from keras_stvideo.utils.atomic import atomic_path  # noqa: E402
from keras_stvideo.utils.quiet import quiet_tensorflow  # noqa: E402  (imports no TensorFlow)

VARIANT = "rotation_scaling"
TEST_SEED_OFFSET = 1  # shan2017_compare's test videos for its first variant, rotation_scaling: seed + 1
# Settings a resumed run must share with the run it continues (the budgets may change).
RUN_SETTINGS = ("encoder", "pretrain_digits", "pretrain_epochs", "pretrain_test_digits", "pretrain_rotation",
                "videos_per_epoch", "test_per_class", "lstm_units", "learning_rate", "batch_size", "mixed_precision",
                "seed")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--mnist", default=None)
    parser.add_argument("--encoder", default="lenet", choices=["lenet", "stn", "dcn"])
    parser.add_argument("--pretrain-digits", type=int, default=60000)
    parser.add_argument("--pretrain-epochs", type=int, default=6)
    parser.add_argument("--pretrain-test-digits", type=int, default=10000)
    parser.add_argument("--pretrain-rotation", action="store_true", help="turn the stage-1 digits by [0, 2 pi)")
    parser.add_argument("--videos-per-epoch", type=int, default=40000)
    parser.add_argument("--test-per-class", type=int, default=10)
    parser.add_argument("--lstm-units", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300.0, help="stage-2 time budget")
    parser.add_argument("--deadline", type=float, default=float("inf"), help="stop stage 2 this long after the start")
    parser.add_argument("--max-epochs", type=int, default=None, help="stop stage 2 after this many epochs")
    parser.add_argument("--matmul-precision", choices=["default", "highest"], default="default")
    parser.add_argument("--mixed-precision", action="store_true", help="bfloat16 compute (mixed_bfloat16)")
    parser.add_argument("--state-dir", default=None, help="keep weights here to resume (not in the repository)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()
    quiet_tensorflow()  # no TensorFlow C++ log lines, as in `stvideo`
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result_path = out / f"shan2017_aim_{args.encoder}.json"

    def log(line):
        print(f"[{time.perf_counter() - start:6.0f} s] [aim, {args.encoder}] {line}", flush=True)

    from keras_stvideo.data.mnist import load_mnist

    mnist = compare._MNIST = load_mnist(args.mnist)  # the workers fork with it
    (x_train, y_train), (x_test, y_test) = mnist
    scratch = tempfile.TemporaryDirectory()
    rotation = (0.0, 2 * math.pi) if args.pretrain_rotation else None
    count = min(args.pretrain_digits, len(x_train))
    state = None if args.state_dir is None else pathlib.Path(args.state_dir)
    stage1_weights = None if state is None else state / "stage1.weights.h5"
    restoring = stage1_weights is not None and stage1_weights.exists() and result_path.exists()
    digits = None if restoring else compare.render_scaled_mnist(scratch.name, count, args.pretrain_epochs, args.seed,
                                                                 args.workers, rotation)
    held_out = compare.held_out_digits(x_test[:args.pretrain_test_digits], args.seed, rotation)
    test = compare.test_videos(VARIANT, args.test_per_class, args.seed + TEST_SEED_OFFSET, mnist)
    # Forked before Keras builds a model (fork-safe), then kept to render each epoch's videos.
    pool = multiprocessing.get_context("fork").Pool(args.workers)

    def render(epoch):
        return compare.render_videos(scratch.name, f"epoch_{epoch}", VARIANT, "train", args.videos_per_epoch,
                                     args.seed + 10_000 + epoch, args.mnist, args.workers, pool=pool)

    if not restoring:
        log(f"rendered {args.pretrain_epochs} x {count} stage-1 digits in {time.perf_counter() - start:.0f} s")
    import keras

    from keras_stvideo.models.attention_lstm.frame_encoders import FRAME_ENCODERS
    from keras_stvideo.models.attention_lstm.training import TwoStageTrainer, rmsprop
    from keras_stvideo.training.epoch_backup import EpochBackup

    compare.set_matmul_precision(args.matmul_precision)
    if args.mixed_precision:
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    keras.utils.set_random_seed(args.seed)
    trainer = TwoStageTrainer(FRAME_ENCODERS[args.encoder](), 5, lstm_units=args.lstm_units)
    record = {"encoder": args.encoder, "backend": keras.backend.backend(), "settings": vars(args),
              "variant": VARIANT, "protocol": "clean", "label_order": "sorted", "test_videos": len(test[1]),
              "stage1": {"digit_accuracy_per_epoch": []}, "stage2": {"test_accuracy_per_epoch": [],
                                                                    "test_loss_per_epoch": [],
                                                                    "train_accuracy_per_epoch": []}}
    if restoring:  # the earlier run's record: its stage 1 and its finished stage-2 epochs
        earlier = json.loads(result_path.read_text())
        changed = {key: (earlier["settings"].get(key), value) for key, value in vars(args).items()
                   if key in RUN_SETTINGS and earlier["settings"].get(key) != value}
        if changed:
            raise ValueError(f"{args.state_dir} holds a run with other settings (earlier, now): {changed}; "
                             "pass the same settings or another --state-dir")
        record.update(stage1=earlier["stage1"], stage2=earlier["stage2"])
        if record["stage2"].get("last_epoch_cut_by_the_budget") and "epochs_cut_by_the_budget" not in record["stage2"]:
            record["stage2"]["epochs_cut_by_the_budget"] = [record["stage2"]["epochs"]]  # a record without the list

    def save():
        with atomic_path(result_path) as tmp:
            tmp.write_text(json.dumps(record, indent=1))

    curve = record["stage1"]["digit_accuracy_per_epoch"]

    class HeldOut(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            p = trainer.frame_encoder.predict(held_out, batch_size=500, verbose=0)
            curve.append(100 * float(np.mean(np.argmax(p, axis=1) == y_test[:args.pretrain_test_digits])))
            log(f"stage 1 epoch {epoch + 1}: held-out digit accuracy {curve[-1]:.2f}%")

    if restoring:
        trainer.frame_encoder.load_weights(stage1_weights)
        log(f"stage 1 restored from {stage1_weights}: held-out digit accuracy {curve[-1]:.2f}%")
    else:
        t0 = time.perf_counter()
        batches = compare.pre_rendered_digits(digits, np.asarray(y_train[:count]), 128, args.seed)
        trainer.pretrain(batches, epochs=args.pretrain_epochs, verbose=0, shuffle=False, callbacks=[HeldOut()])
        record["stage1"].update(seconds=time.perf_counter() - t0, digits=count, rotation_range=rotation)
        if stage1_weights is not None:
            with atomic_path(stage1_weights) as tmp:
                trainer.frame_encoder.save_weights(tmp)
        save()

    trainer.frame_encoder.trainable = True
    trainer.model.compile(optimizer=rmsprop(args.learning_rate), loss="sparse_categorical_crossentropy",
                          metrics=["accuracy"])
    stage2 = record["stage2"]
    backup = [] if state is None else [EpochBackup(state / "stage2")]
    epoch = backup[0].initial_epoch if backup else 0
    if epoch:
        log(f"stage 2 resumes after epoch {epoch}")
    logs = {}  # every epoch's fit logs, those of the run this one resumes included
    ready = {"data": render(epoch)}
    seconds_before = stage2.get("seconds", 0.0) if epoch else 0.0
    t0 = time.perf_counter() - seconds_before  # stage 2's clock starts once the first videos are there
    seconds = min(args.seconds, args.deadline - (time.perf_counter() - start) + seconds_before)
    deadline = compare.make_deadline_callback(seconds, t0)
    while time.perf_counter() - t0 < seconds and epoch < (args.max_epochs or float("inf")):
        videos, labels = ready.pop("data")
        worker = threading.Thread(target=lambda e=epoch + 1: ready.update(data=render(e)))
        worker.start()
        history = trainer.model.fit(videos, labels, batch_size=args.batch_size, epochs=epoch + 1,
                                    initial_epoch=epoch, validation_data=test, verbose=0, callbacks=[deadline] + backup)
        epoch += 1
        if backup:
            logs = backup[0].history
        else:
            for key, values in history.history.items():
                logs.setdefault(key, []).extend(values)
        stage2.update(test_accuracy_per_epoch=[100 * float(v) for v in logs["val_accuracy"]],
                      test_loss_per_epoch=[float(v) for v in logs["val_loss"]],
                      train_accuracy_per_epoch=[100 * float(v) for v in logs["accuracy"]])
        cut = stage2.setdefault("epochs_cut_by_the_budget", [])  # of every run, a resumed one's included
        cut += [epoch] if deadline.stopped else []
        stage2.update(epochs=epoch, full_epochs=epoch - len(cut), seconds=time.perf_counter() - t0,
                      videos_in_full_epochs=(epoch - len(cut)) * args.videos_per_epoch,
                      last_epoch_cut_by_the_budget=deadline.stopped)
        save()
        log(f"stage 2 epoch {epoch}: clean Rotation+Scaling test accuracy {stage2['test_accuracy_per_epoch'][-1]:.1f}% "
            f"(cross-entropy {stage2['test_loss_per_epoch'][-1]:.2f}; new training videos "
            f"{stage2['train_accuracy_per_epoch'][-1]:.1f}%; {time.perf_counter() - t0:.0f} s)")
        worker.join()
        del videos, history
        (pathlib.Path(scratch.name) / f"epoch_{epoch - 1}.npy").unlink()  # 3.3 GB an epoch at 40,000 videos
    pool.close()
    test_loss, test_accuracy = compare.score(trainer.model.predict(test[0], batch_size=250, verbose=0), test[1])
    stage2.update(test_accuracy=test_accuracy, test_loss=test_loss)
    save()
    log(f"final clean Rotation+Scaling test accuracy {test_accuracy:.1f}% (cross-entropy {test_loss:.2f}); "
        f"wrote {result_path}")
    scratch.cleanup()


if __name__ == "__main__":
    main()
