"""Data-parallel training on several devices with the engines Keras supports.

``data_parallel(devices)`` is a context manager: build, compile and fit a model
inside it and each batch is split over the devices, whose gradients are averaged
before every update, so a step gives the weights one device would give on the
whole batch.

- TensorFlow: ``tf.distribute.MirroredStrategy`` over the local GPUs (or CPUs);
  with ``TF_CONFIG`` set in the environment, ``MultiWorkerMirroredStrategy``
  across machines (one process per machine, each running the same command).
- JAX: ``keras.distribution.DataParallel`` over ``keras.distribution.list_devices()``;
  for several processes, call ``keras.distribution.initialize()`` first (or set
  its environment variables) and pass ``devices=None`` to use every device.
- PyTorch: Keras has no data-parallel engine of its own there; a ValueError says so.

Example:
    >>> with data_parallel(2):  # doctest: +SKIP
    ...     model = keras_stvideo.build_lenet()
    ...     model.compile("adadelta", "sparse_categorical_crossentropy")
    ...     model.fit(x, y, batch_size=64)
"""

import contextlib
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
        import tensorflow as tf

        strategy = tf.distribute.MultiWorkerMirroredStrategy()
        with strategy.scope():
            yield strategy
        return
    kind, names = local_devices()
    chosen = _check_count(devices, names, kind)
    if len(chosen) == 1:
        yield None
        return
    if backend == "tensorflow":
        import tensorflow as tf

        strategy = tf.distribute.MirroredStrategy(devices=chosen)
        with strategy.scope():
            yield strategy
        return
    distribution = keras.distribution.DataParallel(devices=chosen)
    with distribution.scope():
        yield distribution
