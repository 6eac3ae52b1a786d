"""One worker of a two-process data-parallel run on 127.0.0.1, or the one-process reference.

Usage:
    python -m tests.training.two_worker_step --case CASE --out DIR [--task-index I --ports P0,P1]

With ``--task-index`` the process is worker I of two (TensorFlow: ``TF_CONFIG`` for
``MultiWorkerMirroredStrategy`` through ``keras_stvideo.training.distribution.data_parallel``; JAX:
``keras.distribution.initialize`` on the CPU); without it, one process trains alone on one device.

Cases (the models and the global batch of 8 are ``step_cases.py``'s):
- ``lenet``, ``siamese_c3d``, ``stcsae``: one SGD step by ``model.fit`` on the whole global batch
  (TensorFlow: each worker passes the whole batch and tf.distribute gives it its half; JAX: each process
  passes its half, its process-local rows of the global batch); writes ``DIR/<case>-<who>.npz`` with the
  weights before and after the step and ``DIR/<case>-<who>.json`` with the logs.
- ``resume``: LeNet, 3 epochs of 4 steps with an ``EpochBackup`` in ``DIR/backup-<who>``; with
  ``--hang-at-epoch E`` worker 1 writes ``DIR/hanging`` after the first step of epoch E (0-based) and waits
  there to be killed. Writes ``DIR/resume-<who>.json`` (the epochs the run trained, restored and logged) and
  ``DIR/resume-<who>.npz`` (the final weights).
"""

import argparse
import json
import os
import pathlib
import sys
import time


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", required=True, choices=["lenet", "siamese_c3d", "stcsae", "resume"])
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--task-index", type=int, default=None)
    parser.add_argument("--ports", default=None, help="the two workers' ports on 127.0.0.1, P0,P1")
    parser.add_argument("--hang-at-epoch", type=int, default=None)
    args = parser.parse_args(argv)
    if (args.task_index is None) != (args.ports is None):
        parser.error("--task-index and --ports go together")
    return args


def set_up(args):
    """Before any backend op: TF_CONFIG (TensorFlow) or the JAX distributed client (JAX)."""
    if args.task_index is None:
        os.environ.pop("TF_CONFIG", None)
        return
    workers = [f"127.0.0.1:{port}" for port in args.ports.split(",")]
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend == "tensorflow":
        os.environ["TF_CONFIG"] = json.dumps({"cluster": {"worker": workers},
                                              "task": {"type": "worker", "index": args.task_index}})
    elif backend == "jax":
        import keras

        keras.distribution.initialize(workers[0], num_processes=len(workers), process_id=args.task_index)


def who(args):
    return "single" if args.task_index is None else f"worker{args.task_index}"


def one_step(args):
    import keras
    import numpy as np

    from keras_stvideo.training.distribution import data_parallel
    from tests.training.step_cases import GLOBAL_BATCH, MODELS

    backend = keras.backend.backend()
    with data_parallel(None if args.task_index is not None else 1) as engine:
        keras.utils.set_random_seed(0)
        model, compile_kwargs, (x, y) = MODELS[args.case](np.random.default_rng(0))
        start = [w.copy() for w in model.get_weights()]
        model.compile(optimizer=keras.optimizers.SGD(0.1), **compile_kwargs)
        batch = GLOBAL_BATCH
        if backend == "jax" and args.task_index is not None:
            # Keras' JAX trainer takes each process's rows of the global batch (jax.make_array_from_process_local_data)
            import jax

            share = GLOBAL_BATCH // jax.process_count()
            rows = slice(share * jax.process_index(), share * (jax.process_index() + 1))
            x = keras.tree.map_structure(lambda a: a[rows], x)
            y = None if y is None else y[rows]
            batch = share
            engine.auto_shard_dataset = False  # arrays: each process passes its own rows (Keras' own message)
        began = time.perf_counter()
        history = model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=False).history
        seconds = time.perf_counter() - began
        if backend == "jax":
            import jax

            replicas = jax.device_count() if engine is not None else 1
        else:
            replicas = getattr(engine, "num_replicas_in_sync", 1)
    after = model.get_weights()
    out = args.out
    np.savez(out / f"{args.case}-{who(args)}.npz", **{f"start{i}": w for i, w in enumerate(start)},
             **{f"after{i}": w for i, w in enumerate(after)})
    logs = {key: float(values[-1]) for key, values in history.items()}
    (out / f"{args.case}-{who(args)}.json").write_text(json.dumps(
        {"logs": logs, "fit_seconds": seconds, "replicas": replicas, "engine": type(engine).__name__}))


def resume(args):
    import keras
    import numpy as np

    from keras_stvideo.training.distribution import data_parallel
    from keras_stvideo.training.epoch_backup import EpochBackup
    from tests.training.step_cases import GLOBAL_BATCH, lenet

    epochs_seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            epochs_seen.append(epoch)

        def on_train_batch_end(self, batch, logs=None):
            if args.hang_at_epoch is not None and args.task_index == 1 and epochs_seen[-1] == args.hang_at_epoch:
                (args.out / "hanging").write_text(f"epoch {epochs_seen[-1]} batch {batch}\n")
                time.sleep(600)  # killed here by the test, mid-epoch

    with data_parallel(None if args.task_index is not None else 1):
        keras.utils.set_random_seed(0)
        model, compile_kwargs, (x, y) = lenet(np.random.default_rng(0), rows=4 * GLOBAL_BATCH)
        model.compile(optimizer=keras.optimizers.SGD(0.1), **compile_kwargs)
        backup = EpochBackup(args.out / f"backup-{who(args)}")
        model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=3, initial_epoch=backup.initial_epoch, verbose=0,
                  shuffle=False, callbacks=[backup, Record()])
    np.savez(args.out / f"resume-{who(args)}.npz", *model.get_weights())
    (args.out / f"resume-{who(args)}.json").write_text(json.dumps(
        {"trained_epochs": epochs_seen, "restored_epochs": backup.restored_epochs, "history": backup.history}))


def main(argv=None):
    args = parse(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    set_up(args)
    if args.case == "resume":
        resume(args)
    else:
        one_step(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
