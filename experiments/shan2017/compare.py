"""Shan & Atanasov 2017: does attention help? LeNet, STN-LeNet and DCN-LeNet compared at equal data (issue 23).

For each frame CNN: stage 1 pre-trains it on Scaled MNIST (all training digits,
Adadelta 1.0 as in section IV-A) epoch after epoch until its accuracy on held-out
Scaled MNIST test digits stops rising (``--patience`` epochs in a row, 1 by
default, gain under ``--min-gain`` points over the best earlier epoch, or
``--pretrain-max-epochs``). Then, on the clean protocol with sorted labels, for
each variant, every CNN gets the same training videos (rendered once, from one
seed) and the same stage-2 budget in epochs:

* ``frozen``: the paper's stage 2, an LSTM on the frozen CNN's features, computed once;
* ``fine_tune``: CNN and LSTM trained together from the pre-trained CNN.

Each row records test accuracy and cross-entropy per epoch and its time. The
results go to ``OUT/shan2017_compare.json`` after every row; running the same
command again skips the rows already there (and, with ``--state-dir``, reuses
the pre-trained CNNs' weights), so an interrupted run resumes. ``--deadline``
(seconds) stops training at that time since the start and writes what was done.

The 95% clean Rotation+Scaling aim is ``aim.py``'s (new videos every
epoch); it scores the same test videos.

Usage (CPU, tiny):
    python experiments/shan2017/compare.py --out /tmp/cmp --train-videos 200 --test-per-class 1 --epochs 1 \\
        --pretrain-digits 512 --pretrain-max-epochs 1
"""

import argparse
import json
import multiprocessing
import os
import pathlib
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from keras_stvideo.utils.atomic import atomic_path  # noqa: E402
from keras_stvideo.utils.quiet import quiet_tensorflow  # noqa: E402  (imports no TensorFlow)

_MNIST = None  # set before the worker processes fork
CHUNK = 1000  # videos rendered per task, seeded (seed, chunk index): the same videos however many processes


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--mnist", default=None)
    parser.add_argument("--state-dir", default=None, help="keep pre-trained CNN weights here (resume)")
    parser.add_argument("--encoders", nargs="+", default=["lenet", "stn", "dcn"])
    parser.add_argument("--variants", nargs="+", default=["rotation_scaling", "normal"])
    parser.add_argument("--modes", nargs="+", default=["frozen", "fine_tune"])
    parser.add_argument("--train-videos", type=int, default=20000)
    parser.add_argument("--test-per-class", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--lstm-units", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--pretrain-digits", type=int, default=60000)
    parser.add_argument("--pretrain-test-digits", type=int, default=10000)
    parser.add_argument("--pretrain-batch-size", type=int, default=128)
    parser.add_argument("--pretrain-max-epochs", type=int, default=8)
    parser.add_argument("--pretrain-augmentations", type=int, default=0,
                        help="render this many Scaled MNIST copies up front in worker processes (0: on the fly)")
    parser.add_argument("--pretrain-seconds", type=float, default=float("inf"),
                        help="stop stage 1 of one CNN after the epoch that passes this many seconds")
    parser.add_argument("--min-gain", type=float, default=0.2, help="stage-1 convergence: points per epoch")
    parser.add_argument("--patience", type=int, default=1,
                        help="stage-1 convergence: this many epochs in a row gain under --min-gain")
    parser.add_argument("--mixed-precision", action="store_true")
    parser.add_argument("--matmul-precision", choices=["default", "highest"], default="default",
                        help="JAX: 'highest' turns off TF32 matmuls and convolutions on the GPU")
    parser.add_argument("--deadline", type=float, default=float("inf"), help="seconds from the start")
    parser.add_argument("--workers", type=int, default=max(1, min(14, (os.cpu_count() or 2) - 1)))
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


# ----------------------------------------------------------------------------- data (no Keras model needed)
def _render_chunk(task):
    """Worker: render chunk ``index`` of a split into the memory-mapped array at ``path``."""
    path, variant, split, seed, index, count, mnist_path = task
    from keras_stvideo.data.mnist import load_mnist
    from keras_stvideo.data.moving_mnist import MovingMNIST

    generator = MovingMNIST.from_variant(variant, split=split, digit_source="disjoint", label_order="sorted",
                                         mnist=_MNIST or load_mnist(mnist_path))
    x, y = generator.generate(count, seed=[seed, index])
    videos = np.load(path, mmap_mode="r+")
    videos[index * CHUNK: index * CHUNK + count] = x
    videos.flush()
    return index, y


def render_videos(folder, name, variant, split, count, seed, mnist_path, workers, pool=None):
    """(videos memmap (count, 5, 64, 64, 1), labels): ``count`` clean-protocol videos with sorted labels.

    ``pool``: a process pool forked before any Keras model existed, to render with after one does.
    """
    path = pathlib.Path(folder) / f"{name}.npy"
    videos = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(count, 5, 64, 64, 1))
    del videos
    tasks = [(str(path), variant, split, seed, i, min(CHUNK, count - i * CHUNK), mnist_path)
             for i in range((count + CHUNK - 1) // CHUNK)]
    labels = [None] * len(tasks)
    if pool is not None:
        for index, y in pool.imap_unordered(_render_chunk, tasks):
            labels[index] = y
    elif workers > 1 and len(tasks) > 1:
        with multiprocessing.get_context("fork").Pool(min(workers, len(tasks))) as pool:
            for index, y in pool.imap_unordered(_render_chunk, tasks):
                labels[index] = y
    else:
        for task in tasks:
            index, y = _render_chunk(task)
            labels[index] = y
    return np.load(path, mmap_mode="r"), np.concatenate(labels)


def _render_digits(task):
    """Worker: Scaled MNIST digits ``rows`` of augmentation ``epoch`` into the memmap at ``path``."""
    path, epoch, start_row, stop_row, seed, rotation_range = task
    from keras_stvideo.data.scaled_mnist import make_scaled_mnist

    digits = _MNIST[0][0][start_row:stop_row]
    frames = np.load(path, mmap_mode="r+")
    frames[epoch, start_row:stop_row] = make_scaled_mnist(digits, np.random.default_rng([seed, epoch, start_row]),
                                                          rotation_range=rotation_range)
    frames.flush()
    return epoch


def render_scaled_mnist(folder, count, augmentations, seed, workers, rotation_range=None):
    """``augmentations`` Scaled MNIST copies of the first ``count`` training digits: (A, count, 64, 64, 1) memmap.

    ``rotation_range`` (radians) turns the digits too (``make_scaled_mnist``; not in the paper).

    Rendered once by worker processes (a warp costs about 1 ms of CPU per digit, 60,000 digits a minute on
    one core); stage 1 cycles through them, a new shuffle every epoch.
    """
    path = pathlib.Path(folder) / "scaled_mnist.npy"
    frames = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(augmentations, count, 64, 64, 1))
    del frames
    tasks = [(str(path), e, r, min(r + 2000, count), seed, rotation_range)
             for e in range(augmentations) for r in range(0, count, 2000)]
    with multiprocessing.get_context("fork").Pool(max(1, min(workers, len(tasks)))) as pool:
        list(pool.imap_unordered(_render_digits, tasks))
    return np.load(path, mmap_mode="r")


def pre_rendered_digits(frames, labels, batch_size, seed):
    """A PyDataset over ``render_scaled_mnist``'s copies: epoch e shows copy e mod A in a new order."""
    import keras

    from keras_stvideo.training.epochs import EpochCounter

    class PreRendered(EpochCounter, keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.on_new_epoch()

        def __len__(self):
            return -(-frames.shape[1] // batch_size)

        def on_new_epoch(self):
            self.order = np.random.default_rng([seed, self.epoch]).permutation(frames.shape[1])

        def __getitem__(self, index):
            rows = np.sort(self.order[index * batch_size:(index + 1) * batch_size])
            return np.asarray(frames[self.epoch % len(frames), rows]), labels[rows].astype("int64")

    return PreRendered()


def held_out_digits(digits, seed, rotation_range=None):
    """Stage 1's held-out Scaled MNIST frames, made from test digits (one fixed draw per seed)."""
    from keras_stvideo.data.scaled_mnist import make_scaled_mnist

    return make_scaled_mnist(digits, np.random.default_rng([seed, 2017]), rotation_range=rotation_range)


def test_videos(variant, per_class, seed, mnist):
    from keras_stvideo.data.moving_mnist import MovingMNIST

    generator = MovingMNIST.from_variant(variant, split="test", digit_source="disjoint", label_order="sorted",
                                         mnist=mnist)
    return generator.paper_protocol(per_class, seed=seed)


# ----------------------------------------------------------------------------- training
def set_matmul_precision(precision):
    """JAX: "highest" computes float32 matmuls and convolutions in full float32 (no TF32 on the GPU)."""
    import keras

    if keras.backend.backend() == "jax":
        import jax

        jax.config.update("jax_default_matmul_precision", None if precision == "default" else precision)
    elif precision != "default":
        raise ValueError(f"--matmul-precision {precision} needs KERAS_BACKEND=jax, not {keras.backend.backend()}")


def make_deadline_callback(deadline, start):
    import keras

    class Deadline(keras.callbacks.Callback):
        """Stop ``fit`` at the batch that passes the deadline (the row records how many epochs it finished)."""

        stopped = False

        def on_train_batch_end(self, batch, logs=None):
            if time.perf_counter() - start > deadline:
                self.model.stop_training = True
                Deadline.stopped = True

    return Deadline()


def _converged(curve, min_gain, patience=1):
    """Stage 1 has converged once ``patience`` epochs in a row add less than ``min_gain`` points of held-out
    accuracy to the best epoch before them (one noisy epoch stops a run with ``patience=1``)."""
    return len(curve) > patience and max(curve[-patience:]) - max(curve[:-patience]) < min_gain


def pretrain(name, mnist, args, state_dir, log, start):
    """Stage 1 to convergence; returns (trainer, record)."""
    import keras

    from keras_stvideo.data.scaled_mnist import ScaledMNIST
    from keras_stvideo.models.attention_lstm.frame_encoders import FRAME_ENCODERS
    from keras_stvideo.models.attention_lstm.training import TwoStageTrainer
    from keras_stvideo.training.epoch_backup import DatasetEpochSync, EpochBackup, initial_epoch

    keras.utils.set_random_seed(args.seed)
    trainer = TwoStageTrainer(FRAME_ENCODERS[name](), 5, lstm_units=args.lstm_units)
    (x_train, y_train), (x_test, y_test) = mnist
    held_out = held_out_digits(x_test[:args.pretrain_test_digits], args.seed)
    y_held = np.asarray(y_test[:args.pretrain_test_digits])

    def digit_accuracy():
        p = trainer.frame_encoder.predict(held_out, batch_size=500, verbose=0)
        return 100 * float(np.mean(np.argmax(p, axis=1) == y_held))

    weights = None if state_dir is None else pathlib.Path(state_dir) / f"{name}_pretrained.weights.h5"
    record_path = None if state_dir is None else pathlib.Path(state_dir) / f"{name}_pretrained.json"
    if weights is not None and weights.exists() and record_path.exists():
        trainer.frame_encoder.load_weights(weights)
        record = json.loads(record_path.read_text())
        log(f"[{name}] stage 1 restored from {weights}: {record['digit_accuracy']:.2f}%")
        return trainer, record
    count = min(args.pretrain_digits, len(x_train))
    if pretrain.frames is not None:
        digits = pre_rendered_digits(pretrain.frames, np.asarray(y_train[:count]), args.pretrain_batch_size, args.seed)
    else:
        digits = ScaledMNIST(x_train[:count], y_train[:count], batch_size=args.pretrain_batch_size, seed=args.seed)
    # An epoch of DCN-LeNet takes about half an hour on 2 CPU cores: keep every finished epoch (weights, optimizer,
    # held-out curve) so that the same command resumes an interrupted stage 1 at its next epoch.
    resume = []
    progress_path = None
    if state_dir is not None:
        resume = [DatasetEpochSync(digits), EpochBackup(pathlib.Path(state_dir) / f"{name}_stage1_backup")]
        progress_path = pathlib.Path(state_dir) / f"{name}_stage1_progress.json"
    progress = json.loads(progress_path.read_text()) if progress_path is not None and progress_path.exists() else {}
    curve = progress.get("curve", [])[:initial_epoch(resume)]
    seconds_before = progress.get("seconds", 0.0) if curve else 0.0
    if curve:
        log(f"[{name}] stage 1 resumed after epoch {len(curve)}: held-out digit accuracy {curve[-1]:.2f}%")
    t0 = time.perf_counter() - seconds_before
    state = {"stopped": "max epochs"}

    class Convergence(keras.callbacks.Callback):
        """Score the held-out digits after every epoch; stop once the gain drops below ``--min-gain``."""

        def on_epoch_end(self, epoch, logs=None):
            curve.append(digit_accuracy())
            if progress_path is not None:
                with atomic_path(progress_path) as tmp:
                    tmp.write_text(json.dumps({"curve": curve, "seconds": time.perf_counter() - t0}))
            log(f"[{name}] stage 1 epoch {epoch + 1}: held-out digit accuracy {curve[-1]:.2f}% "
                f"({time.perf_counter() - t0:.0f} s)")
            if _converged(curve, args.min_gain, args.patience):
                gain = max(curve[-args.patience:]) - max(curve[:-args.patience])
                state["stopped"] = (f"converged (gain {gain:.2f} < {args.min_gain} points over "
                                    f"{args.patience} epoch{'s' * (args.patience > 1)})")
            elif time.perf_counter() - t0 > args.pretrain_seconds:
                state["stopped"] = f"time cap {args.pretrain_seconds:.0f} s"
            elif time.perf_counter() - start > args.deadline:
                state["stopped"] = "deadline"
            else:
                return
            self.model.stop_training = True

    finished = len(curve) >= args.pretrain_max_epochs or _converged(curve, args.min_gain, args.patience)
    # A stage 1 that had finished when the run stopped: fit restores its last epoch and trains none.
    trainer.pretrain(digits, epochs=len(curve) if finished else args.pretrain_max_epochs, verbose=0, shuffle=False,
                     callbacks=resume + [Convergence()])
    stop_reason = state["stopped"]
    record = {"digits": count, "epochs": len(curve), "batch_size": args.pretrain_batch_size,
              "optimizer": "Adadelta(1.0)", "digit_accuracy": curve[-1], "digit_accuracy_per_epoch": curve,
              "held_out_digits": len(y_held), "stopped": stop_reason, "seconds": time.perf_counter() - t0}
    if weights is not None:
        with atomic_path(weights) as tmp:
            trainer.frame_encoder.save_weights(tmp)
        with atomic_path(record_path) as tmp:
            tmp.write_text(json.dumps(record))
    return trainer, record


pretrain.frames = None


def score(probabilities, labels):
    labels = np.asarray(labels)
    picked = np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1.0)
    return float(-np.mean(np.log(picked))), 100 * float(np.mean(np.argmax(probabilities, axis=1) == labels))


def run_row(trainer, pretrained_cnn, mode, train, test, args, deadline_cb):
    """One stage 2 from the pre-trained CNN and a fresh LSTM; returns the row's record."""
    import keras

    keras.utils.set_random_seed(args.seed + 1)
    initial_head = run_row.heads.setdefault(id(trainer), trainer.head.get_weights())
    trainer.head.set_weights(initial_head)
    trainer.frame_encoder.set_weights(pretrained_cnn)
    (x_tr, y_tr), (x_te, y_te) = train, test
    t0 = time.perf_counter()
    options = dict(epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.learning_rate, verbose=0,
                   callbacks=[deadline_cb])
    if mode == "frozen":
        f_tr = np.concatenate([trainer.frame_features(x_tr[i:i + CHUNK]) for i in range(0, len(x_tr), CHUNK)])
        f_te = trainer.frame_features(x_te)
        feature_seconds = time.perf_counter() - t0
        history = trainer.fit_features(f_tr, y_tr, validation_data=(f_te, y_te), **options)
        test_loss, test_accuracy = score(trainer.head.predict(f_te, batch_size=500, verbose=0), y_te)
    else:
        feature_seconds = 0.0
        history = trainer.fit(x_tr, y_tr, fine_tune=True, validation_data=(x_te, y_te), **options)
        test_loss, test_accuracy = score(trainer.model.predict(x_te, batch_size=250, verbose=0), y_te)
    return {
        "mode": mode, "test_accuracy": test_accuracy, "test_loss": test_loss,
        "train_accuracy_last_epoch": 100 * float(history.history["accuracy"][-1]),
        "train_loss_last_epoch": float(history.history["loss"][-1]),
        "test_accuracy_per_epoch": [100 * float(a) for a in history.history["val_accuracy"]],
        "test_loss_per_epoch": [float(a) for a in history.history["val_loss"]],
        "epochs_done": len(history.history["loss"]), "seconds": time.perf_counter() - t0,
        "feature_seconds": feature_seconds,
    }


run_row.heads = {}


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()
    quiet_tensorflow()  # no TensorFlow C++ log lines, as in `stvideo`
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result_path = out / "shan2017_compare.json"

    def log(line):
        print(f"[{time.perf_counter() - start:6.0f} s] {line}", flush=True)

    from keras_stvideo.data.mnist import load_mnist

    global _MNIST
    mnist = _MNIST = load_mnist(args.mnist)
    payload = json.loads(result_path.read_text()) if result_path.exists() else {}
    payload.setdefault("settings", {k: v for k, v in vars(args).items() if k not in ("out", "state_dir", "mnist")})
    payload.setdefault("pretraining", {})
    payload.setdefault("rows", [])
    done = {(r["encoder"], r["variant"], r["mode"]) for r in payload["rows"]}

    def save():
        with atomic_path(result_path) as tmp:
            tmp.write_text(json.dumps(payload, indent=1))

    # Every video first, in worker processes, before a Keras model exists (fork-safe).
    scratch = tempfile.TemporaryDirectory()
    t0 = time.perf_counter()
    data = {}
    for index, variant in enumerate(args.variants):
        train = render_videos(scratch.name, f"train_{variant}", variant, "train", args.train_videos,
                              args.seed + 100 * index, args.mnist, args.workers)
        data[variant] = (train, test_videos(variant, args.test_per_class, args.seed + 100 * index + 1, mnist))
    if args.pretrain_augmentations:
        pretrain.frames = render_scaled_mnist(scratch.name, min(args.pretrain_digits, len(mnist[0][0])),
                                              args.pretrain_augmentations, args.seed, args.workers)
    log(f"rendered the videos (and Scaled MNIST) in {time.perf_counter() - t0:.0f} s with {args.workers} processes")

    import keras

    payload["backend"] = keras.backend.backend()
    try:
        import jax
        payload["device"] = str(jax.devices()[0]) if payload["backend"] == "jax" else None
    except ImportError:
        pass
    if args.mixed_precision:
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    set_matmul_precision(args.matmul_precision)
    deadline_cb = make_deadline_callback(args.deadline, start)
    trainers = {}
    for name in args.encoders:
        trainer, record = pretrain(name, mnist, args, args.state_dir, log, start)
        payload["pretraining"][name] = record
        trainers[name] = (trainer, trainer.frame_encoder.get_weights())
        save()
    for mode in args.modes:
        for variant in args.variants:
            for name in args.encoders:
                if (name, variant, mode) in done or time.perf_counter() - start > args.deadline:
                    continue
                trainer, pretrained = trainers[name]
                row = run_row(trainer, pretrained, mode, *data[variant], args, deadline_cb)
                row.update(encoder=name, variant=variant, protocol="clean", label_order="sorted",
                           train_videos=args.train_videos, test_videos=len(data[variant][1][1]),
                           stopped_by_deadline=row["epochs_done"] < args.epochs)
                payload["rows"].append(row)
                save()
                log(f"[{name}] {variant}, {mode}: test accuracy {row['test_accuracy']:.1f}%, cross-entropy "
                    f"{row['test_loss']:.2f} after {row['epochs_done']} epochs ({row['seconds']:.0f} s)")
    log(f"wrote {result_path}")
    scratch.cleanup()


if __name__ == "__main__":
    main()
