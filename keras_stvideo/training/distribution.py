"""Data-parallel training on several devices with the engines Keras supports.

``data_parallel(devices)`` is a context manager: build, compile and fit a model
inside it and each batch is split over the devices, whose gradients are averaged
before every update, so a step gives the weights one device would give on the
whole batch.

- TensorFlow: ``tf.distribute.MirroredStrategy`` over the local GPUs (or CPUs);
  with ``TF_CONFIG`` set in the environment, ``MultiWorkerMirroredStrategy``
  across machines (one process per machine, each running the same command and
  passing the whole data to ``fit``, which gives each worker its share). Enter
  ``data_parallel`` before any other TensorFlow op (the cluster's collectives are
  set up then). The strategy here reduces nested values and scalar logs, two
  calls Keras 3's ``fit`` makes that the plain strategy refuses with two workers
  (keras-team/keras#20585).
- JAX: ``keras.distribution.DataParallel`` over ``keras.distribution.list_devices()``;
  for several processes, call ``keras.distribution.initialize()`` first (or set
  its environment variables) and pass ``devices=None`` to use every device. Keras
  then wants each process's own rows: pass a ``tf.data.Dataset`` (Keras shards
  it), or arrays of this process's rows with ``engine.auto_shard_dataset = False``
  and ``batch_size`` this process's share of the global batch.
- PyTorch: Keras has no data-parallel engine of its own there; a ValueError says so.

Custom training steps: on JAX the step is traced once over the whole (sharded)
batch, so a step written for one device is already exact. On TensorFlow each
replica runs the step on its share of the batch and the optimizer sums the
replicas' gradients, so a loss that is not Keras' own must be the replica's
share of the whole batch's loss: ``replicas_in_sync()`` (divide a batch mean by
it), ``replica_sum(value)`` (batch statistics such as class counts) and
``gather_replica_batches(value)`` (a computation that runs through the batch in
order) make it so; outside a TensorFlow strategy they do nothing.

Example:
    >>> with data_parallel(2):  # doctest: +SKIP
    ...     model = keras_stvideo.build_lenet()
    ...     model.compile("adadelta", "sparse_categorical_crossentropy")
    ...     model.fit(x, y, batch_size=64)
"""

import contextlib
import functools
import os


def _check_count(devices, available, kind):
    if devices is None:
        return available
    if not isinstance(devices, int) or isinstance(devices, bool) or devices < 1:
        raise ValueError(f"devices must be a positive number of devices or None (all of them), got {devices!r}")
    if devices > len(available):
        raise ValueError(f"devices={devices} asks for more devices than there are: {len(available)} {kind} "
                         f"device(s) are visible ({', '.join(available)})")
    return available[:devices]


def local_devices():
    """``(kind, names)`` of the devices the current backend would train on: accelerators first, else CPUs."""
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        for kind in ("GPU", "CPU"):
            names = [device.name for device in tf.config.list_logical_devices(kind)]
            if names:
                return kind, names
    if backend == "jax":
        names = keras.distribution.list_devices()
        return names[0].split(":")[0].upper(), names
    raise ValueError(f"data-parallel training needs the TensorFlow or JAX backend; the {backend!r} backend has no "
                     "Keras distribution engine (set KERAS_BACKEND=tensorflow or jax)")


@functools.lru_cache(maxsize=None)
def _mirrored_strategy(devices):
    """One MirroredStrategy per device set and process: a second strategy over the same devices starts its
    collective operations' keys afresh, and its first all-reduce then meets the first strategy's
    ("Shape mismatch in the collective instance")."""
    import tensorflow as tf

    return tf.distribute.MirroredStrategy(devices=list(devices))


@functools.lru_cache(maxsize=None)
def _multi_worker_strategy(tf_config):
    """One MultiWorkerMirroredStrategy per process (and ``TF_CONFIG``): creating it configures the cluster's
    collective operations, which TensorFlow does once per process, before its first op."""
    import tensorflow as tf

    class MultiWorkerMirroredStrategy(tf.distribute.MultiWorkerMirroredStrategy):
        """``reduce`` takes a nested structure, and a scalar's mean over the replicas with ``axis=0``.

        Keras 3's TensorFlow ``fit`` (3.15 here; reported since 3.7 in keras-team/keras#20585) calls ``reduce`` in two
        ways that ``MultiWorkerMirroredStrategy`` refuses once there are two workers:
        - before training, ``TensorFlowTrainer._maybe_symbolic_build`` reduces the whole first batch
          ((x, y), a nest) in one call: "Attempt to convert a value (PerReplica...) with an unsupported
          type"; here each leaf is reduced on its own;
        - after every step, ``reduce_per_replica`` averages each log with ``reduce("MEAN", log, axis=0)``
          (its one-worker branch takes the mean over the replicas only): "Invalid reduction dimension 0
          for input with 0 dimensions" for the scalar losses and metrics; here a scalar's ``axis=0``
          means the mean over the replicas, what one worker logs.
        """

        def reduce(self, reduce_op, value, axis):
            base = super(MultiWorkerMirroredStrategy, self).reduce

            def leaf_reduce(leaf):
                local = self.experimental_local_results(leaf)[0]
                scalar = getattr(local, "shape", None) is not None and local.shape.rank == 0
                return base(reduce_op, leaf, None if scalar else axis)

            return tf.nest.map_structure(leaf_reduce, value)

    return MultiWorkerMirroredStrategy()


@contextlib.contextmanager
def data_parallel(devices=None):
    """Train data-parallel over ``devices`` (a count, or None for all) inside this context.

    ``devices=1`` runs on one device with no distribution engine at all, so code
    can pass the user's choice through unchanged. Yields the TensorFlow strategy
    or the Keras ``DataParallel`` distribution (None for one device).
    """
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow" and os.environ.get("TF_CONFIG"):
        strategy = _multi_worker_strategy(os.environ["TF_CONFIG"])
        with strategy.scope():
            yield strategy
        return
    kind, names = local_devices()
    chosen = _check_count(devices, names, kind)
    if len(chosen) == 1:
        yield None
        return
    if backend == "tensorflow":
        strategy = _mirrored_strategy(tuple(chosen))
        with strategy.scope():
            yield strategy
        return
    distribution = keras.distribution.DataParallel(devices=chosen)
    with distribution.scope():
        yield distribution


def _tf_replica_context():
    """TensorFlow's replica context when a step runs in one with several replicas, else None."""
    import keras

    if keras.backend.backend() != "tensorflow":
        return None
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return None
    return context


def replicas_in_sync():
    """How many TensorFlow replicas share the current step's batch (1 outside a strategy and on JAX/PyTorch)."""
    context = _tf_replica_context()
    return 1 if context is None else context.num_replicas_in_sync


def replica_sum(value):
    """``value`` summed over the replicas of a TensorFlow strategy step (the whole batch's sum); ``value`` elsewhere."""
    context = _tf_replica_context()
    return value if context is None else context.all_reduce("SUM", value)


def gather_replica_batches(value):
    """``(whole, start)``: the whole batch (the replicas' shares in batch order) and where this replica's rows start.

    MirroredStrategy gives replica r the r-th contiguous share of each batch, so
    ``whole[start:start + len(value)]`` is ``value``. Outside a TensorFlow strategy: ``(value, 0)``.
    """
    context = _tf_replica_context()
    if context is None:
        return value, 0
    import tensorflow as tf

    sizes = context.all_gather(tf.shape(value)[:1], axis=0)
    start = tf.reduce_sum(sizes[: context.replica_id_in_sync_group])
    return context.all_gather(value, axis=0), start
